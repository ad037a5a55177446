using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>An identity provider access token and whom it names. The token itself is never shown or logged.</summary>
public sealed record IdentityToken(string AccessToken, DateTimeOffset ExpiresOn, string Username);

/// <summary>The device code step, to show the user.</summary>
public sealed record DeviceCodePrompt(string UserCode, Uri VerificationUri, DateTimeOffset ExpiresOn);

/// <summary>
/// Who the user is: an MSAL public client against an Entra (or Entra-shaped) authority. Interactive
/// sign-in with PKCE on a loopback redirect, device code, and silent sign-in and refresh from the
/// persistent cache. SSO and MFA are the identity provider's business. Token use is single-flight
/// and refreshes ahead of expiry.
/// </summary>
public sealed partial class IdentityClient : IDisposable
{
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromMinutes(2);

    private static readonly HashSet<string> s_entraHosts = new(StringComparer.OrdinalIgnoreCase)
    {
        "login.microsoftonline.com", "login.microsoftonline.us", "login.partner.microsoftonline.cn",
        "login.microsoft.com", "login.windows.net", "login.chinacloudapi.cn",
    };

    private readonly AuthSettings _settings;
    private readonly TokenCacheStore _cache;
    private readonly TimeProvider _time;
    private readonly ILogger<IdentityClient> _logger;
    private readonly IPublicClientApplication _app;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Lazy<Task> _cacheRegistered;

    private IdentityToken? _current;
    private bool _forceRefresh;

    public IdentityClient(
        AuthSettings settings, TokenCacheStore cache, DevCertificateTrust trust, TimeProvider time,
        ILogger<IdentityClient> logger)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(settings.Authority);

        _settings = settings;
        _cache = cache;
        _time = time;
        _logger = logger;

