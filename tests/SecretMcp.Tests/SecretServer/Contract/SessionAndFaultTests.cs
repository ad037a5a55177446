using System.Text;
using Microsoft.Extensions.Time.Testing;
using SecretMcp.DevVault;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>Sign-in, expiry and re-authentication, and every fault the dev vault can inject.</summary>
public sealed class SessionAndFaultTests
{
    private const string Field = "/api/v1/secrets/10/fields/password";
    private const string Token = "/oauth2/token";

    private static DevVaultOptions Faults(params DevVaultFault[] faults) => new() { Faults = faults };

    private static async Task<string> ReadAsync(ClientHarness harness, FieldReadRequest? request = null) =>
        Encoding.UTF8.GetString(await harness.Client.ReadFieldAsync(10, "password", request ?? FieldReadRequest.None, default));

    [Fact]
    public async Task A_wrong_password_is_not_signed_in_and_the_message_never_holds_it()
    {
        await using var harness = await ClientHarness.StartAsync(password: "wrong-" + ContractSeed.Marker);

        var act = () => ReadAsync(harness);

        var error = (await act.Should().ThrowAsync<NotSignedInException>()).Which;
        error.Message.Should().Contain("refused the sign-in for user 'dev'").And.NotContain(ContractSeed.Marker);
        harness.AssertLogsClean();
    }

    [Fact]
    public async Task An_expired_session_is_renewed_once_and_the_read_replayed()
    {
        await using var harness = await ClientHarness.StartAsync();
        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Vault.ExpireAccessTokens();
        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Vault.Requests.Where(r => r.Path.EndsWith("/state", StringComparison.Ordinal))
            .Select(r => r.Status).Should().Equal(200, 403, 200);
        harness.Count("POST", Token).Should().Be(2, "the refresh token renewed the session");
        harness.AssertLogsClean();
    }

