using System.Net.Http.Headers;
using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// token-exchange: the MSAL access token is exchanged (RFC 8693) for a Secret Server bearer at an
/// endpoint the organisation runs. Secret Server itself offers no such endpoint today; the broker
/// holds the trust between the identity provider and Secret Server.
/// </summary>
public sealed partial class TokenExchangeSession : CachedBearerSession
{
    public const string HttpClientName = "secret-mcp-identity";

    private const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";

    private readonly IdentityClient _identity;
    private readonly IHttpClientFactory _httpFactory;
    private readonly AuthSettings _settings;
    private readonly ILogger<TokenExchangeSession> _logger;

    public TokenExchangeSession(
        IdentityClient identity, IHttpClientFactory httpFactory, AuthSettings settings, TimeProvider time,
        ILogger<TokenExchangeSession> logger)
        : base(time)
    {
        _identity = identity;
        _httpFactory = httpFactory;
        _settings = settings;
        _logger = logger;
    }

    protected override async Task<BearerToken> AcquireAsync(bool afterRefusal, CancellationToken cancellationToken)
    {
        var subject = await _identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await ExchangeAsync(subject, cancellationToken).ConfigureAwait(false);
        }
        catch (NotSignedInException) when (!afterRefusal)
        {
            // The broker may have refused a subject token the identity provider already revoked:
            // one more try with a token refreshed at the provider.
            LogRetry(_logger);
            _identity.Invalidate(subject.AccessToken);
            subject = await _identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            return await ExchangeAsync(subject, cancellationToken).ConfigureAwait(false);
        }
    }

    private async Task<BearerToken> ExchangeAsync(IdentityToken subject, CancellationToken cancellationToken)
    {
        var form = new List<KeyValuePair<string, string>>
        {
            new("grant_type", ExchangeGrant),
            new("subject_token", subject.AccessToken),
            new("subject_token_type", AccessTokenType),
            new("requested_token_type", AccessTokenType),
        };
        if (_settings.TokenExchangeAudience is { } audience)
        {
            form.Add(new("audience", audience));
        }

        using var request = new HttpRequestMessage(HttpMethod.Post, _settings.TokenExchangeEndpoint)
        {
            Content = new FormUrlEncodedContent(form),
        };
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

        var http = _httpFactory.CreateClient(HttpClientName);
        const string What = "The token exchange";
        using var response = await SendAsync(http, request, What, cancellationToken).ConfigureAwait(false);
        var token = await ReadTokenResponseAsync(response, What, cancellationToken).ConfigureAwait(false);

        LogExchanged(_logger, subject.Username);
        var expires = Time.GetUtcNow().AddSeconds(Math.Max(token.ExpiresIn, 1));
        return new BearerToken(token.AccessToken!, expires, subject.Username);
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Exchanged the sign-in of {Username} for a Secret Server session")]
    private static partial void LogExchanged(ILogger logger, string username);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "The token exchange refused the sign-in; refreshing it and trying once more")]
    private static partial void LogRetry(ILogger logger);
}
