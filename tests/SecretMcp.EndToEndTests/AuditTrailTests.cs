using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The audit log a real serve writes during a real flow: what it records, that it never holds a
/// value or a ticket, and that 'secret-mcp audit' shows and verifies it.
/// </summary>
public sealed class AuditTrailTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task A_flow_is_recorded_event_by_event_without_a_value_or_a_ticket()
    {
        var tickets = new List<string>();
        string redeemedId, revokedId;
        await using (var session = await ToolSession.StartAsync(_sandbox))
        {
            var (ticket, ticketId, snippet) = await session.MintAsync();
            tickets.Add(ticket);
            redeemedId = ticketId;
            (await _sandbox.RunAsync("bash", snippet)).Code.Should().Be(0);
            (await _sandbox.RunAsync("bash", snippet)).Code.Should().NotBe(0, "the second use is refused");

            var (unused, unusedId, _) = await session.MintAsync("42");
            tickets.Add(unused);
            revokedId = unusedId;
            await session.CallAsync("get_secret_environment_variable", new() { ["secret"] = "e2e/missing", ["shell"] = "bash" });
            await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        }

        var lines = File.ReadAllLines(_sandbox.AuditLogPath);
        var events = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        events.Select(e => e.GetProperty("event").GetString()).Should().Equal(
            "requested", "minted", "redeemed", "redemption_refused",
            "requested", "minted", "requested", "request_refused", "revoked", "cleaned_up");

        var minted = events[1];
        minted.GetProperty("client").GetString().Should().Be("secret-mcp-e2e");
        minted.GetProperty("session").GetString().Should().StartWith("s-");
        minted.GetProperty("secretId").GetInt32().Should().Be(41);
        minted.GetProperty("secretPath").GetString().Should().Be("e2e/db");
        minted.GetProperty("field").GetString().Should().Be("password");
        minted.GetProperty("variable").GetString().Should().Be("E2E_DB_PASSWORD");
        minted.GetProperty("shell").GetString().Should().Be("bash");
        minted.GetProperty("ticketId").GetString().Should().Be(redeemedId);
        minted.GetProperty("time").GetDateTimeOffset().Should().BeCloseTo(DateTimeOffset.UtcNow, TimeSpan.FromMinutes(5));
        events[3].GetProperty("code").GetString().Should().Be("ticket_used");
        events[7].GetProperty("code").GetString().Should().Be("secret_not_found");
        events[8].GetProperty("ticketId").GetString().Should().Be(revokedId);
        events[8].GetProperty("reason").GetString().Should().Be("cleanup");

        File.GetUnixFileMode(_sandbox.AuditLogPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(_sandbox.StateFolder).Should().Be((UnixFileMode)0b111_000_000);
        var bytes = await File.ReadAllBytesAsync(_sandbox.AuditLogPath);
        Canary.AssertAbsent("the audit log", bytes);
        foreach (var ticket in tickets)
        {
            System.Text.Encoding.UTF8.GetString(bytes).Should().NotContain(ticket.Split('.')[2], "no ticket in the audit log");
        }

        Canary.AssertAbsent("the audit head", await File.ReadAllBytesAsync(Path.Combine(_sandbox.StateFolder, "audit.head")));
    }

    [Fact]
    public async Task Audit_shows_the_log_and_verify_passes_until_a_line_is_edited()
    {
        await using (var session = await ToolSession.StartAsync(_sandbox))
        {
            var (_, ticketId, snippet) = await session.MintAsync();
            await _sandbox.RunAsync("bash", snippet);
        }

        var tool = $"'{Sandbox.ToolPath}'";
        var table = await _sandbox.RunAsync("bash", $"{tool} audit");
        var verify = await _sandbox.RunAsync("bash", $"{tool} audit --verify");

        table.Code.Should().Be(0, table.Stderr);
        table.Stdout.Should().Contain("minted").And.Contain("redeemed").And.Contain("E2E_DB_PASSWORD").And.Contain("secret-mcp-e2e");
        verify.Code.Should().Be(0, verify.Stdout + verify.Stderr);
        verify.Stdout.Should().Contain("3 event(s), the hash chain is intact");

        var lines = File.ReadAllLines(_sandbox.AuditLogPath);
        lines[1] = lines[1].Replace("E2E_DB_PASSWORD", "SOMETHING_ELSE", StringComparison.Ordinal);
        File.WriteAllLines(_sandbox.AuditLogPath, lines);
        var tampered = await _sandbox.RunAsync("bash", $"{tool} audit --verify");

        tampered.Code.Should().Be(6);
        tampered.Stdout.Should().Contain("line 3: line 2 was changed after it was written");
        Canary.AssertAbsent("audit output", table.Stdout + verify.Stdout + tampered.Stdout);
    }
}
