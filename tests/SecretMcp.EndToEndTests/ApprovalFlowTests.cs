using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// Policy and approval through the real tool: the C# MCP client answers the elicitation with
/// accept, decline and cancel; a client without elicitation gets a refusal with the way to allow
/// the secret. Nothing is ever minted without an approval.
/// </summary>
public sealed class ApprovalFlowTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Approve_once_mints_a_working_ticket_and_the_next_request_asks_again()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var issued = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash", ["reason"] = "run the migration tests" });

        issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
        client.Asked.Should().ContainSingle();
        var message = client.Asked[0].Message;
        message.Should().Contain("pol/db").And.Contain("id 51").And.Contain("\"password\"").And.Contain("$POL_DB_PASSWORD")
            .And.Contain("secret-mcp-e2e").And.Contain("run the migration tests").And.Contain("one use within 2 minutes")
            .And.Contain("bash");
        var choices = client.Asked[0].RequestedSchema!.Properties["decision"];
        JsonSerializer.Serialize(choices, ModelContextProtocol.McpJsonUtilities.DefaultOptions)
            .Should().Contain("approve-once").And.Contain("approve-session").And.Contain("\"default\":\"decline\"");

        var snippet = ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()!;
        var run = await _sandbox.RunAsync("bash", snippet + "\nprintf '%s' \"$POL_DB_PASSWORD\" | sha256sum");
        run.Code.Should().Be(0, run.Stderr);
        run.Stdout.Split(' ')[0].Should().Be(PolicyFixtures.Sha256(PolicyFixtures.PgPassword));

        var again = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash" });
        again.IsError.Should().NotBe(true);
        client.Asked.Should().HaveCount(2, "approve once covers one request only");
    }

    [Fact]
    public async Task Approve_for_the_session_asks_once_for_the_same_field()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-session"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        for (var i = 0; i < 3; i++)
        {
            var issued = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pol/db", ["shell"] = "bash", ["variable"] = $"V{i}" });
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
        }

        client.Asked.Should().ContainSingle();

        var otherField = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash", ["field"] = "username" });
        otherField.IsError.Should().NotBe(true);
        client.Asked.Should().HaveCount(2, "the session approval covered the password field only");
    }

    [Theory]
    [InlineData("decline", "declined by the user")]
    [InlineData("cancel", "declined by the user (the approval request was dismissed)")]
    [InlineData("accept-decline", "declined by the user")]
    [InlineData("accept-empty", "declined by the user")]
    [InlineData("accept-nonsense", "declined by the user (no choice was made)")]
    public async Task Anything_but_an_approval_mints_nothing(string answer, string expected)
    {
        var client = new ApprovingClient(_ => answer switch
        {
            "decline" => ApprovingClient.Decline(),
            "cancel" => ApprovingClient.Cancel(),
            "accept-decline" => ApprovingClient.Choose("decline"),
            "accept-nonsense" => ApprovingClient.Choose("yes please"),
            _ => new ModelContextProtocol.Protocol.ElicitResult { Action = "accept" },
        });
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash" });

        result.IsError.Should().BeTrue();
        ToolSession.TextOf(result).Should().Contain(expected).And.Contain("Nothing was issued");
        result.StructuredContent.Should().BeNull();
        client.Asked.Should().ContainSingle();
        await AssertNothingIssuedAsync(session);
    }

    [Fact]
    public async Task A_client_without_elicitation_is_refused_with_the_rule_that_would_allow_it()
    {
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash" });

        result.IsError.Should().BeTrue();
        var text = ToolSession.TextOf(result);
        text.Should().Contain("cannot ask").And.Contain("elicitation").And.Contain("Nothing was issued")
            .And.Contain("{ \"action\": \"allow\", \"path\": \"pol/db\" }")
            .And.Contain(Path.Combine(_sandbox.Root, "config.json"));
        await AssertNothingIssuedAsync(session);

        var askRule = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/reasoned", ["shell"] = "bash", ["reason"] = "tests" });
        ToolSession.TextOf(askRule).Should().Contain("change the action of rule 'needs reason'");
    }

    [Fact]
    public async Task Allow_rules_mint_without_asking_and_apply_their_limits()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var issued = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/api", ["shell"] = "bash", ["variable"] = "API_KEY" });

        issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
        client.Asked.Should().BeEmpty("rule 'api keys' allows without asking");
        var structured = ToolSession.StructuredOf(issued);
        structured.GetProperty("expiresAt").GetDateTimeOffset().Should()
            .BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(600), TimeSpan.FromSeconds(60));

        // Two uses: the snippet works twice, then fails loudly.
        var snippet = structured.GetProperty("snippet").GetString()!;
        var probe = "\nprintf '%s' \"$API_KEY\" | sha256sum";
        (await _sandbox.RunAsync("bash", snippet + probe)).Stdout.Should().StartWith(Canary.Sha256(Canary.ApiKey));
        (await _sandbox.RunAsync("bash", snippet + probe)).Stdout.Should().StartWith(Canary.Sha256(Canary.ApiKey));
        var third = await _sandbox.RunAsync("bash", snippet + "\necho \"rc=$? set=${API_KEY+yes}\"");
        third.Stdout.Should().Be("rc=1 set=\n");
    }

    [Theory]
    [InlineData("prod/db", null, "denied by the secret-mcp policy (rule 'no prod')")]
    [InlineData("53", null, "is denied by the secret-mcp policy (rule 'no prod')")]
    [InlineData("pol/zshonly", null, "only in zsh, not in bash")]
    [InlineData("pol/reasoned", null, "requires a reason")]
    [InlineData("pol/db", "bad\nreason that is fine", null)]
    public async Task The_policy_refuses_before_asking(string secret, string? reason, string? expected)
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = secret, ["shell"] = "bash", ["reason"] = reason });

        if (expected is null)
        {
            result.IsError.Should().NotBe(true, "a reason with a line break is shown on one line");
            client.Asked[0].Message.Should().Contain("bad reason that is fine");
            return;
        }

        result.IsError.Should().BeTrue();
        ToolSession.TextOf(result).Should().Contain(expected);
        client.Asked.Should().BeEmpty("the policy refused before anyone was asked");
        await AssertNothingIssuedAsync(session);
    }

    [Fact]
    public async Task A_reason_satisfies_a_rule_that_requires_one_and_reaches_the_user()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/reasoned", ["shell"] = "bash", ["reason"] = "rotate the staging cert" });

        result.IsError.Should().NotBe(true, ToolSession.TextOf(result));
        client.Asked.Should().ContainSingle().Which.Message.Should().Contain("rotate the staging cert")
            .And.Contain("rule 'needs reason' says ask");
    }

    [Fact]
    public async Task Default_refuse_names_the_rule_to_add()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options,
            """{ "policy": { "default": "refuse" } }""");

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/db", ["shell"] = "bash" });

        result.IsError.Should().BeTrue();
        ToolSession.TextOf(result).Should().Contain("no rule of the secret-mcp policy lists it")
            .And.Contain("{ \"action\": \"allow\", \"path\": \"pol/db\" }");
        client.Asked.Should().BeEmpty();
    }

    [Fact]
    public async Task Secret_Server_approval_files_one_access_request_and_never_loops()
    {
        // Path rules cannot be checked for a secret named by id (its folder path is not looked up), so
        // this policy names the secret by id; see Access_requests_respect_rules_that_might_deny.
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null, """
            { "policy": { "accessRequests": "create", "rules": [ { "action": "allow", "secretId": 54 } ] } }
            """);

        var noReason = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "54", ["shell"] = "bash" });
        ToolSession.TextOf(noReason).Should().Contain("requires approval in Secret Server").And.Contain("call again with 'reason'");

        var first = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "54", ["shell"] = "bash", ["reason"] = "deploy hotfix 42" });
        first.IsError.Should().BeTrue();
        var text = ToolSession.TextOf(first);
        text.Should().Contain("requires approval in Secret Server").And.Contain("filed access request 501");

        var second = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "54", ["shell"] = "bash", ["reason"] = "deploy hotfix 42" });
        ToolSession.TextOf(second).Should().Contain("Access request 501 was already filed").And.Contain("no new one was made");

        var byPath = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/gated", ["shell"] = "bash", ["reason"] = "deploy" });
        ToolSession.TextOf(byPath).Should().Contain("requires approval in Secret Server").And.Contain("numeric id");
        await AssertNothingIssuedAsync(session);
    }

    [Fact]
    public async Task Access_requests_respect_rules_that_might_deny()
    {
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "54", ["shell"] = "bash", ["reason"] = "deploy hotfix 42" });

        ToolSession.TextOf(result).Should().Contain("requires approval in Secret Server")
            .And.Contain("does not allow this secret either, so no access request was made");
    }

    [Fact]
    public async Task Report_mode_says_what_to_do_and_files_nothing()
    {
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null, """
            { "policy": { "rules": [ { "action": "allow", "secretId": 54 } ] } }
            """);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "54", ["shell"] = "bash", ["reason"] = "deploy hotfix 42" });

        ToolSession.TextOf(result).Should().Contain("requires approval in Secret Server")
            .And.Contain("Ask the user to request access in Secret Server").And.NotContain("filed");
    }

    [Fact]
    public async Task Search_and_describe_show_only_what_the_policy_allows()
    {
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null);

        var search = await session.CallAsync("search_secrets", new() { ["query"] = "db" });
        ToolSession.StructuredOf(search).GetProperty("secrets").EnumerateArray()
            .Select(s => s.GetProperty("id").GetInt32()).Should().Equal([51], "rule 'no prod' hides \\prod\\db");
        ToolSession.TextOf(search).Should().NotContain("prod").And.Contain("1 secret(s)");

        // A denied secret is described word for word like one that does not exist, by id and by path.
        var byId = await session.CallAsync("describe_secret", new() { ["secret"] = "53" });
        var missingId = await session.CallAsync("describe_secret", new() { ["secret"] = "9053" });
        byId.IsError.Should().BeTrue();
        ToolSession.TextOf(byId).Should().Be(ToolSession.TextOf(missingId).Replace("9053", "53"));

        var byPath = await session.CallAsync("describe_secret", new() { ["secret"] = "prod/db" });
        var missingPath = await session.CallAsync("describe_secret", new() { ["secret"] = "prod/dbx" });
        byPath.IsError.Should().BeTrue();
        ToolSession.TextOf(byPath).Should().Be(ToolSession.TextOf(missingPath).Replace("dbx", "db"));

        var allowed = await session.CallAsync("describe_secret", new() { ["secret"] = "pol/db" });
        allowed.IsError.Should().NotBe(true, ToolSession.TextOf(allowed));
    }

    [Fact]
    public async Task Approvals_and_declines_land_in_the_audit_log()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using (var session = await PolicyFixtures.StartAsync(_sandbox, client.Options))
        {
            (await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pol/db", ["shell"] = "bash", ["reason"] = "migrate" })).IsError.Should().NotBe(true);
            client.Answer = _ => ApprovingClient.Decline();
            (await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pol/db", ["shell"] = "bash" })).IsError.Should().BeTrue();
            (await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "prod/db", ["shell"] = "bash" })).IsError.Should().BeTrue();
        }

        var events = File.ReadAllLines(_sandbox.AuditLogPath).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        events.Select(e => e.GetProperty("event").GetString()).Should().Equal(
            "requested", "approved", "minted", "requested", "declined", "requested", "request_refused", "revoked");
        events[1].GetProperty("detail").GetString().Should().Be("user: approve once");
        events[1].GetProperty("reason").GetString().Should().Be("migrate");
        events[1].GetProperty("variable").GetString().Should().Be("POL_DB_PASSWORD");
        events[4].GetProperty("detail").GetString().Should().Be("user declined");
        events[6].GetProperty("code").GetString().Should().Be("policy");
        events[6].GetProperty("detail").GetString().Should().Be("rule 'no prod'");
        Canary.AssertAbsent("the audit log", await File.ReadAllBytesAsync(_sandbox.AuditLogPath));
    }

    private static async Task AssertNothingIssuedAsync(ToolSession session)
    {
        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        ToolSession.StructuredOf(cleanup).GetProperty("variables").GetArrayLength().Should().Be(0, "nothing was issued");
    }
}
