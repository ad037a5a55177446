using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>Whom the password provider signs in, and at which Secret Server.</summary>
public sealed record PasswordAccount(Uri BaseUrl, string Username, string? Domain)
{
    public string Label => Domain is null ? Username : $"{Domain}\\{Username}";
}

/// <summary>
/// Secret Server's own OAuth2 password grant (<c>POST /oauth2/token</c>, optional domain, one-time
/// code in the <c>OTP</c> header) with refresh tokens. <c>login</c> prompts for the password and
/// keeps only the resulting session (<see cref="TokenCacheStore"/>); serve refreshes that session,
/// or signs in with a password from the environment. Refresh is single-flight and ahead of expiry.
/// </summary>
public sealed partial class PasswordGrantSession : ISecretServerSession, IDisposable
{
    /// <summary>
    /// Refresh this long before the token expires, so a request never starts with a dying token; for
    /// short-lived tokens (a test server's seconds) a tenth of the lifetime instead.
    /// </summary>
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromSeconds(60);

    private readonly IHttpClientFactory _httpFactory;
    private readonly PasswordAccount _account;
    private readonly string? _password;
    private readonly TokenCacheStore? _store;
    private readonly TimeProvider _time;
    private readonly ILogger<PasswordGrantSession> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private string? _accessToken;
    private string? _refreshToken;
    private DateTimeOffset _expiresAt;
    private TimeSpan _margin = s_refreshMargin;
    private bool _loaded;

    public PasswordGrantSession(
        IHttpClientFactory httpFactory, PasswordAccount account, string? password, TokenCacheStore? store,
        TimeProvider time, ILogger<PasswordGrantSession> logger)
    {
        _httpFactory = httpFactory;
        _account = account;
        _password = password;
        _store = store;
        _time = time;
        _logger = logger;
    }

    public PasswordAccount Account => _account;

