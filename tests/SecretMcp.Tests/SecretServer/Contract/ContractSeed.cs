using System.Text;
using System.Text.Json;
using SecretMcp.DevVault;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>
/// The dev vault's seed for the contract tests: secrets for every resolution path, every access rule
/// and every kind of field, with recognisable values so leaks can be scanned for.
/// </summary>
internal static class ContractSeed
{
    public const string Marker = "CANARY-5e1d";

    public const string DevPassword = "dev-login-" + Marker;

    public const string DbPassword = Marker + "-db \"quoted\" \\ back\nline\tü€";

    public const string InfraPassword = Marker + "-infra";

    public const string ApiKey = Marker + "-api-key";

    public const string CommentedPassword = Marker + "-commented";

    public const string CheckoutPassword = Marker + "-checkout";

    public const string ProbeUsername = "needle-in-a-field";

    /// <summary>A file field that starts like HTML and is not UTF-8: it must arrive as raw bytes.</summary>
    public static readonly byte[] CertificateFile = [.. "<?xml version=\"1.0\"?><cert>"u8, 0xFF, 0x00, 0xC3, 0x28, .. "</cert>"u8];

    public const int BulkCount = 120;

    public static SeedFile Load() => SeedFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Json)), "the contract seed");

    public static string Json
    {
        get
        {
            var bulk = string.Join(",\n", Enumerable.Range(1, BulkCount).Select(i =>
                $$"""{ "id": {{1000 + i}}, "path": "\\bulk\\item-{{i:000}}", "template": "Password", "fields": [ { "slug": "password", "name": "Password", "value": "bulk", "isPassword": true } ] }"""));
            return $$"""
                {
                  "users": [
                    { "username": "dev", "password": {{Q(DevPassword)}}, "displayName": "Dev User" },
                    { "username": "carol", "password": "carol-pw", "displayName": "Carol Checkout" },
                    { "username": "otp-user", "password": "otp-pw", "otp": "123456" },
                    { "username": "no-templates", "password": "nt-pw", "canViewTemplates": false }
                  ],
                  "secrets": [
                    { "id": 10, "path": "\\db\\prod", "template": "SQL Server Account", "fields": [
                        { "slug": "server", "name": "Server", "value": "db.internal:5432" },
                        { "slug": "username", "name": "Username", "value": "app" },
                        { "slug": "password", "name": "Password", "value": {{Q(DbPassword)}}, "isPassword": true } ] },
                    { "id": 11, "path": "\\Infra\\db\\prod", "template": "SQL Server Account", "fields": [
                        { "slug": "username", "name": "Username", "value": "infra" },
                        { "slug": "password", "name": "Password", "value": {{Q(InfraPassword)}}, "isPassword": true } ] },
                    { "id": 12, "path": "\\Infra\\web\\api-key", "template": "API Key", "fields": [
                        { "slug": "api-key", "name": "API Key", "value": {{Q(ApiKey)}}, "isPassword": true } ] },
                    { "id": 20, "path": "\\restricted\\commented", "template": "Password", "requiresComment": true,
                      "fields": [ { "slug": "password", "name": "Password", "value": {{Q(CommentedPassword)}}, "isPassword": true } ] },
                    { "id": 21, "path": "\\restricted\\approval", "template": "Password", "requiresApproval": true,
                      "approvedUsers": [ "carol" ],
                      "fields": [ { "slug": "password", "name": "Password", "value": "{{Marker}}-approval", "isPassword": true } ] },
                    { "id": 22, "path": "\\restricted\\checkout", "template": "Password", "checkOutEnabled": true,
                      "fields": [ { "slug": "password", "name": "Password", "value": {{Q(CheckoutPassword)}}, "isPassword": true } ] },
                    { "id": 23, "path": "\\restricted\\checkout-comment", "template": "Password", "checkOutEnabled": true,
                      "requiresComment": true,
                      "fields": [ { "slug": "password", "name": "Password", "value": "{{Marker}}-both", "isPassword": true } ] },
                    { "id": 24, "path": "\\restricted\\list-only", "template": "Password",
                      "permissions": { "dev": "List", "carol": "View" },
                      "fields": [ { "slug": "password", "name": "Password", "value": "{{Marker}}-list", "isPassword": true } ] },
                    { "id": 25, "path": "\\restricted\\hidden", "template": "Password", "permissions": { "carol": "Owner" },
                      "fields": [ { "slug": "password", "name": "Password", "value": "{{Marker}}-hidden", "isPassword": true } ] },
                    { "id": 26, "path": "\\files\\cert", "template": "Certificate", "fields": [
                        { "slug": "note", "name": "Note", "value": "a certificate", "isNotes": true },
                        { "slug": "certificate", "name": "Certificate", "valueBase64": "{{Convert.ToBase64String(CertificateFile)}}",
                          "isFile": true, "filename": "cert.xml" } ] },
                    { "id": 27, "path": "\\inactive\\old", "template": "Password", "active": false,
                      "fields": [ { "slug": "password", "name": "Password", "value": "{{Marker}}-old", "isPassword": true } ] },
                    { "id": 30, "path": "\\search\\probe", "template": "SQL Server Account", "fields": [
                        { "slug": "username", "name": "Username", "value": {{Q(ProbeUsername)}} },
                        { "slug": "password", "name": "Password", "value": "{{Marker}}-probe", "isPassword": true } ] },
                    {{bulk}}
                  ]
                }
                """;
        }
    }

    private static string Q(string value) => JsonSerializer.Serialize(value);
}
