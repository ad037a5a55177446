using System.Net;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// An Entra-shaped identity provider over HTTPS on 127.0.0.1, with a certificate made at start, plus
/// a token-exchange broker and Delinea Platform endpoints. RS256 tokens carry <c>amr</c> with
/// <c>mfa</c>: the provider plays an Entra tenant whose Conditional Access required MFA.
/// </summary>
public sealed class DevIdentityProvider : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IdentityState _state;
    private readonly X509Certificate2 _certificate;

    private DevIdentityProvider(WebApplication app, IdentityState state, X509Certificate2 certificate)
    {
        _app = app;
        _state = state;
        _certificate = certificate;
    }

    /// <summary>The HTTPS root, such as https://127.0.0.1:41234/.</summary>
    public Uri BaseUri => _state.BaseUri;

    /// <summary>The authority for MSAL: the root plus the tenant (as login.microsoftonline.com/{tenant}).</summary>
    public string Authority => _state.Authority;

    public string Issuer => _state.Issuer;

    public string ClientId => _state.Options.ClientId;

    public string Audience => _state.Options.Audience;

    /// <summary>The scope a client asks for: the API's <c>.default</c>.</summary>
    public string Scope => _state.Options.Audience + "/.default";

    public Uri TokenExchangeEndpoint => new(BaseUri, BrokerEndpoints.ExchangePath.TrimStart('/'));

    /// <summary>The Delinea Platform tenant URL (token, vault discovery, health).</summary>
    public Uri PlatformUri => BaseUri;

    public string PlatformClientId => _state.Options.PlatformClientId;

    /// <summary>The Platform service user's secret. Dev only; never a real one.</summary>
    public string PlatformClientSecret => _state.PlatformClientSecret;

    /// <summary>The TLS certificate in PEM, for a client's explicit dev/test trust setting.</summary>
    public string CertificatePem => _certificate.ExportCertificatePem();

    /// <summary>The Secret Server that Platform vault discovery points to.</summary>
    public Uri? VaultUri
    {
        get => _state.VaultUri;
        set => _state.VaultUri = value;
    }

    /// <summary>Every token the provider handed out, so tests can scan outputs for them.</summary>
    public IReadOnlyCollection<string> IssuedTokens => _state.Issued.ToArray();

    /// <summary>The grant types of every token request, in order (for tests: did a refresh happen?).</summary>
    public IReadOnlyCollection<string> Grants => _state.Grants.ToArray();

    public static async Task<DevIdentityProvider> StartAsync(
        DevIdentityOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var state = new IdentityState(options);
        var certificate = DevCertificate.Create(options.TimeProvider);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Listen(IPAddress.Loopback, options.Port, listen => listen.UseHttps(certificate));
        });

        var app = builder.Build();
        IdentityEndpoints.Map(app, state);
        BrokerEndpoints.Map(app, state);
        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
        var address = addresses.Addresses.First();
        state.BaseUri = new Uri(address.TrimEnd('/') + "/");
        return new DevIdentityProvider(app, state, certificate);
    }

    /// <summary>Writes the certificate's PEM to <paramref name="path"/> and returns the path.</summary>
    public string WriteCertificate(string path)
    {
        File.WriteAllText(path, CertificatePem);
        return path;
    }

    /// <summary>Test hook: plays the user who opened the verification page and finished sign-in and MFA.</summary>
    public bool ApproveDeviceCode(string userCode, string username) => _state.ApproveDeviceCode(userCode, username);

    /// <summary>
    /// Test hook: plays the browser of an interactive sign-in. Follows <paramref name="authorizeUri"/>,
    /// signs in on the page, and posts the code back to the app's loopback redirect as the page would.
    /// </summary>
    public Task PlayBrowserAsync(
        Uri authorizeUri, string username, string password, CancellationToken cancellationToken = default) =>
        DevBrowser.SignInAsync(this, authorizeUri, username, password, cancellationToken);

    /// <summary>Test hook: an access token as the provider issues them, with any lifetime or audience.</summary>
    public string IssueAccessToken(string username, TimeSpan lifetime, string? audience = null)
    {
        var now = _state.Time.GetUtcNow();
        var expires = now + lifetime;
        var notBefore = lifetime > TimeSpan.Zero ? now : expires - TimeSpan.FromHours(1);
        return _state.IssueAccessToken(username, notBefore, expires, audience ?? Audience, "access");
    }

    /// <summary>The hook for <see cref="DevVaultOptions.ExternalBearers"/>: this provider vouches for.</summary>
    public ExternalBearer? ResolveBearer(string token) => _state.ResolveBearer(token);

    /// <summary>An HttpClient that trusts exactly this provider's certificate (tests, the browser driver).</summary>
    public HttpClient CreateTrustingClient() => new(new SocketsHttpHandler
    {
        AllowAutoRedirect = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, presented, _, errors) =>
            errors == System.Net.Security.SslPolicyErrors.None
            || (presented is not null && errors == System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors
                && presented.GetCertHash().AsSpan().SequenceEqual(_certificate.GetCertHash())) },
    });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _state.Dispose();
        _certificate.Dispose();
    }
}
