using System.Diagnostics;
using System.Text;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

/// <summary>
/// The broker over its real socket with a fake clock: every way a ticket stops working has its own
/// problem code, and the bash snippet turns each into a loud failure with the variable unset.
/// </summary>
public sealed class BrokerSocketTests : IAsyncLifetime
{
    private BrokerHarness _broker = null!;

    public async Task InitializeAsync() => _broker = await BrokerHarness.StartAsync();

    public async Task DisposeAsync() => await _broker.DisposeAsync();

    [Fact]
    public async Task Expired_used_revoked_and_unknown_tickets_get_distinct_problem_codes()
    {
        using var http = _broker.CreateClient();
        var expiring = _broker.Mint(TimeSpan.FromSeconds(30));
        var used = _broker.Mint();
        var revoked = _broker.Mint();
        revoked.Entry.Revoke();
        (await BrokerHarness.RedeemAsync(http, used.Ticket)).Status.Should().Be(200);

        _broker.Time.Advance(TimeSpan.FromSeconds(29));
        var stillValid = _broker.Mint(TimeSpan.FromSeconds(30));
        _broker.Time.Advance(TimeSpan.FromSeconds(1));

        var answers = new Dictionary<string, (int Status, string Code, string ContentType, byte[] Body)>
        {
            ["expired"] = await BrokerHarness.RedeemAsync(http, expiring.Ticket),
            ["used"] = await BrokerHarness.RedeemAsync(http, used.Ticket),
            ["revoked"] = await BrokerHarness.RedeemAsync(http, revoked.Ticket),
            ["unknown"] = await BrokerHarness.RedeemAsync(http, TicketFormat.Mint(_broker.Instance.Id)),
            ["malformed"] = await BrokerHarness.RedeemAsync(http, "not-a-ticket"),
        };

        answers["expired"].Code.Should().Be("ticket_expired");
        answers["used"].Code.Should().Be("ticket_used");
        answers["revoked"].Code.Should().Be("ticket_revoked");
        answers["unknown"].Code.Should().Be("ticket_unknown");
        answers["malformed"].Code.Should().Be("ticket_unknown");
        answers.Values.Should().AllSatisfy(a =>
        {
            a.Status.Should().Be(401);
            a.ContentType.Should().Be("application/problem+json");
            Encoding.UTF8.GetString(a.Body).Should().NotContain(BrokerHarness.Value.Trim());
        });
        (await BrokerHarness.RedeemAsync(http, stillValid.Ticket)).Status.Should().Be(200, "29 s of a 30 s lifetime had passed");
    }

    [Theory]
    [InlineData("expired", "ticket_expired")]
    [InlineData("used", "ticket_used")]
    [InlineData("revoked", "ticket_revoked")]
    [InlineData("unknown", "ticket_unknown")]
    public async Task The_bash_snippet_fails_loudly_and_leaves_the_variable_unset(string state, string code)
    {
        var minted = _broker.Mint(TimeSpan.FromSeconds(60));
        var ticket = minted.Ticket;
        switch (state)
        {
            case "expired":
                _broker.Time.Advance(TimeSpan.FromSeconds(61));
                break;
            case "used":
                using (var http = _broker.CreateClient())
                {
                    (await BrokerHarness.RedeemAsync(http, ticket)).Status.Should().Be(200);
                }

                break;
            case "revoked":
                minted.Entry.Revoke();
                break;
            default:
                ticket = TicketFormat.Mint(_broker.Instance.Id);
                break;
        }

        var tool = Path.Combine(AppContext.BaseDirectory, "secret-mcp");
        var snippet = PosixSnippets.Export("DB_PW", HelperCommand.Redeem([tool], "DB_PW", ticket, inline: false));
        var run = await RunBashAsync("DB_PW=stale\n" + snippet + "\nrc=$?; echo \"rc=$rc set=${DB_PW+yes}\"");

        run.Stdout.Should().Be("rc=1 set=\n", "the variable is unset, not empty and not the ticket");
        run.Stderr.Should().Contain(code).And.Contain("DB_PW is unset");
        run.Stderr.Should().NotContain(ticket.Split('.')[2]);
    }

    [Fact]
    public async Task A_ticket_allowed_10_uses_gives_exactly_10_values_to_1000_clients_at_once()
    {
        var minted = _broker.Mint(TicketStore.MaxLifetime, TicketStore.MaxUses);
        using var http = _broker.CreateClient();
        using var start = new SemaphoreSlim(0);

        var attempts = Enumerable.Range(0, 1000).Select(async _ =>
        {
            await start.WaitAsync();
            return await BrokerHarness.RedeemAsync(http, minted.Ticket);
        }).ToList();
        start.Release(1000);
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.Status == 200).Should().Be(10);
        results.Where(r => r.Status == 200).Should().AllSatisfy(r => r.Body.Should().Equal(Encoding.UTF8.GetBytes(BrokerHarness.Value)));
        results.Count(r => r.Code == "ticket_used").Should().Be(990);
    }

    [Fact]
    public async Task Refusals_are_audited_with_their_code_and_never_the_ticket()
    {
        using var http = _broker.CreateClient();
        var minted = _broker.Mint();
        await BrokerHarness.RedeemAsync(http, minted.Ticket);
        await BrokerHarness.RedeemAsync(http, minted.Ticket);

        var audit = await File.ReadAllTextAsync(Path.Combine(_broker.StateFolder, "audit.jsonl"));

        audit.Should().Contain("\"event\":\"redeemed\"").And.Contain("\"event\":\"redemption_refused\"")
            .And.Contain("\"code\":\"ticket_used\"").And.Contain(minted.Entry.Id);
        audit.Should().NotContain(minted.Ticket.Split('.')[2]).And.NotContain(BrokerHarness.Value.Trim());
    }

    [Fact]
    public async Task The_socket_is_0600_in_a_0700_folder()
    {
        await Task.CompletedTask;

        File.GetUnixFileMode(_broker.RuntimeFolder).Should().Be(PrivateFolder.OwnerOnly);
        File.GetUnixFileMode(_broker.Instance.SocketPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    private async Task<(string Stdout, string Stderr)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["-c", script]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["SECRET_MCP_RUNTIME_DIR"] = _broker.RuntimeFolder;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
        return (await stdout, await stderr);
    }
}
