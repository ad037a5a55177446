using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.Extensions.Logging;
using SecretMcp.Auth;

namespace SecretMcp.SecretServer;

/// <summary>
/// Typed access to the Secret Server REST API: resolve a secret, read one field. Reads are replayed
/// once after Secret Server rejects a stale session; nothing else is retried here.
/// </summary>
public sealed partial class SecretServerClient
{
    public const string HttpClientName = "secret-server";

    private const string StaleTokenMessage = "Authentication failed or expired token.";

    private readonly IHttpClientFactory _httpFactory;
    private readonly ISecretServerSession _session;
    private readonly ILogger<SecretServerClient> _logger;

    public SecretServerClient(
        IHttpClientFactory httpFactory, ISecretServerSession session, ILogger<SecretServerClient> logger)
    {
        _httpFactory = httpFactory;
        _session = session;
        _logger = logger;
    }

    /// <summary>Names, template and fields of a secret; no values.</summary>
    public async Task<SecretMetadata> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        var uri = reference.Id is { } id
            ? $"api/v1/secrets/{id.ToString(CultureInfo.InvariantCulture)}"
            : $"api/v1/secrets/0?secretPath={Uri.EscapeDataString(reference.Path!)}";

        using var response = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, body, $"secret '{reference.Label}'", field: null);

        var wire = Parse(body, SecretServerJsonContext.Default.SecretWire)
            ?? throw new SecretServerUnavailableException("Secret Server answered with an empty secret.");
        var fields = (wire.Items ?? [])
            .Where(i => !string.IsNullOrEmpty(i.Slug))
            .Select(i => new FieldMetadata(i.Slug!, i.FieldName ?? i.Slug!, i.IsPassword, i.IsFile, i.IsNotes))
            .ToList();
        return new SecretMetadata(
            wire.Id, wire.Name ?? "", wire.FolderId, wire.SecretTemplateName ?? "", fields,
            wire.RequiresComment, wire.CheckOutEnabled);
    }

    /// <summary>
    /// The bytes of one field: a text field arrives as a JSON string literal and is returned as
    /// UTF-8; a file field arrives as raw bytes.
    /// </summary>
    public async Task<byte[]> ReadFieldAsync(int secretId, string slug, CancellationToken cancellationToken)
    {
        var uri = $"api/v1/secrets/{secretId.ToString(CultureInfo.InvariantCulture)}/fields/{Uri.EscapeDataString(slug)}";
        using var response = await GetAsync(uri, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, body, $"secret {secretId}", slug);

        if (response.Content.Headers.ContentType?.MediaType is "application/octet-stream")
        {
            return body;
        }

        string? text;
        try
        {
            text = JsonSerializer.Deserialize(body, SecretServerJsonContext.Default.String);
        }
        catch (JsonException)
        {
            // The parser's message could quote part of the body, which is the value: say nothing of it.
            throw new SecretServerUnavailableException(
                "Secret Server answered the field read with something that is not a JSON string.");
        }

        return Encoding.UTF8.GetBytes(text ?? "");
    }

    internal static async Task<HttpResponseMessage> SendOrThrowAsync(
        HttpClient http, HttpRequestMessage request, CancellationToken cancellationToken)
    {
        try
        {
            return await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpRequestException e)
        {
            throw new SecretServerUnavailableException(
                $"Secret Server at {http.BaseAddress?.Authority} did not answer ({e.HttpRequestError}); "
                + "check that it is running and reachable.", e);
        }
        catch (TaskCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SecretServerUnavailableException(
                $"Secret Server at {http.BaseAddress?.Authority} did not answer within "
                + $"{http.Timeout.TotalSeconds:0} seconds.", e);
        }
    }

    internal static bool LooksLikeHtml(HttpResponseMessage response, ReadOnlySpan<byte> body)
    {
        if (response.Content.Headers.ContentType?.MediaType is "text/html")
        {
            return true;
        }

        var start = body.TrimStart(" \t\r\n"u8);
        return start.StartsWith("<"u8);
    }

    internal static string HtmlAnswerMessage(Uri? baseAddress) =>
        $"Secret Server at {baseAddress} answered with an HTML page instead of its API. The base URL is probably "
        + "wrong (it should be the instance root, such as https://host/SecretServer), or a login page or proxy "
        + "answered in its place, or the account is not allowed to use the API.";

    /// <summary>A GET with the session's bearer; one replay with a new session after a stale-token refusal.</summary>
    private async Task<HttpResponseMessage> GetAsync(string uri, CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var token = await _session.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));

            var response = await SendOrThrowAsync(http, request, cancellationToken).ConfigureAwait(false);
            if (attempt == 1 && await IsStaleSessionAsync(response, cancellationToken).ConfigureAwait(false))
            {
                LogStaleSession(_logger, (int)response.StatusCode);
                response.Dispose();
                _session.Invalidate(token);
                continue;
            }

            return response;
        }
    }

    private static async Task<bool> IsStaleSessionAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            return true;
        }

        if (response.StatusCode != HttpStatusCode.Forbidden)
        {
            return false;
        }

        // Any other 403 is a real refusal, not an expired session.
        await response.Content.LoadIntoBufferAsync(cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        return Parse(body, SecretServerJsonContext.Default.ErrorWire)?.Message == StaleTokenMessage;
    }

    private void EnsureSuccess(HttpResponseMessage response, byte[] body, string what, string? field)
    {
        if (LooksLikeHtml(response, body))
        {
            throw new SecretServerUnavailableException(HtmlAnswerMessage(_httpFactory.CreateClient(HttpClientName).BaseAddress));
        }

        if (response.IsSuccessStatusCode)
        {
            return;
        }

        var status = (int)response.StatusCode;
        LogRequestFailed(_logger, status);
        var error = Parse(body, SecretServerJsonContext.Default.ErrorWire);
        switch (error?.ErrorCode)
        {
            case "API_AccessDenied":
                throw new SecretNotFoundException(
                    $"{what} was not found, or this account may not read it. Check the id or path "
                    + "(search_secrets lists what you can use).");
            case "API_ValidateSecretAccessCommentRequired":
                throw new SecretRequiresCommentException(
                    $"{what} requires a comment when viewed: call again with a reason.");
            case "API_FieldNotFound":
                throw new FieldNotFoundException($"{what} has no field '{field}'.");
            case { } code when code.StartsWith("API_ValidateSecretAccess", StringComparison.Ordinal)
                && code.Contains("Approval", StringComparison.OrdinalIgnoreCase):
                // Secret Server's code for this is not documented; the dev vault's is invented to match.
                throw new SecretRequiresApprovalException(
                    $"{what} requires approval in Secret Server before it can be read (Secret Server's own "
                    + "access-request workflow).");
        }

        if (status is 401 or 403)
        {
            throw new NotSignedInException(
                "Secret Server refused the session even after signing in again; ask the user to run "
                + "'secret-mcp login' or check the account's permissions.");
        }

        throw new SecretServerUnavailableException(
            status >= 500 || status is 408 or 429
                ? $"Secret Server is unavailable (HTTP {status}); try again in a moment."
                : $"Secret Server answered HTTP {status} for {what}.");
    }

    private static T? Parse<T>(byte[] body, JsonTypeInfo<T> type)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Secret Server refused the session (HTTP {Status}); signing in again and retrying once")]
    private static partial void LogStaleSession(ILogger logger, int status);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Secret Server request failed with HTTP {Status}")]
    private static partial void LogRequestFailed(ILogger logger, int status);
}
