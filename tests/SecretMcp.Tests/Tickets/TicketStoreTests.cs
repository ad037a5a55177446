using System.Reflection;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

public sealed class TicketStoreTests
{
    private static readonly TicketGrant s_grant =
        new(10, "db/prod", "password", "DB_PROD_PASSWORD", ShellKind.Bash, "s-test", Reason: null);

    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    [Fact]
    public void Minted_ticket_has_the_documented_shape_and_256_random_bits()
    {
        var store = CreateStore();

        var minted = store.Mint(s_grant);

        var parts = minted.Ticket.Split('.');
        parts.Should().HaveCount(3);
        parts[0].Should().Be("smt1");
        parts[1].Should().Be(store.Instance.Id);
        System.Buffers.Text.Base64Url.DecodeFromChars(parts[2]).Should().HaveCount(32);
        minted.Entry.Id.Should().MatchRegex("^t-[0-9a-f]{10}$");
        minted.Ticket.Should().NotContain(minted.Entry.Id);
    }

    [Fact]
    public void Two_tickets_for_the_same_grant_differ()
    {
        var store = CreateStore();

        store.Mint(s_grant).Ticket.Should().NotBe(store.Mint(s_grant).Ticket);
    }

    [Fact]
    public void Store_keeps_only_a_hash_of_the_ticket()
    {
        var store = CreateStore();
        var minted = store.Mint(s_grant);
        var secretPart = Encoding.UTF8.GetBytes(minted.Ticket.Split('.')[2]);

        // Walk every string and byte array the store and its entry hold: none may be the ticket.
        foreach (var held in HeldValues(store).Concat(HeldValues(minted.Entry)))
        {
            if (held is string text)
            {
                text.Should().NotContain(minted.Ticket.Split('.')[2]);
            }

            if (held is byte[] bytes)
            {
                bytes.AsSpan().IndexOf(secretPart).Should().Be(-1);
            }
        }

        minted.Entry.Hash.Should().Equal(TicketFormat.Hash(minted.Ticket));
    }

    [Fact]
    public void A_ticket_redeems_once_then_reports_used()
    {
        var store = CreateStore();
        var minted = store.Mint(s_grant);

        store.Redeem(minted.Ticket).Status.Should().Be(RedeemStatus.Accepted);
        store.Redeem(minted.Ticket).Status.Should().Be(RedeemStatus.Used);
        store.StateOf(minted.Entry).Should().Be(TicketState.Redeemed);
    }

    [Fact]
    public void A_ticket_expires_after_its_lifetime()
    {
        var store = CreateStore();
        var minted = store.Mint(s_grant);

        _time.Advance(TicketStore.DefaultLifetime - TimeSpan.FromSeconds(1));
        store.StateOf(minted.Entry).Should().Be(TicketState.Waiting);
        _time.Advance(TimeSpan.FromSeconds(1));

        store.Redeem(minted.Ticket).Status.Should().Be(RedeemStatus.Expired);
        store.StateOf(minted.Entry).Should().Be(TicketState.Expired);
    }

    [Fact]
    public void A_revoked_ticket_is_refused()
    {
        var store = CreateStore();
        var minted = store.Mint(s_grant);

        minted.Entry.Revoke().Should().BeTrue();

        store.Redeem(minted.Ticket).Status.Should().Be(RedeemStatus.Revoked);
        minted.Entry.Revoke().Should().BeFalse("it was already revoked");
    }

    [Fact]
    public void RevokeAll_counts_only_tickets_that_could_still_be_redeemed()
    {
        var store = CreateStore();
        var used = store.Mint(s_grant);
        store.Mint(s_grant);
        store.Mint(s_grant);
        store.Redeem(used.Ticket);

        store.RevokeAll().Should().HaveCount(2);
        store.Outstanding.Should().Be(0);
    }

    [Theory]
    [InlineData("")]
    [InlineData("smt1")]
    [InlineData("smt1.abc.def")]
    [InlineData("smt2.000000000000.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void Malformed_tickets_are_unknown(string ticket)
    {
        CreateStore().Redeem(ticket).Status.Should().Be(RedeemStatus.Unknown);
    }

    [Fact]
    public void A_ticket_of_another_instance_or_one_never_minted_is_unknown()
    {
        var store = CreateStore();
        var other = new TicketStore(BrokerInstance.ForTesting(), _time).Mint(s_grant);
        var forged = TicketFormat.Mint(store.Instance.Id);

        store.Redeem(other.Ticket).Status.Should().Be(RedeemStatus.Unknown);
        store.Redeem(forged).Status.Should().Be(RedeemStatus.Unknown);
    }

    [Fact]
    public async Task Concurrent_redemptions_accept_exactly_the_allowed_uses()
    {
        var store = CreateStore();
        var once = store.Mint(s_grant);
        var thrice = store.Mint(s_grant, uses: 3);
        using var start = new ManualResetEventSlim();

        var tasks = Enumerable.Range(0, 1000).Select(i => Task.Run(() =>
        {
            start.Wait();
            return store.Redeem(i % 2 == 0 ? once.Ticket : thrice.Ticket).Status;
        })).ToList();
        start.Set();
        var results = await Task.WhenAll(tasks);

        results.Where((_, i) => i % 2 == 0).Count(s => s == RedeemStatus.Accepted).Should().Be(1);
        results.Where((_, i) => i % 2 == 1).Count(s => s == RedeemStatus.Accepted).Should().Be(3);
        results.Count(s => s == RedeemStatus.Used).Should().Be(996);
    }

    [Fact]
    public void Lifetime_and_uses_are_capped()
    {
        var store = CreateStore();

        var tooLong = () => store.Mint(s_grant, TimeSpan.FromMinutes(16));
        var tooMany = () => store.Mint(s_grant, uses: 11);

        tooLong.Should().Throw<ArgumentOutOfRangeException>();
        tooMany.Should().Throw<ArgumentOutOfRangeException>();
        store.Mint(s_grant, TicketStore.MaxLifetime, TicketStore.MaxUses).Should().NotBeNull();
    }

    [Fact]
    public void A_session_holds_a_bounded_number_of_unused_tickets()
    {
        var store = CreateStore();
        var first = store.Mint(s_grant);
        for (var i = 1; i < TicketStore.DefaultMaxOutstandingPerSession; i++)
        {
            store.Mint(s_grant);
        }

        var oneMore = () => store.Mint(s_grant);

        oneMore.Should().Throw<TicketLimitException>().WithMessage("*cleanup*");
        store.Mint(s_grant with { SessionId = "s-other" }).Should().NotBeNull("the cap is per session");
        store.Redeem(first.Ticket);
        oneMore.Should().NotThrow("a redeemed ticket no longer counts");
        _time.Advance(TicketStore.DefaultLifetime);
        oneMore.Should().NotThrow("nor do expired ones");
    }

    private TicketStore CreateStore() => new(BrokerInstance.ForTesting(), _time);

    private static IEnumerable<object?> HeldValues(object target)
    {
        foreach (var field in target.GetType().GetFields(BindingFlags.Instance | BindingFlags.NonPublic | BindingFlags.Public))
        {
            var value = field.GetValue(target);
            yield return value;
            if (value is System.Collections.IEnumerable items and not string)
            {
                foreach (var item in items)
                {
                    yield return item;
                    if (item is not null && item.GetType().IsGenericType)
                    {
                        foreach (var part in item.GetType().GetProperties())
                        {
                            yield return part.GetValue(item);
                        }
                    }
                }
            }
        }
    }
}
