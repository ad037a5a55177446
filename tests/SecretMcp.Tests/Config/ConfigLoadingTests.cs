using System.Collections;
using SecretMcp.Auth;
using SecretMcp.Config;
using SecretMcp.Policy;
using SecretMcp.SecretServer;
using SecretMcp.Shells;

namespace SecretMcp.Tests.Config;

public sealed class ConfigLoadingTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smt-config-" + Guid.NewGuid().ToString("N")[..8]);

    public ConfigLoadingTests() => Directory.CreateDirectory(_folder);

    public void Dispose() => Directory.Delete(_folder, true);

    [Fact]
    public void No_file_means_built_in_defaults()
    {
        var settings = Load(file: null);

        settings.FileExists.Should().BeFalse();
        settings.Policy.Default.Should().Be(DefaultAction.Ask);
        settings.Policy.Rules.Should().BeEmpty();
        settings.Policy.AccessRequests.Should().Be(AccessRequestMode.Report);
        settings.Policy.ApprovalTimeout.Should().Be(TimeSpan.FromMinutes(5));
        settings.Tickets.Should().Be(TicketLimits.Default);
        settings.SecretServer.BaseUrl.Should().BeNull();
    }

    [Fact]
    public void A_file_named_by_the_user_must_exist()
    {
        var act = () => SecretMcpConfig.Load(Path.Combine(_folder, "nope.json"), mustExist: true, new Hashtable());

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("no such file (named by SECRET_MCP_CONFIG)")
            .And.Contain("secret-mcp config init");
    }

    [Fact]
    public void Reads_every_section_with_comments_and_trailing_commas()
    {
        var settings = Load("""
            // A comment before the object.
            {
              "$schema": "./config.schema.json",
              "secretServer": { "baseUrl": "https://ss.example.com/SecretServer", "timeoutSeconds": 45, },
              "auth": { "provider": "password", "username": "jdoe", "scopes": ["a", "b"], "tokenCache": "file",
                        "clientId": "6f1c2d9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f" },
              /* block comment */
              "policy": {
                "default": "refuse",
                "approvalTimeoutSeconds": 60,
                "accessRequests": "create",
                "rules": [
                  { "name": "dev", "action": "allow", "path": "dev/**", "lifetimeSeconds": 600, "uses": 3,
                    "shells": ["bash", "zsh"], "rotateAfterUse": true },
                  { "action": "deny", "secretId": 7 },
                  { "action": "ask", "template": "SQL*", "requireReason": true },
                ],
                "aliases": {
                  "pg": { "path": "db/prod", "variables": { "PGHOST": "server", "PGPASSWORD": "password" } },
                  "api": { "secretId": 11, "field": "api-key", "variable": "API_KEY" },
                  "plain": { "path": "db/dev" },
                },
              },
              "tickets": { "lifetimeSeconds": 60, "uses": 2 },
              "audit": { "path": "/var/log/secret-mcp.jsonl" },
            }
            """);

        settings.SecretServer.BaseUrl.Should().Be(new Uri("https://ss.example.com/SecretServer"));
        settings.SecretServer.Timeout.Should().Be(TimeSpan.FromSeconds(45));
        var auth = AuthSettings.Read(settings.Lookup);
        auth.Should().Match<AuthSettings>(a => a.Provider == SessionProviderKind.Password
            && a.Username == "jdoe" && a.TokenCache == TokenCacheMode.File && a.Scopes.Count == 2
            && a.SecretServerBaseUrl == new Uri("https://ss.example.com/SecretServer/"));
        settings.Tickets.Should().Be(new TicketLimits(TimeSpan.FromSeconds(60), 2));
        settings.Audit.Path.Should().Be("/var/log/secret-mcp.jsonl");

        var policy = settings.Policy;
        policy.Default.Should().Be(DefaultAction.Refuse);
        policy.ApprovalTimeout.Should().Be(TimeSpan.FromSeconds(60));
        policy.AccessRequests.Should().Be(AccessRequestMode.Create);
        policy.Rules.Should().HaveCount(3);
        var dev = policy.Rules[0];
        dev.Name.Should().Be("dev");
        dev.Action.Should().Be(RuleAction.Allow);
        dev.Path!.Text.Should().Be("dev/**");
        dev.Limits.Should().BeEquivalentTo(new RuleLimits(TimeSpan.FromMinutes(10), 3, false,
            new HashSet<ShellKind> { ShellKind.Bash, ShellKind.Zsh }, true));
        policy.Rules[1].Should().Match<PolicyRule>(r => r.Name == "policy.rules[1]" && r.Action == RuleAction.Deny && r.SecretId == 7);
        policy.Rules[2].Should().Match<PolicyRule>(r => r.Template == "SQL*" && r.Limits.RequireReason);

        policy.Aliases.Keys.Should().BeEquivalentTo(["pg", "api", "plain"]);
        policy.Aliases["PG"].Secret.Path.Should().Be("\\db\\prod");
        policy.Aliases["pg"].Variables.Should().BeEquivalentTo(
            [new AliasVariable("PGHOST", "server"), new AliasVariable("PGPASSWORD", "password")]);
        policy.Aliases["api"].Secret.Id.Should().Be(11);
        policy.Aliases["api"].Variables.Should().Equal(new AliasVariable("API_KEY", "api-key"));
        policy.Aliases["plain"].Variables.Should().Equal(new AliasVariable(null, null));

        settings.Configuration["SecretServer:BaseUrl"].Should().Be("https://ss.example.com/SecretServer");
    }

    [Fact]
    public void Environment_variables_override_the_file_ignoring_case()
    {
        var settings = Load(
            """{ "secretServer": { "baseUrl": "https://file.example.com" }, "policy": { "default": "refuse", "rules": [ { "action": "allow", "path": "a/**" } ] } }""",
            new()
            {
                ["SECRET_MCP__SecretServer__BaseUrl"] = "https://env.example.com/SecretServer",
                ["secret_mcp__POLICY__default"] = "ask",
                ["SECRET_MCP__Policy__Rules__0__Action"] = "deny",
                ["SECRET_MCP__Auth__SomethingOnlyTheSignInCodeReads"] = "x",
                ["SECRET_MCP_PASSWORD"] = "not a key: one underscore",
                ["UNRELATED"] = "y",
            });

        settings.SecretServer.BaseUrl.Should().Be(new Uri("https://env.example.com/SecretServer"));
        settings.Policy.Default.Should().Be(DefaultAction.Ask);
        settings.Policy.Rules[0].Action.Should().Be(RuleAction.Deny);
        settings.Configuration["auth:somethingonlythesignincodereads"].Should().Be("x", "other code may read its own keys");
        settings.Configuration["PASSWORD"].Should().BeNull();
    }

    [Fact]
    public void The_transport_and_the_ticket_cap_read_the_file_with_environment_overrides()
    {
        var settings = Load(
            """
            {
              "secretServer": { "baseUrl": "https://file.example.com/SecretServer", "timeoutSeconds": 12,
                                "maxRetries": 0, "proxy": "none", "noProxy": ".corp" },
              "tickets": { "maxOutstandingPerSession": 400 },
            }
            """,
            new() { ["SECRET_MCP__SecretServer__TotalTimeoutSeconds"] = "40" });

        var transport = SecretServerOptions.FromEnvironment(settings.LookupVariable)!;
        transport.BaseUri.Should().Be(new Uri("https://file.example.com/SecretServer/"));
        transport.AttemptTimeout.Should().Be(TimeSpan.FromSeconds(12));
        transport.TotalTimeout.Should().Be(TimeSpan.FromSeconds(40), "the environment wins over the file");
        transport.MaxRetries.Should().Be(0);
        transport.DirectConnection.Should().BeTrue();
        transport.NoProxy.Should().Be(".corp");
        settings.Lookup("Tickets:MaxOutstandingPerSession").Should().Be("400");
    }

    [Theory]
    [InlineData("""{ "tickets": { "maxOutstandingPerSession": 0 } }""", "tickets.maxOutstandingPerSession")]
    [InlineData("""{ "auth": { "provider": "kerberos" } }""", "auth.provider")]
    [InlineData("""{ "auth": { "tokenCache": "disk" } }""", "auth.tokenCache")]
    [InlineData("""{ "secretServer": { "maxRetries": 11 } }""", "secretServer.maxRetries")]
    public void Keys_read_by_sign_in_and_transport_are_checked_in_the_file(string file, string key)
    {
        var act = () => Load(file, []);

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain(key);
    }

    [Fact]
    public void Environment_only_configuration_works_without_a_file()
    {
        var settings = Load(file: null, new() { ["SECRET_MCP__Tickets__Uses"] = "3" });

        settings.Tickets.Uses.Should().Be(3);
    }

    [Fact]
    public void Every_problem_is_reported_at_once_each_naming_its_key()
    {
        var act = () => Load("""
            {
              "polcy": {},
              "secretServer": { "baseUrl": "ftp://ss", "proxy": "http://user:pw@proxy:3128" },
              "policy": {
                "default": "maybe",
                "rules": [ { "action": "alow", "path": "x" }, { "action": "allow" }, { "action": "allow", "path": "a/b**" },
                           { "action": "allow", "secretId": "ten" }, { "action": "allow", "path": "x", "shells": ["tcsh"] },
                           { "action": "allow", "path": "x", "uses": 11, "lifetimeSeconds": 0, "requireReason": "yes" },
                           { "path": "x" }, "just a string" ],
                "aliases": {
                  "42": { "secretId": 1 },
                  "both": { "path": "a/b", "secretId": 1 },
                  "none": { "field": "password" },
                  "mixed": { "path": "a/b", "field": "password", "variables": { "A": "b" } },
                  "badvar": { "path": "a/b", "variable": "LD_PRELOAD" },
                  "numeric": { "path": "41" },
                },
              },
              "tickets": { "uses": 0 },
            }
            """);

        var problems = act.Should().Throw<ConfigException>().Which.Problems;
        problems.Should().BeEquivalentTo(
        [
            "polcy: unknown key; the config file takes $schema, secretServer, auth, policy, tickets, audit",
            "secretServer.baseUrl: is \"ftp://ss\", which is not an http(s) URL; use one such as \"https://secretserver.example.com/SecretServer\"",
            "secretServer.proxy: the value is a URL with a password in it, and the config file must never hold a secret; remove it "
                + "(if it is not a secret, set it through the environment variable SECRET_MCP__secretServer__proxy instead)",
            "policy.default: is \"maybe\"; use one of \"ask\", \"refuse\"",
            "policy.rules[0].action: is \"alow\"; use one of \"allow\", \"ask\", \"deny\"",
            "policy.rules[1]: matches nothing; give it at least one of \"path\" (such as \"db/**\"), \"secretId\" or \"template\"",
            "policy.rules[2].path: \"**\" must be a whole segment (as in \"db/**\"), not part of \"b**\"",
            "policy.rules[3].secretId: is \"ten\"; use a whole number of a Secret Server id from 1 to 2147483647",
            "policy.rules[4].shells: \"tcsh\" is not a shell; use any of bash, zsh, sh, fish, pwsh, powershell, cmd",
            "policy.rules[5].lifetimeSeconds: is \"0\"; use a whole number of seconds from 1 to 900",
            "policy.rules[5].uses: is \"11\"; use a whole number of uses from 1 to 10",
            "policy.rules[5].requireReason: is \"yes\"; use true or false",
            "policy.rules[6].action: is missing; every rule says \"allow\", \"ask\" or \"deny\"",
            "policy.rules[7]: must be an object (a rule), not a single value",
            "policy.aliases.42: an alias name cannot be all digits (that reads as a secret id); rename the alias",
            "policy.aliases.both: names its secret by exactly one of \"path\" (such as \"db/prod\") and \"secretId\"",
            "policy.aliases.none: names its secret by exactly one of \"path\" (such as \"db/prod\") and \"secretId\"",
            "policy.aliases.mixed: sets either \"field\" and \"variable\" (one variable) or \"variables\" (several), not both",
            "policy.aliases.badvar.variable: the variable name 'LD_PRELOAD' starts with the reserved prefix 'LD_'; choose another name",
            "policy.aliases.numeric.path: is a number; use \"secretId\" for an id, or a folder path such as \"db/prod\"",
            "tickets.uses: is \"0\"; use a whole number of uses from 1 to 10",
        ]);
    }

    [Theory]
    [InlineData("""{ "policy": { "default": "ask", "Default": "refuse" } }""", "policy.Default: the key appears twice")]
    [InlineData("""{ "a:b": 1 }""", "a:b: a key cannot contain ':'")]
    [InlineData("""[ 1, 2 ]""", "must hold one JSON object")]
    [InlineData("""{ "policy": """, "is not valid JSON near line 1")]
    [InlineData("""{ "policy": "ask" }""", "policy: must be an object (policy), not a single value")]
    [InlineData("""{ "policy": { "rules": { "a": { "action": "allow" } } } }""", "policy.rules: must be a list of rules")]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow", "path": "x", "shells": [] } ] } }""", "shells: is empty")]
    [InlineData("""{ "policy": { "aliases": { "a": { "path": "x/y", "variables": {} } } } }""", "variables: is empty")]
    public void Malformed_files_get_a_message_that_says_where(string json, string expected)
    {
        var act = () => Load(json);

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain(expected);
    }

    [Fact]
    public void A_value_that_looks_like_a_secret_is_refused_and_never_quoted()
    {
        const string token = "Zk8vQ2m4Xr7Tn1Lp9Ks3Wd6Yb0Hc5FjA";
        var act = () => Load($$"""{ "auth": { "username": "{{token}}" }, "policy": { "default": "{{token}}" } }""");

        var exception = act.Should().Throw<ConfigException>().Which;
        exception.Problems.Should().HaveCount(2);
        exception.Problems.Should().AllSatisfy(p => p.Should().Contain("looks like a key or password"));
        exception.Message.Should().NotContain(token[..12]);
    }

    [Fact]
    public void Secrets_in_the_environment_are_not_the_files_business()
    {
        // CI may pass a pre-issued bearer this way; only the file must never hold one.
        var settings = Load(file: null, new() { ["SECRET_MCP__Auth__Token"] = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl" });

        settings.Configuration["Auth:Token"].Should().StartWith("eyJ");
    }

    [Fact]
    public void Unknown_environment_keys_are_ignored_but_known_ones_are_validated()
    {
        var act = () => Load(file: null, new() { ["SECRET_MCP__Policy__Default"] = "sometimes" });

        act.Should().Throw<ConfigException>().Which.Message.Should()
            .Be("config from the environment: policy.default (set by the environment variable SECRET_MCP__Policy__Default): "
                + "is \"sometimes\"; use one of \"ask\", \"refuse\"");
    }

    [Fact]
    public void The_starter_file_is_valid_and_means_ask()
    {
        var settings = Load(ConfigResources.StarterFile);

        settings.Policy.Default.Should().Be(DefaultAction.Ask);
        settings.Policy.Rules.Should().BeEmpty();
        settings.Tickets.Should().Be(TicketLimits.Default);
        settings.SecretServer.Timeout.Should().Be(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public void A_missing_ca_bundle_is_reported()
    {
        var act = () => Load("""{ "secretServer": { "caBundle": "/nonexistent/ca.pem" } }""");

        act.Should().Throw<ConfigException>().Which.Message.Should().Contain("secretServer.caBundle: no file at");
    }

    private SecretMcpSettings Load(string? file, Dictionary<string, string>? environment = null)
    {
        var path = Path.Combine(_folder, "config.json");
        if (file is not null)
        {
            File.WriteAllText(path, file);
        }

        return SecretMcpConfig.Load(path, mustExist: false, new Hashtable(environment ?? []));
    }
}