        // Outside Entra's own clouds (an Entra-shaped provider such as the dev vault's) there is no
        // instance discovery to do; Entra itself keeps authority validation.
        var isEntra = s_entraHosts.Contains(settings.Authority.Host);
        _app = PublicClientApplicationBuilder.Create(settings.ClientId)
            .WithAuthority(settings.Authority.ToString().TrimEnd('/'), validateAuthority: isEntra)
            .WithInstanceDiscovery(isEntra)
            .WithRedirectUri(settings.RedirectUri.ToString().TrimEnd('/'))
            .WithHttpClientFactory(trust)
            .WithClientName("secret-mcp")
            .WithLogging(OnMsalLog, Microsoft.Identity.Client.LogLevel.Warning, enablePiiLogging: false,
                enableDefaultPlatformLogging: false)
            .Build();
        _cacheRegistered = new Lazy<Task>(() => _cache.RegisterAsync(_app.UserTokenCache));
    }

    /// <summary>Sign-in in the system browser (auth code + PKCE, loopback redirect).</summary>
    public async Task<IdentityToken> SignInInteractiveAsync(
        Func<Uri, CancellationToken, Task> openBrowser, CancellationToken cancellationToken)
    {
        await _cacheRegistered.Value.ConfigureAwait(false);
        var result = await Guard(() => _app.AcquireTokenInteractive(_settings.Scopes)
            .WithUseEmbeddedWebView(false)
            .WithPrompt(Prompt.SelectAccount)
            .WithSystemWebViewOptions(new SystemWebViewOptions
            {
                OpenBrowserAsync = uri => openBrowser(uri, cancellationToken),
                HtmlMessageSuccess = "<p>Signed in to secret-mcp. You can close this tab.</p>",
                HtmlMessageError = "<p>secret-mcp could not sign you in: {0}. Return to the terminal.</p>",
            })
            .ExecuteAsync(cancellationToken)).ConfigureAwait(false);
        return Remember(result);
    }

    /// <summary>Sign-in with a device code shown to the user (no browser on this machine, or asked for).</summary>
    public async Task<IdentityToken> SignInWithDeviceCodeAsync(
        Func<DeviceCodePrompt, Task> show, CancellationToken cancellationToken)
    {
        await _cacheRegistered.Value.ConfigureAwait(false);
        var result = await Guard(() => _app.AcquireTokenWithDeviceCode(_settings.Scopes, code => show(
                new DeviceCodePrompt(code.UserCode, new Uri(code.VerificationUrl), code.ExpiresOn)))
            .ExecuteAsync(cancellationToken)).ConfigureAwait(false);
        return Remember(result);
    }

    /// <summary>
    /// A token from memory or, silently, from the cache (refreshing it when it is about to expire).
    /// Never prompts: without a usable sign-in it throws <see cref="NotSignedInException"/>.
    /// </summary>
    public async ValueTask<IdentityToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (Fresh() is { } fresh)
            {
                return fresh;
            }

            await _cacheRegistered.Value.ConfigureAwait(false);
            var account = (await _app.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault()
                ?? throw new NotSignedInException(NotSignedInMessage);

            var force = _forceRefresh;
            _forceRefresh = false;
            var result = await Guard(() => _app.AcquireTokenSilent(_settings.Scopes, account)
                .WithForceRefresh(force)
                .ExecuteAsync(cancellationToken)).ConfigureAwait(false);
            LogSilent(_logger, result.AuthenticationResultMetadata.TokenSource.ToString());
            return Remember(result);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Forgets <paramref name="accessToken"/> after it was refused; the next use refreshes it.</summary>
    public void Invalidate(string accessToken)
    {
        if (_current?.AccessToken == accessToken)
        {
            _current = null;
            _forceRefresh = true;
        }
    }

    /// <summary>The cached account's user name, if any; no network.</summary>
    public async Task<string?> GetAccountNameAsync()
    {
        await _cacheRegistered.Value.ConfigureAwait(false);
        return (await _app.GetAccountsAsync().ConfigureAwait(false)).FirstOrDefault()?.Username;
    }

    /// <summary>Removes every cached account.</summary>
    public async Task SignOutAsync()
    {
        await _cacheRegistered.Value.ConfigureAwait(false);
        foreach (var account in await _app.GetAccountsAsync().ConfigureAwait(false))
        {
            await _app.RemoveAsync(account).ConfigureAwait(false);
        }

        _current = null;
    }

    public void Dispose() => _gate.Dispose();

    internal const string NotSignedInMessage =
        "not signed in: ask the user to run 'secret-mcp login' in a terminal, then try again.";

    private IdentityToken? Fresh()
    {
        var token = _current;
        return token is not null && _time.GetUtcNow() < token.ExpiresOn - Margin(token) ? token : null;
    }

    private TimeSpan Margin(IdentityToken token)
    {
        // Short-lived tokens (tests, strict policies) would otherwise never count as fresh.
        var lifetime = token.ExpiresOn - _time.GetUtcNow();
        return lifetime < s_refreshMargin * 2 ? lifetime / 2 : s_refreshMargin;
    }

    private IdentityToken Remember(AuthenticationResult result)
    {
        var token = new IdentityToken(result.AccessToken, result.ExpiresOn, result.Account?.Username ?? "(unknown)");
        _current = token;
        return token;
    }

    private async Task<AuthenticationResult> Guard(Func<Task<AuthenticationResult>> acquire)
    {
        try
        {
            return await acquire().ConfigureAwait(false);
        }
        catch (MsalUiRequiredException e)
        {
            LogUiRequired(_logger, e.ErrorCode);
            throw new NotSignedInException(NotSignedInMessage, e);
        }
        catch (MsalServiceException e)
        {
            // The error code is enough; descriptions from the provider can be long and are not ours to echo.
            LogRefused(_logger, e.ErrorCode, e.StatusCode);
            throw new NotSignedInException(
                $"the identity provider refused the sign-in ({e.ErrorCode}); ask the user to run 'secret-mcp login'.",
                e);
        }
        catch (MsalClientException e)
        {
            LogRefused(_logger, e.ErrorCode, 0);
            throw new NotSignedInException($"signing in failed ({e.ErrorCode}): {e.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw new SecretServerUnavailableException(
                CachedBearerSession.Unreachable("The identity provider", _settings.Authority, e), e);
        }
    }

    private void OnMsalLog(Microsoft.Identity.Client.LogLevel level, string message, bool containsPii)
    {
        // PII logging is off; MSAL's warnings still go to Debug only (one per authorization_pending poll).
        if (!containsPii)
        {
            LogMsal(_logger, level.ToString(), message);
        }
    }

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "Identity token from {Source}")]
    private static partial void LogSilent(ILogger logger, string source);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Information,
        Message = "The identity provider needs the user to sign in ({Code})")]
    private static partial void LogUiRequired(ILogger logger, string code);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Warning,
        Message = "The identity provider refused the sign-in: {Code} (HTTP {Status})")]
    private static partial void LogRefused(ILogger logger, string code, int status);

    [LoggerMessage(Level = Microsoft.Extensions.Logging.LogLevel.Debug, Message = "MSAL {Level}: {Message}")]
    private static partial void LogMsal(ILogger logger, string level, string message);
}