    [Fact]
    public async Task A_401_is_renewed_once_and_the_read_replayed()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(
            new DevVaultFault { Path = Field, Kind = DevVaultFaultKind.Status, Status = 401, Times = 1 }));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Count("GET", Field).Should().Be(2);
    }

    [Fact]
    public async Task A_session_refused_again_after_renewal_is_not_signed_in_after_exactly_one_replay()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(
            new DevVaultFault { Path = Field, Kind = DevVaultFaultKind.ExpiredToken }));

        var act = () => ReadAsync(harness);

        (await act.Should().ThrowAsync<NotSignedInException>()).Which.Message.Should().Contain("even after signing in again");
        harness.Count("GET", Field).Should().Be(2);
    }

    [Fact]
    public async Task A_write_is_never_replayed_after_a_stale_session()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault
        {
            Path = "/api/v1/secrets/22/check-out", Kind = DevVaultFaultKind.ExpiredToken, Times = 1,
        }));

        var act = () => harness.Client.ReadFieldAsync(22, "password", default);

        (await act.Should().ThrowAsync<NotSignedInException>()).Which.Message.Should().Contain("not repeated");
        harness.Count("POST", "/api/v1/secrets/22/check-out").Should().Be(1);
        harness.Vault.AuditsOf(22).Should().BeEmpty();
    }

    [Fact]
    public async Task A_revoked_token_gets_the_stale_message_and_the_client_signs_in_again()
    {
        await using var harness = await ClientHarness.StartAsync();
        await ReadAsync(harness);

        // What POST /api/v1/oauth-expiration does, for every token at once, refresh tokens included.
        harness.Vault.RevokeAllTokens();

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
        harness.Vault.Requests.Where(r => r.Path == Token).Select(r => r.Status).Should().Equal(200, 400, 200);
    }

    [Fact]
    public async Task After_idling_past_the_session_lifetime_the_client_refreshes_before_asking()
    {
        // Case C02: a 20-minute session, 25 minutes idle, on one fake clock for the vault and the client.
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await ClientHarness.StartAsync(
            new DevVaultOptions { TimeProvider = clock, TokenLifetimeSeconds = 1200 }, clock: clock);
        await ReadAsync(harness);

        clock.Advance(TimeSpan.FromMinutes(25));
        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Vault.Requests.Should().NotContain(r => r.Status == 403 || r.Status == 401,
            "the client knew its token had expired and refreshed it first");
        harness.Count("POST", Token).Should().Be(2);

        // Past the refresh token's own lifetime (session + 15 minutes): a fresh password grant.
        clock.Advance(TimeSpan.FromMinutes(60));
        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
        harness.Vault.Requests.Where(r => r.Path == Token).Select(r => r.Status).Should().Equal(200, 200, 400, 200);
    }

    [Fact]
    public async Task When_the_refresh_limit_is_reached_the_client_signs_in_afresh()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var harness = await ClientHarness.StartAsync(
            new DevVaultOptions { TimeProvider = clock, TokenLifetimeSeconds = 60, MaxTokenRefreshes = 1 }, clock: clock);

        for (var i = 0; i < 4; i++)
        {
            (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
            clock.Advance(TimeSpan.FromSeconds(61));
        }

        // Sign-in, refresh (the one allowed), sign-in (no refresh token left), refresh.
        harness.Count("POST", Token).Should().Be(4);
        harness.Vault.Requests.Should().NotContain(r => r.Status == 403 || r.Status == 401);
    }

    [Fact]
    public async Task A_token_lifetime_of_seconds_is_honoured_in_real_time()
    {
        await using var harness = await ClientHarness.StartAsync(new DevVaultOptions { TokenLifetimeSeconds = 1 });
        await ReadAsync(harness);

        await Task.Delay(TimeSpan.FromSeconds(1.5));
        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Count("POST", Token).Should().BeGreaterThanOrEqualTo(2);
    }

    [Fact]
    public async Task Two_503s_are_retried_and_the_read_succeeds()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(
            new DevVaultFault { Path = Field, Status = 503, Times = 2 }));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Vault.Requests.Where(r => r.Path == Field).Select(r => r.Status).Should().Equal(503, 503, 200);
    }

    [Fact]
    public async Task A_429_waits_as_long_as_retry_after_says()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(
            new DevVaultFault { Path = Field, Status = 429, RetryAfterSeconds = 1, Times = 1 }));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        var attempts = harness.Vault.Requests.Where(r => r.Path == Field).ToList();
        attempts.Select(r => r.Status).Should().Equal(429, 200);
        (attempts[1].At - attempts[0].At).Should().BeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(900),
            "Retry-After: 1 asks for a second's wait (a lower bound, not a speed assertion)");
    }

    [Fact]
    public async Task A_server_that_stays_down_is_unavailable_after_the_bounded_retries()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault { Path = Field, Status = 500 }));

        var act = () => ReadAsync(harness);

        (await act.Should().ThrowAsync<SecretServerUnavailableException>()).Which.Message
            .Should().Contain("HTTP 500").And.Contain("try again");
        harness.Count("GET", Field).Should().Be(3, "one attempt and two retries");
        harness.AssertLogsClean();
    }

    [Fact]
    public async Task A_restricted_read_is_a_post_and_is_not_retried_on_5xx()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault
        {
            Path = "/api/v1/secrets/20/restricted/fields/password", Status = 503,
        }));

        var act = () => harness.Client.ReadFieldAsync(20, "password", new FieldReadRequest("why"), default);

        await act.Should().ThrowAsync<SecretServerUnavailableException>();
        harness.Count("POST", "/api/v1/secrets/20/restricted/fields/password").Should().Be(1);
    }

    [Fact]
    public async Task A_token_grant_is_retried_on_5xx()
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault { Path = Token, Status = 502, Times = 1 }));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Vault.Requests.Where(r => r.Path == Token).Select(r => r.Status).Should().Equal(502, 200);
    }

    [Theory]
    [InlineData(DevVaultFaultKind.Truncated)]
    [InlineData(DevVaultFaultKind.Reset)]
    public async Task A_cut_off_or_dropped_answer_to_a_read_is_retried(DevVaultFaultKind kind)
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault { Path = Field, Kind = kind, Times = 1 }));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        harness.Count("GET", Field).Should().Be(2);
    }

    [Fact]
    public async Task A_slow_attempt_times_out_and_the_retry_succeeds()
    {
        await using var harness = await ClientHarness.StartAsync(
            Faults(new DevVaultFault { Path = Field, Kind = DevVaultFaultKind.Latency, DelayMilliseconds = 10_000, Times = 1 }),
            baseUri => new SecretServerOptions
            {
                BaseUri = baseUri,
                // Generous for the retry: shared CI machines can take over a second to answer one read.
                AttemptTimeout = TimeSpan.FromSeconds(3),
                RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            });

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
    }

    [Fact]
    public async Task A_server_that_never_answers_in_time_is_unavailable()
    {
        await using var harness = await ClientHarness.StartAsync(
            Faults(new DevVaultFault { Path = Field, Kind = DevVaultFaultKind.Latency, DelayMilliseconds = 5000 }),
            baseUri => new SecretServerOptions
            {
                BaseUri = baseUri,
                AttemptTimeout = TimeSpan.FromSeconds(1),
                TotalTimeout = TimeSpan.FromSeconds(2),
                RetryBaseDelay = TimeSpan.FromMilliseconds(20),
            });

        var act = () => ReadAsync(harness);

        (await act.Should().ThrowAsync<SecretServerUnavailableException>()).Which.Message.Should().Contain("in time");
    }

    [Theory]
    [InlineData(Token, DevVaultFaultKind.Html, 200)]
    [InlineData(Token, DevVaultFaultKind.Html, 400)]
    [InlineData(Token, DevVaultFaultKind.Redirect, null)]
    [InlineData(Field, DevVaultFaultKind.Html, 200)]
    [InlineData(Field, DevVaultFaultKind.Redirect, null)]
    public async Task An_html_page_or_a_redirect_is_one_clear_configuration_message(string path, DevVaultFaultKind kind, int? status)
    {
        await using var harness = await ClientHarness.StartAsync(Faults(new DevVaultFault { Path = path, Kind = kind, Status = status }));

        var act = () => ReadAsync(harness);

        var message = (await act.Should().ThrowAsync<SecretServerConfigurationException>()).Which.Message;
        message.Should().Contain(kind == DevVaultFaultKind.Html ? "HTML page" : "redirect to");
        message.Should().Contain("base URL is probably wrong").And.Contain("https://host/SecretServer");
        message.Should().NotContain(ContractSeed.Marker).And.NotContain("<html");
        harness.AssertLogsClean();
    }

    [Theory]
    [InlineData("")]
    [InlineData("SecretServer/")]
    [InlineData("SecretServer")]
    [InlineData("SecretServer/api/v1")]
    [InlineData("SecretServer/oauth2/token/")]
    public async Task Every_spelling_of_the_base_url_reaches_the_same_api(string suffix)
    {
        await using var vault = await DevVaultServer.StartAsync(new DevVaultOptions { Seed = ContractSeed.Load() });
        var baseUri = SecretServerBaseUrl.Normalize(vault.BaseUri + suffix, "test", out _);
        await using var harness = ClientHarness.Create(vault, ClientHarness.Fast(baseUri));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
    }
}
