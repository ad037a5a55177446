using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The main flow through the real tool, a real MCP client (C# SDK) and a real bash, with every
/// output, log and file scanned for the canary values.
/// </summary>
public sealed class BashFlowTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_secret_reaches_bash_once_through_a_ticket_and_never_leaks()
    {
        var results = new List<string>();
        ShellRun first, second, cleanupRun;
        string variable;

        var session = await ToolSession.StartAsync(_sandbox);
        await using (session)
        {
            var tools = await session.Client.ListToolsAsync();
            tools.Select(t => t.Name).Should().Contain(["get_secret_environment_variable", "cleanup"]);

            var issued = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "e2e/db", ["shell"] = "bash" });
            results.Add(JsonSerializer.Serialize(issued));
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));

            var structured = ToolSession.StructuredOf(issued);
            variable = structured.GetProperty("variable").GetString()!;
            variable.Should().Be("E2E_DB_PASSWORD");
            structured.GetProperty("shell").GetString().Should().Be("bash");
            structured.GetProperty("ticketId").GetString().Should().StartWith("t-");
            structured.GetProperty("expiresAt").GetDateTimeOffset().Should()
                .BeCloseTo(DateTimeOffset.UtcNow.AddSeconds(120), TimeSpan.FromSeconds(30));
            structured.GetProperty("cleanup").GetProperty("variables")[0].GetString().Should().Be(variable);
            structured.GetProperty("inline").GetString().Should().Contain("{command}");
            var snippet = structured.GetProperty("snippet").GetString()!;
            snippet.Should().Contain("smt1.");

            // The snippet, then a command that needs the variable, as an agent runs them.
            first = await _sandbox.RunAsync("bash", snippet + $"\nprintf '%s' \"${variable}\" | sha256sum");
            first.Code.Should().Be(0, first.Stderr);
            first.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword));

            second = await _sandbox.RunAsync("bash", snippet + $"\nrc=$?; echo \"rc=$rc set=${{{variable}+yes}}\"; exit $rc");
            second.Code.Should().NotBe(0);
            second.Stdout.Should().Be("rc=1 set=\n", "a used ticket leaves the variable unset");
            second.Stderr.Should().Contain("ticket_used");

            var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
            results.Add(JsonSerializer.Serialize(cleanup));
            var cleanupResult = ToolSession.StructuredOf(cleanup);
            cleanupResult.GetProperty("variables")[0].GetString().Should().Be(variable);
            var redeemed = cleanupResult.GetProperty("redeemed")[0];
            redeemed.GetProperty("bytes").GetInt32().Should().Be(System.Text.Encoding.UTF8.GetByteCount(Canary.DbPassword));
            redeemed.GetProperty("trailingNewline").GetBoolean().Should().BeTrue();

            cleanupRun = await _sandbox.RunAsync("bash",
                $"{variable}=x; export {variable}\n" + cleanupResult.GetProperty("snippet").GetString()
                + $"\necho \"rc=$? set=${{{variable}+yes}}\"");
            cleanupRun.Stdout.Should().Be("rc=0 set=\n");
        }

        // Once serve has ended: its socket and lock are gone.
        Directory.EnumerateFileSystemEntries(_sandbox.RuntimeFolder).Should().BeEmpty();

        var transcript = await File.ReadAllTextAsync(Path.Combine(_sandbox.Root, "stdout.jsonl"));
        transcript.Should().Contain("get_secret_environment_variable");
        foreach (var line in transcript.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var parse = () => JsonDocument.Parse(line).RootElement.GetProperty("jsonrpc");
            parse.Should().NotThrow("serve's stdout carries JSON-RPC only: {0}", line);
        }

        Canary.AssertAbsent("serve's stdout", transcript);
        Canary.AssertAbsent("serve's stderr", session.Stderr);
        session.Stderr.Should().NotContain("smt1.", "logs, even at Trace, never carry a ticket");
        Canary.AssertAbsent("tool results", string.Join("\n", results));
        Canary.AssertAbsent("the first shell's stderr", first.Stderr);
        Canary.AssertAbsent("the second shell's output", second.Stdout + second.Stderr);
        Canary.AssertAbsent("the cleanup shell's output", cleanupRun.Stdout + cleanupRun.Stderr);
        foreach (var (path, content) in _sandbox.FilesUnderHome())
        {
            Canary.AssertAbsent(path, content);
        }
    }

    [Fact]
    public async Task Logs_go_to_stderr_and_never_hold_a_value_or_the_login()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);

        var issued = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "42", ["shell"] = "bash", ["variable"] = "PAYMENTS_KEY" });
        var snippet = ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()!;
        var run = await _sandbox.RunAsync("bash", snippet + "\nprintf '%s' \"$PAYMENTS_KEY\" | sha256sum");
        run.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.ApiKey));

        await session.DisposeAsync();

        session.Stderr.Should().Contain("redeemed", "Trace logging was on");
        Canary.AssertAbsent("serve's stderr", session.Stderr);
    }

    [Theory]
    [InlineData("e2e/nope", "bash", null, null, "was not found")]
    [InlineData("e2e/db", "bash", null, "nope", "has no field 'nope'")]
    [InlineData("e2e/db", "bash", "X;rm -rf ~", null, "not allowed")]
    [InlineData("e2e/db", "bash", "$(id)", null, "not allowed")]
    [InlineData("e2e/db", "bash", "PATH", null, "reserved")]
    [InlineData("e2e/db", "tcsh", null, null, "Unknown shell 'tcsh'")]
    [InlineData("", "bash", null, null, "secret is empty")]
    public async Task Bad_input_gets_a_clear_error_and_mints_nothing(
        string secret, string shell, string? variable, string? field, string expected)
    {
        await using var session = await ToolSession.StartAsync(_sandbox);

        var result = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = secret, ["shell"] = shell, ["variable"] = variable, ["field"] = field });

        result.IsError.Should().BeTrue();
        ToolSession.TextOf(result).Should().Contain(expected);
        result.StructuredContent.Should().BeNull();

        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        ToolSession.StructuredOf(cleanup).GetProperty("variables").GetArrayLength().Should().Be(0, "nothing was issued");
    }

    [Fact]
    public async Task Cleanup_revokes_a_ticket_that_was_never_used()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var issued = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "e2e/db", ["shell"] = "bash" });
        var structured = ToolSession.StructuredOf(issued);

        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        ToolSession.StructuredOf(cleanup).GetProperty("revokedTicketIds")[0].GetString()
            .Should().Be(structured.GetProperty("ticketId").GetString());

        var run = await _sandbox.RunAsync("bash", structured.GetProperty("snippet").GetString()!
            + "\nrc=$?; echo \"rc=$rc set=${E2E_DB_PASSWORD+yes}\"");
        run.Stdout.Should().Be("rc=1 set=\n");
        run.Stderr.Should().Contain("ticket_revoked");
    }

    [Fact]
    public async Task A_ticket_stops_working_when_serve_ends()
    {
        string snippet;
        await using (var session = await ToolSession.StartAsync(_sandbox))
        {
            var issued = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "e2e/db", ["shell"] = "bash" });
            snippet = ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()!;
        }

        var run = await _sandbox.RunAsync("bash", snippet + "\nrc=$?; echo \"rc=$rc set=${E2E_DB_PASSWORD+yes}\"");

        run.Stdout.Should().Be("rc=1 set=\n");
        run.Stderr.Should().Contain("not running");
    }

    [Fact]
    public async Task Redeem_fails_loudly_on_a_forged_ticket()
    {
        var run = await _sandbox.RunAsync("bash",
            $"'{Sandbox.ToolPath}' redeem smt1.000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA; echo \"rc=$?\"");

        run.Stdout.Should().Be("rc=4\n", "exit 4 is a ticket problem");
        run.Stderr.Trim().Split('\n').Should().ContainSingle().Which.Should().StartWith("secret-mcp: ");
    }
}
