using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// search_secrets, describe_secret and the reason of get_secret_environment_variable through the real
/// tool (serve --dev) and a real MCP client; the reason is checked in the dev vault's audit trail.
/// </summary>
public sealed partial class CatalogAndReasonTests : IDisposable
{
    private const string CommentedValue = Canary.Marker + "-commented 'q' $x\n";
    private const string LoginPassword = "catalog-" + Canary.Marker;

    private static readonly string s_seed = $$"""
        {
          "users": [ { "username": "e2e", "password": {{Json(LoginPassword)}} } ],
          "secrets": [
            { "id": 51, "path": "\\e2e\\db", "template": "SQL Server Account", "fields": [
                { "slug": "username", "name": "Username", "value": "e2e-user" },
                { "slug": "password", "name": "Password", "value": "{{Canary.Marker}}-db", "isPassword": true } ] },
            { "id": 52, "path": "\\e2e\\commented", "template": "Password", "requiresComment": true, "fields": [
                { "slug": "password", "name": "Password", "value": {{Json(CommentedValue)}}, "isPassword": true } ] },
            { "id": 53, "path": "\\e2e\\approval", "template": "Password", "requiresApproval": true, "fields": [
                { "slug": "password", "name": "Password", "value": "{{Canary.Marker}}-approval", "isPassword": true } ] },
            { "id": 54, "path": "\\e2e\\files\\cert", "template": "Certificate", "fields": [
                { "slug": "pfx", "name": "PFX", "valueBase64": "AAECAw==", "isFile": true } ] },
            { "id": 55, "path": "\\other\\db", "template": "SQL Server Account", "fields": [
                { "slug": "password", "name": "Password", "value": "{{Canary.Marker}}-other", "isPassword": true } ] }
          ]
        }
        """;

    private readonly Sandbox _sandbox = new();
    private readonly List<string> _results = [];

    public void Dispose() => _sandbox.Dispose();

    private async Task<ToolSession> StartAsync() =>
        await ToolSession.StartAsync(_sandbox, "serve", "--dev", "--seed", _sandbox.WriteFile("catalog-seed.json", s_seed));

    private async Task<ModelContextProtocol.Protocol.CallToolResult> CallAsync(
        ToolSession session, string tool, Dictionary<string, object?> arguments)
    {
        var result = await session.CallAsync(tool, arguments);
        _results.Add(JsonSerializer.Serialize(result));
        return result;
    }

    [Fact]
    public async Task Search_and_describe_list_names_paths_fields_and_flags_but_never_a_value()
    {
        await using (var session = await StartAsync())
        {
            var tools = await session.Client.ListToolsAsync();
            tools.Select(t => t.Name).Should().Contain(["search_secrets", "describe_secret"]);
            tools.Single(t => t.Name == "get_secret_environment_variable").JsonSchema.GetProperty("properties")
                .TryGetProperty("reason", out _).Should().BeTrue();

            var search = await CallAsync(session, "search_secrets", new() { ["query"] = "db" });
            search.IsError.Should().NotBe(true, ToolSession.TextOf(search));
            var listed = ToolSession.StructuredOf(search).GetProperty("secrets").EnumerateArray()
                .Select(s => (s.GetProperty("id").GetInt32(), s.GetProperty("path").GetString())).ToList();
            listed.Should().BeEquivalentTo([(51, "/e2e/db"), (55, "/other/db")]);
            ToolSession.TextOf(search).Should().Contain("51 /e2e/db (SQL Server Account)");

            var restricted = await CallAsync(session, "search_secrets", new() { ["query"] = "commented" });
            ToolSession.TextOf(restricted).Should().Contain("requires a reason");

            var describe = await CallAsync(session, "describe_secret", new() { ["secret"] = "e2e/commented" });
            var described = ToolSession.StructuredOf(describe);
            described.GetProperty("id").GetInt32().Should().Be(52);
            described.GetProperty("path").GetString().Should().Be("/e2e/commented");
            described.GetProperty("defaultField").GetString().Should().Be("password");
            described.GetProperty("flags").GetProperty("requiresComment").GetBoolean().Should().BeTrue();
            described.GetProperty("access").GetProperty("reasonRequired").GetBoolean().Should().BeTrue();
            ToolSession.TextOf(describe).Should().Contain("Pass reason");

            var file = await CallAsync(session, "describe_secret", new() { ["secret"] = "54" });
            ToolSession.StructuredOf(file).GetProperty("fields")[0].GetProperty("kind").GetString().Should().Be("file");

            var ambiguous = await CallAsync(session, "describe_secret", new() { ["secret"] = "db" });
            ambiguous.IsError.Should().BeTrue();
            ToolSession.TextOf(ambiguous).Should().Contain("51 \\e2e\\db").And.Contain("55 \\other\\db");

            await session.DisposeAsync();
            Canary.AssertAbsent("serve's stderr", session.Stderr);
        }

        Canary.AssertAbsent("tool results", string.Join("\n", _results));
        Canary.AssertAbsent("serve's stdout", await File.ReadAllTextAsync(Path.Combine(_sandbox.Root, "stdout.jsonl")));
    }

