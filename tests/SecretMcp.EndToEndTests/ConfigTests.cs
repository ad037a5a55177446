namespace SecretMcp.EndToEndTests;

/// <summary>
/// The config file through the real tool: init writes a file that checks clean; a broken file stops
/// serve with exit 2 and one line naming the key, with nothing on serve's stdout.
/// </summary>
public sealed class ConfigTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Init_writes_a_commented_file_and_its_schema_that_check_clean()
    {
        var init = await RunToolAsync("config init");
        init.Code.Should().Be(0, init.Stderr);
        var folder = Path.Combine(_sandbox.Home, ".config", "secret-mcp");
        var file = await File.ReadAllTextAsync(Path.Combine(folder, "config.json"));
        file.Should().StartWith("// secret-mcp configuration").And.Contain("\"$schema\": \"./config.schema.json\"");
        File.Exists(Path.Combine(folder, "config.schema.json")).Should().BeTrue();

        var check = await RunToolAsync("config check");
        check.Code.Should().Be(0, check.Stderr);
        check.Stdout.Should().Contain("config OK: " + Path.Combine(folder, "config.json"));

        var again = await RunToolAsync("config init");
        again.Code.Should().Be(1, "an existing file is not overwritten without --force");
        again.Stderr.Should().Contain("already exists");

        (await RunToolAsync("config path")).Stdout.Trim().Should().Be(Path.Combine(folder, "config.json"));
    }

    [Fact]
    public async Task Serve_with_a_broken_config_exits_2_naming_the_key_and_keeps_stdout_clean()
    {
        _sandbox.SetEnvironment("SECRET_MCP_CONFIG", _sandbox.WriteFile("config.json", """
            { "policy": { "rules": [ { "action": "alow", "path": "db/**" } ] } }
            """));

        var serve = await RunToolAsync("serve --dev < /dev/null");

        serve.Code.Should().Be(2);
        serve.Stdout.Should().BeEmpty("serve's stdout carries JSON-RPC only");
        var lines = serve.Stderr.Trim().Split('\n');
        lines.Should().ContainSingle(serve.Stderr).Which.Should().StartWith("secret-mcp: config ")
            .And.Contain("policy.rules[0].action").And.Contain("\"allow\", \"ask\", \"deny\"");
    }

    [Theory]
    [InlineData("""{ "policy": { "default": "maybe" } }""", "policy.default: is \"maybe\"; use one of \"ask\", \"refuse\"")]
    [InlineData("""{ "policy": { "default": "ask", } """, "is not valid JSON near line 1")]
    [InlineData("""{ "tickets": { "lifetimeSeconds": 3600 } }""", "tickets.lifetimeSeconds: is \"3600\"; use a whole number of seconds from 1 to 900")]
    [InlineData("""{ "polcy": {} }""", "polcy: unknown key; the config file takes $schema, secretServer, auth, policy, tickets, audit")]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow" } ] } }""", "policy.rules[0]: matches nothing")]
    [InlineData("""{ "policy": { "aliases": { "pg": { "path": "db/prod", "variable": "PATH" } } } }""", "policy.aliases.pg.variable: the variable name 'PATH' is reserved")]
    [InlineData("""{ "secretServer": { "baseUrl": "secretserver.example.com" } }""", "secretServer.baseUrl: is \"secretserver.example.com\", which is not an http(s) URL")]
    [InlineData("""{ "secretServer": { "password": "hunter2" } }""", "secretServer.password: a key named 'password' would hold a credential")]
    public async Task Check_names_the_key_and_the_fix(string config, string expected)
    {
        var path = _sandbox.WriteFile("broken.json", config);

        var check = await RunToolAsync($"config check --file '{path}'");

        check.Code.Should().Be(2);
        check.Stdout.Should().BeEmpty();
        check.Stderr.Should().Contain(expected).And.StartWith("secret-mcp: config " + path);
    }

    [Fact]
    public async Task A_value_that_looks_like_a_secret_is_refused_without_being_echoed()
    {
        const string key = "ghp_" + "Z8v2Qm4Xr7Tn1Lp9Ks3Wd6Yb0Hc5Fj";
        var path = _sandbox.WriteFile("leaky.json", $$"""{ "auth": { "clientId": "{{key}}" } }""");
        _sandbox.SetEnvironment("SECRET_MCP_CONFIG", path);

        var check = await RunToolAsync("config check");
        var serve = await RunToolAsync("serve --dev < /dev/null");

        foreach (var run in new[] { check, serve })
        {
            run.Code.Should().Be(2);
            run.Stderr.Should().Contain("auth.clientId: the value looks like an API token")
                .And.Contain("must never hold a secret").And.NotContain(key[4..]);
        }

        serve.Stdout.Should().BeEmpty();
    }

    [Fact]
    public async Task Environment_overrides_are_validated_and_named()
    {
        _sandbox.SetEnvironment("SECRET_MCP__Policy__Default", "sometimes");

        var serve = await RunToolAsync("serve --dev < /dev/null");

        serve.Code.Should().Be(2);
        serve.Stderr.Should().Contain("policy.default (set by the environment variable SECRET_MCP__Policy__Default)");
    }

    [Fact]
    public async Task A_named_config_file_that_is_missing_stops_serve()
    {
        _sandbox.SetEnvironment("SECRET_MCP_CONFIG", Path.Combine(_sandbox.Root, "nope.json"));

        var serve = await RunToolAsync("serve --dev < /dev/null");

        serve.Code.Should().Be(2);
        serve.Stderr.Should().Contain("nope.json: no such file (named by SECRET_MCP_CONFIG)");
    }

    private Task<ShellRun> RunToolAsync(string arguments) =>
        _sandbox.RunAsync("bash", $"'{Sandbox.ToolPath}' {arguments}", TimeSpan.FromSeconds(60));
}
