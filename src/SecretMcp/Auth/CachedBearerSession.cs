using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>A Secret Server bearer, whom it stands for, and until when. Never shown or logged.</summary>
public sealed record BearerToken(string Value, DateTimeOffset ExpiresAt, string Who);

/// <summary>
/// The common part of the session providers that obtain a bearer from elsewhere: the token lives in
/// memory, one caller at a time fetches a new one (single flight), a token is replaced a while
/// before it expires, and a token Secret Server refused is replaced with a forced refresh.
/// </summary>
public abstract class CachedBearerSession : ISecretServerSession, IDisposable
{
    private static readonly TimeSpan s_refreshMargin = TimeSpan.FromSeconds(60);

    private readonly SemaphoreSlim _gate = new(1, 1);
    private BearerToken? _current;
    private DateTimeOffset _refreshAt;
    private bool _refused;

    protected CachedBearerSession(TimeProvider time)
    {
        Time = time;
    }

    protected TimeProvider Time { get; }

    /// <summary>The token in memory, for status; never print its value.</summary>
    public BearerToken? Current => _current;

    public async ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        (await GetTokenAsync(cancellationToken).ConfigureAwait(false)).Value;

    public async ValueTask<BearerToken> GetTokenAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } token)
        {
            return token;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Whoever waited behind the caller that fetched finds the new token here.
            if (Fresh() is { } fresh)
            {
                return fresh;
            }

            var afterRefusal = _refused;
            _refused = false;
            var acquired = await AcquireAsync(afterRefusal, cancellationToken).ConfigureAwait(false);

            var now = Time.GetUtcNow();
            var lifetime = acquired.ExpiresAt - now;
            _refreshAt = acquired.ExpiresAt - (lifetime < s_refreshMargin * 2 ? lifetime / 2 : s_refreshMargin);
            _current = acquired;
            return acquired;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Invalidate(string token)
    {
        if (_current?.Value == token)
        {
            _current = null;
            _refused = true;
        }
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Fetches a new bearer; <paramref name="afterRefusal"/>: Secret Server refused the last one.</summary>
    protected abstract Task<BearerToken> AcquireAsync(bool afterRefusal, CancellationToken cancellationToken);

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            _gate.Dispose();
        }
    }

    private BearerToken? Fresh()
    {
        var token = _current;
        return token is not null && Time.GetUtcNow() < _refreshAt ? token : null;
    }

    /// <summary>Reads an OAuth token response, or throws naming <paramref name="what"/> (never a token).</summary>
    internal static async Task<OAuthTokenWire> ReadTokenResponseAsync(
        HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        if (SecretServerHttp.LooksLikeHtml(response, body))
        {
            throw new NotSignedInException($"{what} answered with an HTML page instead of a token; check its URL.");
        }

        if ((int)response.StatusCode is 400 or 401 or 403)
        {
            var error = TryParse(body, AuthJsonContext.Default.OAuthErrorWire)?.Error;
            throw new NotSignedInException(
                $"{what} refused the sign-in ({Printable(error) ?? "HTTP " + (int)response.StatusCode}).");
        }

        if (!response.IsSuccessStatusCode)
        {
            throw new SecretServerUnavailableException(
                $"{what} answered HTTP {(int)response.StatusCode}; try again later.");
        }

        var token = TryParse(body, AuthJsonContext.Default.OAuthTokenWire);
        return string.IsNullOrEmpty(token?.AccessToken)
            ? throw new NotSignedInException($"{what} answered without an access token; check its URL.")
            : token;
    }

    internal static T? TryParse<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : System.Text.Json.JsonSerializer.Deserialize(body, type);
        }
        catch (System.Text.Json.JsonException)
        {
            return null;
        }
    }

    /// <summary>An OAuth error code is a short token of printable ASCII; anything else is not repeated.</summary>
    internal static string? Printable(string? code) =>
        code is { Length: > 0 and <= 64 } && code.All(c => c is >= ' ' and <= '~') ? code : null;

    /// <summary>Why a host could not be reached, naming it; an untrusted certificate says so.</summary>
    internal static string Unreachable(string what, Uri? uri, HttpRequestException e) =>
        e.HttpRequestError == HttpRequestError.SecureConnectionError
            ? $"{what} at {uri?.Authority} could not be reached securely ({e.HttpRequestError}): its TLS "
                + "certificate is probably not trusted here, or does not name that host. Trust the issuing CA on "
                + "this machine (for the dev vault, name its certificate in "
                + $"{AuthSettings.EnvironmentName("Auth:DevCertificate")})."
            : $"{what} at {uri?.Authority} did not answer ({e.HttpRequestError}).";

    internal static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, string what, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SecretServerUnavailableException(Unreachable(what, request.RequestUri, e), e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretServerUnavailableException(
                $"{what} at {request.RequestUri?.Authority} did not answer in time.", e);
        }
    }
}
