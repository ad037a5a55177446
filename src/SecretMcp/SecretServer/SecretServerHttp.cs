using System.Net;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Polly.Timeout;

namespace SecretMcp.SecretServer;

/// <summary>
/// What every request to Secret Server shares, token grants included: transport failures turned into
/// safe messages, and answers that are not the API (a redirect, an HTML page) recognised as such.
/// No message quotes a header, a body or an exception text that could hold one.
/// </summary>
internal static class SecretServerHttp
{
    /// <summary>Secret Server's exact 403 message for a revoked or expired token (reference section 4).</summary>
    public const string StaleTokenMessage = "Authentication failed or expired token.";

    public static async Task<HttpResponseMessage> SendAsync(
        HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var where = Describe(http.BaseAddress);
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e) when (FindInner<UntrustedServerCertificateException>(e) is { } untrusted)
        {
            throw new SecretServerConfigurationException(
                $"Cannot connect to Secret Server at {where}: {untrusted.Message}", e);
        }
        catch (HttpRequestException e)
        {
            throw e.HttpRequestError switch
            {
                HttpRequestError.SecureConnectionError => new SecretServerConfigurationException(
                    $"The TLS handshake with Secret Server at {where} failed; check the base URL's scheme and port.",
                    e),
                HttpRequestError.NameResolutionError => new SecretServerUnavailableException(
                    $"The host name of Secret Server at {where} cannot be resolved; check the base URL and the network.",
                    e),
                HttpRequestError.ProxyTunnelError => new SecretServerUnavailableException(
                    $"The proxy refused to connect to Secret Server at {where}; check HTTPS_PROXY and NO_PROXY.", e),
                HttpRequestError.ResponseEnded => new SecretServerUnavailableException(
                    $"Secret Server at {where} cut its answer off, even after retrying; try again in a moment.", e),
                _ => new SecretServerUnavailableException(
                    $"Secret Server at {where} did not answer ({e.HttpRequestError}); check that it is running and "
                    + "reachable.", e),
            };
        }
        catch (TimeoutRejectedException e)
        {
            throw new SecretServerUnavailableException(
                $"Secret Server at {where} did not answer in time (after {e.Timeout.TotalSeconds:0} seconds).", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretServerUnavailableException(
                $"Secret Server at {where} did not answer within {http.Timeout.TotalSeconds:0} seconds.", e);
        }
        catch (ResponseTooLargeException e)
        {
            throw new SecretServerUnavailableException($"Secret Server at {where}: {e.Message}", e);
        }
    }

    /// <summary>Refuses a redirect or an HTML page: Secret Server's API answers neither (case C01).</summary>
    public static void EnsureApiAnswer(HttpResponseMessage response, ReadOnlySpan<byte> body, Uri? baseAddress)
    {
        var status = (int)response.StatusCode;
        if (status is >= 300 and < 400)
        {
            var location = response.Headers.Location is { } target
                ? Describe(baseAddress is null ? target : new Uri(baseAddress, target))
                : "somewhere else";
            throw new SecretServerConfigurationException(
                $"Secret Server at {Describe(baseAddress)} answered with a redirect to {location} instead of its API. "
                + "The base URL is probably wrong (it should be the instance root, such as https://host/SecretServer "
                + "or https://tenant.secretservercloud.com), or a single sign-on login page is in front of it.");
        }

        if (LooksLikeHtml(response, body))
        {
            throw new SecretServerConfigurationException(HtmlAnswerMessage(baseAddress));
        }
    }

    public static string HtmlAnswerMessage(Uri? baseAddress) =>
        $"Secret Server at {Describe(baseAddress)} answered with an HTML page instead of its API. The base URL is "
        + "probably wrong (it should be the instance root, such as https://host/SecretServer or "
        + "https://tenant.secretservercloud.com), a login page or proxy answered in its place, or the account is "
        + "not allowed to use the API.";

    public static bool LooksLikeHtml(HttpResponseMessage response, ReadOnlySpan<byte> body)
    {
        if (response.Content.Headers.IsHtml())
        {
            return true;
        }

        // A file field is raw bytes and may well start with '<' (an XML file): never sniff those.
        if (response.Content.Headers.ContentType?.MediaType is "application/octet-stream")
        {
            return false;
        }

        var start = body.TrimStart(" \t\r\n\uFEFF"u8);
        return start.StartsWith("<"u8);
    }

    /// <summary>True for 401, and for the 403 whose message says the token was revoked or expired.</summary>
    public static bool IsStaleSession(HttpStatusCode status, byte[] body)
    {
        if (status == HttpStatusCode.Unauthorized)
        {
            return true;
        }

        // Any other 403 is a real refusal, not an expired session.
        return status == HttpStatusCode.Forbidden
            && string.Equals(
                Parse(body, SecretServerJsonContext.Default.ErrorWire)?.Message?.Trim(),
                StaleTokenMessage,
                StringComparison.OrdinalIgnoreCase);
    }

    public static T? Parse<T>(byte[] body, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, type);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>Scheme, host, port and path: what a message may say about a URL (no query, no user info).</summary>
    public static string Describe(Uri? uri) =>
        uri is null ? "(no base URL)" : $"{uri.Scheme}://{uri.Authority}{uri.AbsolutePath}";

    private static T? FindInner<T>(Exception e)
        where T : Exception
    {
        for (var current = e.InnerException; current is not null; current = current.InnerException)
        {
            if (current is T found)
            {
                return found;
            }
        }

        return null;
    }
}
