using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// platform: a Delinea Platform service user signs in with client credentials (scope xpmheadless),
/// and vault discovery names the Secret Server that takes the same token. Secret Server then
/// audits the service user, not the person at the keyboard.
/// </summary>
public sealed partial class PlatformSession : CachedBearerSession
{
    private static readonly TimeSpan s_routeLifetime = TimeSpan.FromMinutes(5);

    private readonly IHttpClientFactory _httpFactory;
    private readonly AuthSettings _settings;
    private readonly string? _clientSecret;
    private readonly ILogger<PlatformSession> _logger;
    private readonly SemaphoreSlim _routeGate = new(1, 1);

    private Uri? _vault;
    private DateTimeOffset _vaultFoundAt;

    public PlatformSession(
        IHttpClientFactory httpFactory, AuthSettings settings, string? clientSecret, TimeProvider time,
        ILogger<PlatformSession> logger)
        : base(time)
    {
        _httpFactory = httpFactory;
        _settings = settings;
        _clientSecret = clientSecret;
        _logger = logger;
    }

    protected override async Task<BearerToken> AcquireAsync(bool afterRefusal, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(_clientSecret))
        {
            throw new NotSignedInException(
                "not signed in: the platform sign-in needs the service user's secret in "
                + $"{AuthSecrets.PlatformClientSecretVariable}.");
        }

        var endpoint = new Uri(_settings.PlatformUrl!, "identity/api/oauth2/token/xpmplatform");
        using var request = new HttpRequestMessage(HttpMethod.Post, endpoint)
        {
            Content = new FormUrlEncodedContent(
            [
                new("grant_type", "client_credentials"),
                new("client_id", _settings.PlatformClientId!),
                new("client_secret", _clientSecret),
                new("scope", "xpmheadless"),
            ]),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var http = _httpFactory.CreateClient(TokenExchangeSession.HttpClientName);
        const string What = "The Delinea Platform";
        using var response = await SendAsync(http, request, What, cancellationToken).ConfigureAwait(false);
        var token = await ReadTokenResponseAsync(response, What, cancellationToken).ConfigureAwait(false);

        LogSignedIn(_logger, _settings.PlatformClientId!);
        return new BearerToken(token.AccessToken!, Time.GetUtcNow().AddSeconds(Math.Max(token.ExpiresIn, 1)),
            _settings.PlatformClientId!);
    }

    /// <summary>The Secret Server base URL: configured, or the Platform's default active vault (memoized).</summary>
    public async ValueTask<Uri> GetVaultAsync(CancellationToken cancellationToken)
    {
        if (_settings.SecretServerBaseUrl is { } configured)
        {
            return configured;
        }

        if (_vault is { } known && Time.GetUtcNow() - _vaultFoundAt < s_routeLifetime)
        {
            return known;
        }

        await _routeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_vault is { } found && Time.GetUtcNow() - _vaultFoundAt < s_routeLifetime)
            {
                return found;
            }

            _vault = await DiscoverAsync(cancellationToken).ConfigureAwait(false);
            _vaultFoundAt = Time.GetUtcNow();
            return _vault;
        }
        finally
        {
            _routeGate.Release();
        }
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _routeGate.Dispose();
        }

        base.Dispose(disposing);
    }

    private async Task<Uri> DiscoverAsync(CancellationToken cancellationToken)
    {
        var token = await GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        var endpoint = new Uri(_settings.PlatformUrl!, "vaultbroker/api/vaults");
        using var request = new HttpRequestMessage(HttpMethod.Get, endpoint);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var http = _httpFactory.CreateClient(TokenExchangeSession.HttpClientName);
        using var response = await SendAsync(http, request, "The Delinea Platform's vault discovery", cancellationToken)
            .ConfigureAwait(false);
        if (!response.IsSuccessStatusCode)
        {
            if ((int)response.StatusCode is 401 or 403)
            {
                Invalidate(token);
            }

            throw new SecretServerUnavailableException(
                $"The Delinea Platform's vault discovery answered HTTP {(int)response.StatusCode}.");
        }

        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        var vault = TryParse(body, AuthJsonContext.Default.VaultsWire)?.Vaults?
            .FirstOrDefault(v => v.IsDefault && v.IsActive && !string.IsNullOrEmpty(v.Connection?.Url));
        if (vault is null || !Uri.TryCreate(vault.Connection!.Url!.TrimEnd('/') + "/", UriKind.Absolute, out var url))
        {
            throw new NotSignedInException(
                $"The Delinea Platform lists no default, active vault for this service user; set "
                + $"{AuthSettings.EnvironmentName("SecretServer:BaseUrl")} or ask an administrator to assign one.");
        }

        // The broker's answer decides where the token goes, so it must not send it anywhere odd:
        // https, or plain http on this machine only (the dev vault).
        if (url.Scheme != "https" && !(url.Scheme == "http" && url.IsLoopback))
        {
            throw new NotSignedInException(
                $"The Delinea Platform named a vault that is not https ({url.Authority}); refusing it.");
        }

        LogVault(_logger, vault.Name ?? "(unnamed)", url.ToString());
        return url;
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Signed in to the Delinea Platform as service user {ClientId}; "
            + "Secret Server audits this service identity")]
    private static partial void LogSignedIn(ILogger logger, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Vault discovery: {Name} at {Url}")]
    private static partial void LogVault(ILogger logger, string name, string url);
}

/// <summary>
/// Sends Secret Server requests made against <see cref="Placeholder"/> to the vault the Platform
/// names, so the Secret Server client needs no base URL when the Platform decides it.
/// </summary>
public sealed class VaultRouteHandler(PlatformSession session) : DelegatingHandler
{
    public static readonly Uri Placeholder = new("https://platform-vault.invalid/");

    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.RequestUri is { } uri && uri.Host == Placeholder.Host)
        {
            var vault = await session.GetVaultAsync(cancellationToken).ConfigureAwait(false);
            request.RequestUri = new Uri(vault, uri.PathAndQuery.TrimStart('/'));
        }

        return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }
}
