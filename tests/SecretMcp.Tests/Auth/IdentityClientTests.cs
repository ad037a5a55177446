using System.Text;
using System.Text.Json;
using SecretMcp.Auth;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.Auth;

/// <summary>MSAL for real against the dev identity provider: every flow serve and login rely on.</summary>
public sealed class IdentityClientTests : IAsyncLifetime
{
    private DevIdentityFixture _fixture = null!;

    public async Task InitializeAsync() => _fixture = await DevIdentityFixture.StartAsync();

    public async Task DisposeAsync() => await _fixture.DisposeAsync();

    [Fact]
    public async Task Device_code_sign_in_yields_an_RS256_token_with_mfa_for_the_user()
    {
        using var client = _fixture.NewClient();

        var token = await _fixture.SignInWithDeviceCodeAsync(client);

        token.Username.Should().Be(DevIdentityFixture.User);
        var (header, claims) = Decode(token.AccessToken);
        header.GetProperty("alg").GetString().Should().Be("RS256");
        claims.GetProperty("aud").GetString().Should().Be(_fixture.Identity.Audience);
        claims.GetProperty("amr").EnumerateArray().Select(e => e.GetString()).Should().Contain("mfa");
        _fixture.Identity.Grants.Should().Contain("device_code");
    }

    [Fact]
    public async Task Interactive_sign_in_runs_auth_code_with_PKCE_through_a_browser_driver()
    {
        using var client = _fixture.NewClient();
        Task? browser = null;

        var token = await client.SignInInteractiveAsync((uri, cancellationToken) =>
        {
            // MSAL starts its loopback listener after asking for the browser: drive it in the background.
            uri.Query.Should().Contain("code_challenge_method=S256").And.Contain("response_mode=form_post");
            browser = _fixture.Identity.PlayBrowserAsync(
                uri, DevIdentityFixture.User, DevIdentityFixture.Password, cancellationToken);
            return Task.CompletedTask;
        }, CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));