    /// <summary>The session in memory, for status; never print its value.</summary>
    public BearerToken? Current =>
        _accessToken is { } token ? new BearerToken(token, _expiresAt, _account.Label) : null;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (CurrentToken() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever waited behind the caller that refreshed finds the new token here.
            if (CurrentToken() is { } fresh)
            {
                return fresh;
            }

            // Another process may have refreshed the stored session (refresh tokens are single use).
            if (!_loaded || _refreshToken is null)
            {
                _loaded = true;
                await LoadAsync().ConfigureAwait(false);
                if (CurrentToken() is { } stored)
                {
                    return stored;
                }
            }

            if (_refreshToken is { } refresh)
            {
                _refreshToken = null;
                var refreshed = await RequestTokenAsync(
                    [new("grant_type", "refresh_token"), new("refresh_token", refresh)], otp: null,
                    tolerateRefusal: true, cancellationToken).ConfigureAwait(false);
                if (refreshed is not null)
                {
                    LogRefreshed(_logger);
                    return refreshed;
                }

                // Secret Server limits how often a session may be refreshed; then sign in afresh.
                LogRefreshRefused(_logger);
            }

            if (_password is null)
            {
                throw new NotSignedInException(
                    $"not signed in to Secret Server as {_account.Label}: ask the user to run 'secret-mcp login' in a "
                    + "terminal, then try again.");
            }

            var signedIn = await SignInCoreAsync(_password, otp: null, cancellationToken).ConfigureAwait(false);
            return signedIn;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>A password grant now (login): the password is used once and not kept; the session is.</summary>
    public async Task<BearerToken> SignInAsync(string password, string? otp, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await SignInCoreAsync(password, otp, cancellationToken).ConfigureAwait(false);
            return Current!;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// logout: asks Secret Server to end the stored session (<c>POST /api/v1/oauth-expiration</c>), so
    /// a copy of its tokens is useless too. Best effort: the local copy is removed either way.
    /// </summary>
    public async Task RevokeStoredAsync(CancellationToken cancellationToken)
    {
        await LoadAsync().ConfigureAwait(false);
        if (_accessToken is not { } token || _time.GetUtcNow() >= _expiresAt)
        {
            return;
        }

        var http = _httpFactory.CreateClient(SecretServerClient.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "api/v1/oauth-expiration");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            LogRevoked(_logger, (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            LogRevokeFailed(_logger, e.HttpRequestError.ToString());
        }

        _accessToken = null;
        _refreshToken = null;
    }

    public void Invalidate(string token)
    {
        if (_accessToken == token)
        {
            _accessToken = null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private async Task<string> SignInCoreAsync(string password, string? otp, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", "password"),
            new("username", _account.Username),
            new("password", password),
        };
        if (_account.Domain is { } domain)
        {
            form.Add(new("domain", domain));
        }

        var signedIn = await RequestTokenAsync([.. form], otp, tolerateRefusal: false, cancellationToken)
            .ConfigureAwait(false);
        LogSignedIn(_logger, _account.Label);
        return signedIn!;
    }

    private string? CurrentToken()
    {
        var token = _accessToken;
        return token is not null && _time.GetUtcNow() < _expiresAt - _margin ? token : null;
    }

    private async Task LoadAsync()
    {
        if (_store is null || await _store.ReadSessionAsync().ConfigureAwait(false) is not { } data)
        {
            return;
        }

        StoredSession? stored;
        try
        {
            stored = JsonSerializer.Deserialize(data, AuthJsonContext.Default.StoredSession);
        }
        catch (JsonException)
        {
            return;
        }

        // A session for another server or user is not this one's.
        if (stored is null || stored.BaseUrl != _account.BaseUrl.ToString()
            || !string.Equals(stored.Username, _account.Label, StringComparison.OrdinalIgnoreCase))
        {
            return;
        }

        _accessToken = stored.AccessToken;
        _refreshToken = stored.RefreshToken;
        _expiresAt = stored.ExpiresAt;
    }

    private async Task SaveAsync()
    {
        // A session signed in with a password from the environment can be made again at any time; only
        // a session from 'login' (where the password is gone) is worth keeping on disk.
        if (_store is null || _password is not null)
        {
            return;
        }

        var stored = new StoredSession
        {
            BaseUrl = _account.BaseUrl.ToString(),
            Username = _account.Label,
            AccessToken = _accessToken,
            ExpiresAt = _expiresAt,
            RefreshToken = _refreshToken,
        };
        var json = JsonSerializer.SerializeToUtf8Bytes(stored, AuthJsonContext.Default.StoredSession);
        await _store.WriteSessionAsync(json).ConfigureAwait(false);
    }

    private async Task<string?> RequestTokenAsync(
        KeyValuePair<string, string>[] form, string? otp, bool tolerateRefusal, CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(SecretServerClient.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        if (!string.IsNullOrEmpty(otp))
        {
            // Secret Server's two-factor code (or "push" for Duo) travels in a header named OTP.
            request.Headers.TryAddWithoutValidation("OTP", otp);
        }

        // A token grant is safe to send again after a transport failure: nothing was granted.
        request.Options.Set(SecretServerTransport.Retryable, true);

        using var response = await SecretServerHttp.SendAsync(http, request, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);

        // Some failures come back as a redirect to a login page, or as 200 with HTML (case C01).
        SecretServerHttp.EnsureApiAnswer(response, body, http.BaseAddress);

        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            if (tolerateRefusal)
            {
                return null;
            }

            var error = SecretServerHttp.Parse(body, SecretServerJsonContext.Default.ErrorWire)?.Error;
            throw new NotSignedInException(
                $"Secret Server refused the sign-in for user '{_account.Label}'"
                + (string.IsNullOrWhiteSpace(error) ? "." : $": {Shorten(error)}.")
                + " Check the user name, password, one-time code and whether the account may use the API.");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SecretServerUnavailableException(
                $"Secret Server's token endpoint answered HTTP {(int)response.StatusCode}; try again later.");
        }

        var token = SecretServerHttp.Parse(body, SecretServerJsonContext.Default.TokenWire);
        if (string.IsNullOrEmpty(token?.AccessToken))
        {
            throw new NotSignedInException(
                "Secret Server's token endpoint answered without an access token; check the base URL.");
        }

        _accessToken = token.AccessToken;
        _refreshToken = token.RefreshToken;
        var lifetime = TimeSpan.FromSeconds(Math.Max(token.ExpiresIn, 1));
        _expiresAt = _time.GetUtcNow() + lifetime;
        _margin = lifetime / 10 < s_refreshMargin ? lifetime / 10 : s_refreshMargin;
        await SaveAsync().ConfigureAwait(false);
        return token.AccessToken;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in to Secret Server as {Username}")]
    private static partial void LogSignedIn(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Asked Secret Server to end the stored session: HTTP {Status}")]
    private static partial void LogRevoked(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not ask Secret Server to end the stored session ({Error})")]
    private static partial void LogRevokeFailed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed the Secret Server session")]
    private static partial void LogRefreshed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret Server refused the refresh token; signing in again")]
    private static partial void LogRefreshRefused(ILogger logger);
}
