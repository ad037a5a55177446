using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SecretMcp.EndToEndTests;

/// <summary>The seed and config the policy tests run against, and an MCP client that can be asked.</summary>
public static class PolicyFixtures
{
    public const string PgHost = "pg.internal:5432";
    public const string PgUser = "app-" + Canary.Marker;
    public const string PgPassword = Canary.Marker + "-pg $HOME \"q\" `id` 'sq'\n";
    public const string RotatingPassword = Canary.Marker + "-rotate-me";

    public static string SeedJson => $$"""
        {
          "users": [ { "username": "e2e", "password": {{Json(Canary.LoginPassword)}} } ],
          "secrets": [
            { "id": 51, "path": "\\pol\\db", "template": "SQL Server Account", "fields": [
                { "slug": "server", "name": "Server", "value": {{Json(PgHost)}} },
                { "slug": "username", "name": "Username", "value": {{Json(PgUser)}} },
                { "slug": "password", "name": "Password", "value": {{Json(PgPassword)}}, "isPassword": true } ] },
            { "id": 52, "path": "\\pol\\api", "template": "API Key", "fields": [
                { "slug": "api-key", "name": "API Key", "value": {{Json(Canary.ApiKey)}}, "isPassword": true } ] },
            { "id": 53, "path": "\\prod\\db", "template": "SQL Server Account", "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(Canary.DbPassword)}}, "isPassword": true } ] },
            { "id": 54, "path": "\\pol\\gated", "template": "Password", "requiresApproval": true, "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(Canary.DbPassword)}}, "isPassword": true } ] },
            { "id": 55, "path": "\\pol\\rotating", "template": "Password", "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(RotatingPassword)}}, "isPassword": true } ] },
            { "id": 56, "path": "\\pol\\reasoned", "template": "Password", "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(Canary.DbPassword)}}, "isPassword": true } ] },
            { "id": 57, "path": "\\pol\\zshonly", "template": "Password", "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(Canary.DbPassword)}}, "isPassword": true } ] }
          ]
        }
        """;

    public const string ConfigJson = """
        // The policy the end-to-end tests run under.
        {
          "$schema": "./config.schema.json",
          "policy": {
            "default": "ask",
            "accessRequests": "create",
            "rules": [
              { "name": "no prod", "action": "deny", "path": "prod/**" },
              { "name": "api keys", "action": "allow", "template": "API Key", "lifetimeSeconds": 600, "uses": 2 },
              { "name": "needs reason", "action": "ask", "path": "pol/reasoned", "requireReason": true },
              { "name": "zsh only", "action": "allow", "path": "pol/zshonly", "shells": ["zsh"] },
              { "name": "rotate", "action": "allow", "path": "pol/rotating", "rotateAfterUse": true },
              { "name": "gated", "action": "allow", "path": "pol/gated" },
            ],
            "aliases": {
              "pg": { "path": "pol/db", "variables": { "PGHOST": "server", "PGUSER": "username", "PGPASSWORD": "password" } },
              "db-pass": { "path": "pol/db", "variable": "DB_PASS" },
            },
          },
        }
        """;

    /// <summary>Starts serve --dev on the policy seed, with the config written to the sandbox and named by SECRET_MCP_CONFIG.</summary>
    public static Task<ToolSession> StartAsync(Sandbox sandbox, McpClientOptions? client, string? config = ConfigJson)
    {
        var seed = sandbox.WriteFile("policy-seed.json", SeedJson);
        if (config is not null)
        {
            sandbox.SetEnvironment("SECRET_MCP_CONFIG", sandbox.WriteFile("config.json", config));
        }

        return ToolSession.StartAsync(sandbox, client, "serve", "--dev", "--seed", seed);
    }

    public static string Sha256(string value) => Canary.Sha256(value);

    private static string Json(string value) => JsonSerializer.Serialize(value);
}

/// <summary>An MCP client that declares elicitation and answers with whatever the test says.</summary>
public sealed class ApprovingClient
{
    private readonly List<ElicitRequestParams> _asked = [];

    public ApprovingClient(Func<ElicitRequestParams, ElicitResult> answer) => Answer = answer;

    public Func<ElicitRequestParams, ElicitResult> Answer { get; set; }

    public IReadOnlyList<ElicitRequestParams> Asked
    {
        get
        {
            lock (_asked)
            {
                return [.. _asked];
            }
        }
    }

    public McpClientOptions Options => new()
    {
        Capabilities = new ClientCapabilities { Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() } },
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                lock (_asked)
                {
                    _asked.Add(request!);
                }

                return ValueTask.FromResult(Answer(request!));
            },
        },
    };

    public static ElicitResult Choose(string choice) => new()
    {
        Action = "accept",
        Content = new Dictionary<string, JsonElement> { ["decision"] = JsonSerializer.SerializeToElement(choice) },
    };

    public static ElicitResult Decline() => new() { Action = "decline" };

    public static ElicitResult Cancel() => new() { Action = "cancel" };
}
