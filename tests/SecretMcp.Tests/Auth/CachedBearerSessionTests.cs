using Microsoft.Extensions.Time.Testing;
using SecretMcp.Auth;

namespace SecretMcp.Tests.Auth;

public sealed class CachedBearerSessionTests
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 10, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task A_token_is_reused_until_a_minute_before_it_expires_then_replaced()
    {
        using var session = new CountingSession(_time, TimeSpan.FromMinutes(20));

        var first = await session.GetAccessTokenAsync(default);
        _time.Advance(TimeSpan.FromMinutes(18.9));
        var stillFirst = await session.GetAccessTokenAsync(default);
        _time.Advance(TimeSpan.FromMinutes(0.2));
        var second = await session.GetAccessTokenAsync(default);

        stillFirst.Should().Be(first);
        second.Should().NotBe(first, "the token is replaced ahead of its expiry, not after a refusal");
        session.Acquired.Should().Equal(false, false);
    }

    [Fact]
    public async Task Concurrent_callers_share_one_acquisition()
    {
        using var session = new CountingSession(_time, TimeSpan.FromMinutes(20), delay: TimeSpan.FromMilliseconds(200));

        var tokens = await Task.WhenAll(
            Enumerable.Range(0, 16).Select(_ => session.GetAccessTokenAsync(default).AsTask()));

        tokens.Distinct().Should().ContainSingle();
        session.Acquired.Should().ContainSingle();
    }

    [Fact]
    public async Task A_refused_token_is_replaced_once_and_the_provider_is_told_so()
    {
        using var session = new CountingSession(_time, TimeSpan.FromMinutes(20));
        var first = await session.GetAccessTokenAsync(default);

        session.Invalidate("some other token");
        (await session.GetAccessTokenAsync(default)).Should().Be(first, "only the refused token is forgotten");
        session.Invalidate(first);
        var second = await session.GetAccessTokenAsync(default);

        second.Should().NotBe(first);
        session.Acquired.Should().Equal(false, true);
    }

    private sealed class CountingSession(TimeProvider time, TimeSpan lifetime, TimeSpan? delay = null)
        : CachedBearerSession(time)
    {
        public List<bool> Acquired { get; } = [];

        protected override async Task<BearerToken> AcquireAsync(bool afterRefusal, CancellationToken cancellationToken)
        {
            if (delay is { } wait)
            {
                await Task.Delay(wait, cancellationToken);
            }

            Acquired.Add(afterRefusal);
            return new BearerToken("token-" + Acquired.Count, Time.GetUtcNow() + lifetime, "someone");
        }
    }
}
