using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using SecretMcp.Auth;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.Auth;

/// <summary>
/// Each session provider for real against the dev vault and its identity provider, wired the way
/// serve wires them, down to a field read through the Secret Server client.
/// </summary>
public sealed class SessionProviderTests : IAsyncLifetime
{
    private DevIdentityFixture _fixture = null!;
    private ServiceProvider? _services;

    public async Task InitializeAsync() => _fixture = await DevIdentityFixture.StartAsync();

    public async Task DisposeAsync()
    {
        if (_services is not null)
        {
            await _services.DisposeAsync();
        }

        await _fixture.DisposeAsync();
    }

    [Fact]
    public async Task Token_exchange_turns_the_sign_in_into_a_Secret_Server_session_once_for_many_callers()
    {
        var services = Build(_fixture.Settings(SessionProviderKind.TokenExchange));
        await _fixture.SignInWithDeviceCodeAsync(services.GetRequiredService<IdentityClient>());
        var session = services.GetRequiredService<ISecretServerSession>();

        var tokens = await Task.WhenAll(
            Enumerable.Range(0, 12).Select(_ => session.GetAccessTokenAsync(default).AsTask()));

        tokens.Distinct().Should().ContainSingle("one exchange serves every caller");
        _fixture.Identity.Grants.Count(g => g == "token-exchange").Should().Be(1);
        (await ReadAsync(services)).Should().Be("v");
    }

    [Fact]
    public async Task Token_exchange_exchanges_again_after_Secret_Server_refused_the_session()
    {
        var services = Build(_fixture.Settings(SessionProviderKind.TokenExchange));
        await _fixture.SignInWithDeviceCodeAsync(services.GetRequiredService<IdentityClient>());
        var session = services.GetRequiredService<ISecretServerSession>();
        var first = await session.GetAccessTokenAsync(default);

        session.Invalidate(first);
        var second = await session.GetAccessTokenAsync(default);

        second.Should().NotBe(first);
        _fixture.Identity.Grants.Count(g => g == "token-exchange").Should().Be(2);
    }

    [Fact]
    public async Task Bearer_sends_the_identity_token_to_Secret_Server_as_is()
    {
        var services = Build(_fixture.Settings(SessionProviderKind.Bearer));
        var identity = await _fixture.SignInWithDeviceCodeAsync(services.GetRequiredService<IdentityClient>());

        var bearer = await services.GetRequiredService<ISecretServerSession>().GetAccessTokenAsync(default);
        bearer.Should().Be(identity.AccessToken);
        (await ReadAsync(services)).Should().Be("v");
    }

    [Fact]
    public async Task Platform_signs_in_with_client_credentials_and_finds_the_vault()
    {
        var settings = new AuthSettings
        {
            Provider = SessionProviderKind.Platform,
            PlatformUrl = _fixture.Identity.PlatformUri,
            PlatformClientId = _fixture.Identity.PlatformClientId,
            TokenCache = TokenCacheMode.None,
            DevCertificate = _fixture.CertificatePath,
        };
        var services = Build(settings, new AuthSecrets(null, _fixture.Identity.PlatformClientSecret, null));

        (await ReadAsync(services)).Should().Be("v");

        var vault = await services.GetRequiredService<PlatformSession>().GetVaultAsync(default);
        vault.Should().Be(_fixture.Stack.Vault.BaseUri);
        _fixture.Identity.Grants.Should().Equal("xpmplatform");
    }

    [Fact]
    public async Task Platform_with_a_wrong_secret_is_not_signed_in_and_says_why()
    {
        var settings = new AuthSettings
        {
            Provider = SessionProviderKind.Platform,
            PlatformUrl = _fixture.Identity.PlatformUri,
            PlatformClientId = _fixture.Identity.PlatformClientId,
            TokenCache = TokenCacheMode.None,
            DevCertificate = _fixture.CertificatePath,
        };
        var services = Build(settings, new AuthSecrets(null, "wrong", null));

        var act = () => ReadAsync(services);

        (await act.Should().ThrowAsync<NotSignedInException>()).Which.Message.Should().Contain("invalid_client");
    }