        await browser!;
        token.Username.Should().Be(DevIdentityFixture.User);
        _fixture.Identity.Grants.Should().Contain("authorization_code");
    }

    [Fact]
    public async Task Interactive_sign_in_with_a_wrong_password_never_completes_and_can_be_cancelled()
    {
        using var client = _fixture.NewClient();
        using var cancel = new CancellationTokenSource();
        Exception? browserProblem = null;

        var signIn = client.SignInInteractiveAsync(async (uri, cancellationToken) =>
        {
            try
            {
                await _fixture.Identity.PlayBrowserAsync(uri, DevIdentityFixture.User, "wrong", cancellationToken);
            }
            catch (InvalidOperationException e)
            {
                browserProblem = e;
                await cancel.CancelAsync();
            }
        }, cancel.Token);

        var act = () => signIn.WaitAsync(TimeSpan.FromSeconds(60));
        await act.Should().ThrowAsync<Exception>();
        browserProblem!.Message.Should().Contain("Wrong user name or password");
    }

    [Fact]
    public async Task A_new_client_signs_in_silently_from_the_persisted_cache()
    {
        using (var first = _fixture.NewClient())
        {
            await _fixture.SignInWithDeviceCodeAsync(first);
        }

        using var second = _fixture.NewClient();
        var token = await second.GetTokenAsync(CancellationToken.None);

        token.Username.Should().Be(DevIdentityFixture.User);
        (await second.GetAccountNameAsync()).Should().Be(DevIdentityFixture.User);
        _fixture.Identity.Grants.Should().ContainSingle("the second client needed no new sign-in nor refresh");
    }

    [Fact]
    public async Task Without_a_sign_in_the_client_says_to_run_login_and_never_prompts()
    {
        using var client = _fixture.NewClient();

        var act = async () => await client.GetTokenAsync(CancellationToken.None);

        (await act.Should().ThrowAsync<NotSignedInException>()).Which.Message.Should().Contain("secret-mcp login");
    }

    [Fact]
    public async Task Logout_removes_the_account_from_the_cache()
    {
        using (var first = _fixture.NewClient())
        {
            await _fixture.SignInWithDeviceCodeAsync(first);
            await first.SignOutAsync();
        }

        using var second = _fixture.NewClient();
        (await second.GetAccountNameAsync()).Should().BeNull();
    }

    [Fact]
    public async Task A_refused_token_is_refreshed_at_the_provider()
    {
        using var client = _fixture.NewClient();
        var first = await _fixture.SignInWithDeviceCodeAsync(client);

        client.Invalidate(first.AccessToken);
        var second = await client.GetTokenAsync(CancellationToken.None);

        second.AccessToken.Should().NotBe(first.AccessToken);
        _fixture.Identity.Grants.Should().Contain("refresh_token");
    }

    [Fact]
    public async Task The_provider_certificate_is_trusted_only_when_named()
    {
        var settings = _fixture.Settings();
        var untrusted = new AuthSettings
        {
            Provider = settings.Provider,
            SecretServerBaseUrl = settings.SecretServerBaseUrl,
            Authority = settings.Authority,
            ClientId = settings.ClientId,
            Scopes = settings.Scopes,
            TokenCache = TokenCacheMode.None,
            DevCertificate = null,
        };
        using var client = _fixture.NewClient(untrusted);

        var act = () => client.SignInWithDeviceCodeAsync(_ => Task.CompletedTask, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        (await act.Should().ThrowAsync<SecretServerUnavailableException>())
            .Which.Message.Should().Contain("SecureConnectionError");
        _fixture.Identity.Grants.Should().BeEmpty("no request got past TLS");
    }

    [Fact]
    public async Task A_token_near_expiry_is_refreshed_silently_with_the_refresh_token()
    {
        // MSAL counts a token that expires within five minutes as expired; 90 seconds is such a token.
        await using var shortLived = await DevIdentityFixture.StartAsync(accessTokenLifetimeSeconds: 90);
        IdentityToken first;
        using (var login = shortLived.NewClient())
        {
            first = await shortLived.SignInWithDeviceCodeAsync(login);
        }

        using var later = shortLived.NewClient();
        var second = await later.GetTokenAsync(CancellationToken.None);

        second.AccessToken.Should().NotBe(first.AccessToken);
        second.ExpiresOn.Should().BeAfter(DateTimeOffset.UtcNow);
        shortLived.Identity.Grants.Should().Equal("device_code", "refresh_token");
    }

    [Fact]
    public async Task Another_providers_certificate_does_not_make_this_one_trusted()
    {
        await using var other = await DevIdentityFixture.StartAsync();
        var settings = _fixture.Settings();
        var misnamed = new AuthSettings
        {
            Provider = settings.Provider,
            SecretServerBaseUrl = settings.SecretServerBaseUrl,
            Authority = settings.Authority,
            ClientId = settings.ClientId,
            Scopes = settings.Scopes,
            TokenCache = TokenCacheMode.None,
            DevCertificate = other.CertificatePath,
        };
        using var client = _fixture.NewClient(misnamed);

        var act = () => client.SignInWithDeviceCodeAsync(_ => Task.CompletedTask, CancellationToken.None)
            .WaitAsync(TimeSpan.FromSeconds(60));

        (await act.Should().ThrowAsync<SecretServerUnavailableException>())
            .Which.Message.Should().Contain("SecureConnectionError");
        _fixture.Identity.Grants.Should().BeEmpty("the chain does not end in the named certificate");
    }

    private static (JsonElement Header, JsonElement Claims) Decode(string jwt)
    {
        var parts = jwt.Split('.');
        parts.Should().HaveCount(3);
        return (Parse(parts[0]), Parse(parts[1]));

        static JsonElement Parse(string part)
        {
            var padded = part.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - padded.Length % 4) % 4);
            return JsonDocument.Parse(Encoding.UTF8.GetString(Convert.FromBase64String(padded))).RootElement.Clone();
        }
    }
}