    [Fact]
    public async Task A_secret_that_needs_a_reason_is_refused_early_then_read_with_it_and_audited()
    {
        await using var session = await StartAsync();

        var refused = await CallAsync(session, "get_secret_environment_variable",
            new() { ["secret"] = "e2e/commented", ["shell"] = "bash" });
        refused.IsError.Should().BeTrue();
        ToolSession.TextOf(refused).Should().Contain("call again with reason").And.Contain("Nothing was issued");

        var issued = await CallAsync(session, "get_secret_environment_variable", new()
        {
            ["secret"] = "e2e/commented", ["shell"] = "bash", ["reason"] = "run the migration tests",
            ["ticketNumber"] = "CHG-77",
        });
        issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
        var structured = ToolSession.StructuredOf(issued);
        var variable = structured.GetProperty("variable").GetString()!;

        // A proxy in the environment is for Secret Server traffic; redeem's Unix socket never uses one.
        var run = await _sandbox.RunAsync("bash",
            "export HTTP_PROXY=http://127.0.0.1:9 HTTPS_PROXY=http://127.0.0.1:9 ALL_PROXY=http://127.0.0.1:9\n"
            + structured.GetProperty("snippet").GetString() + $"\nprintf '%s' \"${variable}\" | sha256sum");
        run.Code.Should().Be(0, run.Stderr);
        run.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(CommentedValue));

        // The broker read the field with the reason as Secret Server's comment: ask the vault's audit API.
        var audit = await ReadAuditAsync(session, 52);
        audit.GetProperty("action").GetString().Should().Be("VIEW");
        audit.GetProperty("notes").GetString().Should().Be("run the migration tests");
        audit.GetProperty("ticketNumber").GetString().Should().Be("CHG-77");

        var approval = await CallAsync(session, "get_secret_environment_variable",
            new() { ["secret"] = "e2e/approval", ["shell"] = "bash", ["reason"] = "x" });
        approval.IsError.Should().BeTrue();
        ToolSession.TextOf(approval).Should().Contain("requires approval").And.Contain("request access");

        Canary.AssertAbsent("tool results", string.Join("\n", _results));
        Canary.AssertAbsent("the shell's stderr", run.Stderr);
    }

    [Fact]
    public async Task A_secret_server_error_at_redemption_fails_the_snippet_without_leaking()
    {
        // Case C13: faults from the seed file; every field read answers 500.
        var seed = s_seed.TrimEnd().TrimEnd('}') + """
            , "faults": [ { "path": "/api/v1/secrets/*/fields/*", "kind": "status", "status": 500 } ] }
            """;
        await using var session = await ToolSession.StartAsync(
            _sandbox, "serve", "--dev", "--seed", _sandbox.WriteFile("fault-seed.json", seed));

        var issued = await CallAsync(session, "get_secret_environment_variable",
            new() { ["secret"] = "e2e/db", ["shell"] = "bash", ["variable"] = "DB_PW" });
        issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));

        var run = await _sandbox.RunAsync("bash", ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()
            + "\nrc=$?; echo \"rc=$rc set=${DB_PW+yes}\"; exit $rc");

        run.Code.Should().NotBe(0);
        run.Stdout.Should().Be("rc=1 set=\n", "the variable stays unset");
        run.Stderr.Should().Contain("secret_server_unavailable").And.Contain("HTTP 500");
        run.Stderr.Should().NotContainEquivalentOf("bearer").And.NotContain("smt1.");
        Canary.AssertAbsent("the shell's output", run.Stdout + run.Stderr);

        await session.DisposeAsync();
        Canary.AssertAbsent("serve's stderr", session.Stderr);
        session.Stderr.Should().NotContainEquivalentOf("bearer ");
    }

    /// <summary>The newest audit record of a secret in the dev vault that serve started.</summary>
    private static async Task<JsonElement> ReadAuditAsync(ToolSession session, int secretId)
    {
        var baseUrl = ReadyLine().Match(session.Stderr);
        baseUrl.Success.Should().BeTrue("serve logs the Secret Server it uses: {0}", session.Stderr);

        using var http = new HttpClient { BaseAddress = new Uri(baseUrl.Groups[1].Value) };
        using var grant = await http.PostAsync("oauth2/token", new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", "e2e"), new("password", LoginPassword)]));
        var token = JsonDocument.Parse(await grant.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, $"api/v1/secrets/{secretId}/audits");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("records")[0].Clone();
    }

    [GeneratedRegex(@"Secret Server (http://127\.0\.0\.1:\d+/)")]
    private static partial Regex ReadyLine();

    private static string Json(string value) => JsonSerializer.Serialize(value);
}