    [Fact]
    public async Task Token_uses_a_pre_issued_bearer_and_reports_a_refused_one()
    {
        var issued = await PasswordGrantAsync();
        var good = Build(_fixture.Settings(SessionProviderKind.Token), new AuthSecrets(null, null, issued));
        (await ReadAsync(good)).Should().Be("v");

        await good.DisposeAsync();
        _services = null;
        var bad = Build(_fixture.Settings(SessionProviderKind.Token), new AuthSecrets(null, null, "not-a-token"));
        var act = () => ReadAsync(bad);
        (await act.Should().ThrowAsync<NotSignedInException>())
            .Which.Message.Should().Contain(AuthSettings.DefaultTokenVariable);
    }

    [Theory]
    [InlineData("tampered", "bad signature")]
    [InlineData("expired", "expired")]
    [InlineData("wrong-audience", "wrong audience")]
    public async Task The_exchange_and_the_vault_reject_bad_identity_tokens(string kind, string reason)
    {
        var token = kind switch
        {
            "tampered" => Tamper(_fixture.Identity.IssueAccessToken(DevIdentityFixture.User, TimeSpan.FromMinutes(30))),
            "expired" => _fixture.Identity.IssueAccessToken(DevIdentityFixture.User, TimeSpan.FromMinutes(-10)),
            _ => _fixture.Identity.IssueAccessToken(
                DevIdentityFixture.User, TimeSpan.FromMinutes(30), "api://someone-else"),
        };
        using var http = _fixture.Identity.CreateTrustingClient();

        using var exchange = await http.PostAsync(_fixture.Identity.TokenExchangeEndpoint, new FormUrlEncodedContent(
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("subject_token", token),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ]));
        exchange.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await exchange.Content.ReadAsStringAsync()).Should().Contain("invalid_grant").And.Contain(reason);

        var secret = new Uri(_fixture.Stack.Vault.BaseUri, "api/v1/secrets/7");
        using var read = new HttpRequestMessage(HttpMethod.Get, secret);
        read.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var plain = new HttpClient();
        using var response = await plain.SendAsync(read);
        response.StatusCode.Should().Be(kind == "expired" ? HttpStatusCode.Forbidden : HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task The_exchange_accepts_a_genuine_token_and_the_vault_takes_the_result()
    {
        var token = _fixture.Identity.IssueAccessToken(DevIdentityFixture.User, TimeSpan.FromMinutes(30));
        using var http = _fixture.Identity.CreateTrustingClient();

        using var exchange = await http.PostAsync(_fixture.Identity.TokenExchangeEndpoint, new FormUrlEncodedContent(
        [
            new("grant_type", "urn:ietf:params:oauth:grant-type:token-exchange"),
            new("subject_token", token),
            new("subject_token_type", "urn:ietf:params:oauth:token-type:access_token"),
        ]));

        exchange.StatusCode.Should().Be(HttpStatusCode.OK);
        var body = System.Text.Json.JsonDocument.Parse(await exchange.Content.ReadAsStringAsync()).RootElement;
        body.GetProperty("issued_token_type").GetString().Should().Be("urn:ietf:params:oauth:token-type:access_token");
        var services = Build(_fixture.Settings(SessionProviderKind.Token),
            new AuthSecrets(null, null, body.GetProperty("access_token").GetString()));
        (await ReadAsync(services)).Should().Be("v");
    }

    private ServiceProvider Build(AuthSettings settings, AuthSecrets? secrets = null)
    {
        var services = new ServiceCollection();
        services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        services.AddSingleton<SecretServerClient>();
        services.AddSecretServerSignIn(settings, secrets ?? new AuthSecrets(null, null, null));
        _services = services.BuildServiceProvider();
        return _services;
    }

    private static async Task<string> ReadAsync(IServiceProvider services)
    {
        var bytes = await services.GetRequiredService<SecretServerClient>().ReadFieldAsync(7, "password", default);
        return System.Text.Encoding.UTF8.GetString(bytes);
    }

    private async Task<string> PasswordGrantAsync()
    {
        using var http = new HttpClient();
        using var response = await http.PostAsync(new Uri(_fixture.Stack.Vault.BaseUri, "oauth2/token"),
            new FormUrlEncodedContent(
            [
                new("grant_type", "password"),
                new("username", DevIdentityFixture.User),
                new("password", DevIdentityFixture.Password),
            ]));
        var body = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        return body.GetProperty("access_token").GetString()!;
    }

    /// <summary>Changes one character in the middle of the signature, so the bytes really differ.</summary>
    private static string Tamper(string jwt)
    {
        var cut = jwt.LastIndexOf('.') + 10;
        var replacement = jwt[cut] == 'A' ? 'B' : 'A';
        return jwt[..cut] + replacement + jwt[(cut + 1)..];
    }
}
