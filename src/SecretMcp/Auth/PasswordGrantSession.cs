using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// Secret Server's own OAuth2 password grant (<c>POST /oauth2/token</c>) with refresh tokens. Used
/// for the dev vault and on-prem accounts. Refresh is single-flight and happens ahead of expiry.
/// </summary>
public sealed partial class PasswordGrantSession : ISecretServerSession, IDisposable
{
    /// <summary>
    /// Refresh this long before the token expires, so a request never starts with a dying token; for
    /// short-lived tokens (a test server's seconds) a tenth of the lifetime instead.
    /// </summary>
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromSeconds(60);

    private readonly IHttpClientFactory _httpFactory;
    private readonly string _username;
    private readonly string _password;
    private readonly TimeProvider _time;
    private readonly ILogger<PasswordGrantSession> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private string? _accessToken;
    private string? _refreshToken;
    private DateTimeOffset _expiresAt;
    private TimeSpan _margin = s_refreshMargin;

    public PasswordGrantSession(
        IHttpClientFactory httpFactory, string username, string password, TimeProvider time,
        ILogger<PasswordGrantSession> logger)
    {
        _httpFactory = httpFactory;
        _username = username;
        _password = password;
        _time = time;
        _logger = logger;
    }

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

            if (_refreshToken is { } refresh)
            {
                _refreshToken = null;
                var refreshed = await RequestTokenAsync(
                    [new("grant_type", "refresh_token"), new("refresh_token", refresh)],
                    tolerateRefusal: true, cancellationToken).ConfigureAwait(false);
                if (refreshed is not null)
                {
                    LogRefreshed(_logger);
                    return refreshed;
                }

                // Secret Server limits how often a session may be refreshed; then sign in afresh.
                LogRefreshRefused(_logger);
            }

            var signedIn = await RequestTokenAsync(
                [new("grant_type", "password"), new("username", _username), new("password", _password)],
                tolerateRefusal: false, cancellationToken).ConfigureAwait(false);
            LogSignedIn(_logger, _username);
            return signedIn!;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate(string token)
    {
        if (_accessToken == token)
        {
            _accessToken = null;
        }
    }

    public void Dispose() => _gate.Dispose();

    private string? CurrentToken()
    {
        var token = _accessToken;
        return token is not null && _time.GetUtcNow() < _expiresAt - _margin ? token : null;
    }

    private async Task<string?> RequestTokenAsync(
        KeyValuePair<string, string>[] form, bool tolerateRefusal, CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(SecretServerClient.HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

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
                $"Secret Server refused the sign-in for user '{_username}'"
                + (string.IsNullOrWhiteSpace(error) ? "." : $": {Shorten(error)}.")
                + " Check the user name, password and whether the account may use the API.");
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
        return token.AccessToken;
    }

    private static string Shorten(string text) => text.Length <= 160 ? text : text[..160] + "…";

    [LoggerMessage(Level = LogLevel.Information, Message = "Signed in to Secret Server as {Username}")]
    private static partial void LogSignedIn(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Refreshed the Secret Server session")]
    private static partial void LogRefreshed(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret Server refused the refresh token; signing in again")]
    private static partial void LogRefreshRefused(ILogger logger);
}
