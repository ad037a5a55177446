using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;
using SecretMcp.Auth;

namespace SecretMcp.SecretServer;

/// <summary>
/// Typed access to the Secret Server REST API: resolve a secret by id, path or exact name; list and
/// describe secrets without their values; read one field, with the caller's reason as the audit
/// comment, checking the secret out and in when it must be. A read is replayed once after Secret
/// Server refuses a stale session; a write (check-out, check-in) never is. Transport retries live
/// in <see cref="SecretServerTransport"/>.
/// </summary>
public sealed partial class SecretServerClient
{
    public const string HttpClientName = "secret-server";

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

    private static string Id(int id) => id.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Sends one API call with the session's bearer. A stale session (401, or the exact stale-token
    /// 403) is replayed once with a new session when the call is a read; a write is never repeated.
    /// </summary>
    private async Task<ApiAnswer> SendAsync(ApiCall call, CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(HttpClientName);
        for (var attempt = 1; ; attempt++)
        {
            var token = await _session.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            using var request = new HttpRequestMessage(call.Method, call.Uri);
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
            var json = call.Body is not null
                ? JsonSerializer.SerializeToUtf8Bytes(call.Body, SecretServerJsonContext.Default.RestrictedArgsWire)
                : call.Json;
            if (json is not null)
            {
                request.Content = new ByteArrayContent(json);
                request.Content.Headers.ContentType =
                    new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
            }

            using var response = await SecretServerHttp.SendAsync(http, request, cancellationToken)
                .ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;

            if (SecretServerHttp.IsStaleSession(response.StatusCode, body))
            {
                _session.Invalidate(token);
                if (call.IsRead && attempt == 1)
                {
                    LogStaleSession(_logger, status, call.Operation);
                    continue;
                }

                throw new NotSignedInException(call.IsRead
                    ? "Secret Server refused the session even after signing in again; ask the user to check "
                      + "the account (secret-mcp status) and that it may use the API."
                    : $"Secret Server's session expired during {call.Operation}; it was not repeated because it "
                      + "changes the secret's state. Try again.");
            }

            SecretServerHttp.EnsureApiAnswer(response, body, http.BaseAddress);
            if (!response.IsSuccessStatusCode)
            {
                LogRequestFailed(_logger, call.Operation, status);
                throw MapError(status, SecretServerHttp.Parse(body, SecretServerJsonContext.Default.ErrorWire), call);
            }

            return new ApiAnswer(body, response.Content.Headers.ContentType?.MediaType);
        }
    }

    private async Task<T> SendForJsonAsync<T>(
        ApiCall call, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type, CancellationToken cancellationToken)
        where T : class
    {
        var answer = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        return SecretServerHttp.Parse(answer.Body, type)
            ?? throw new SecretServerUnavailableException(
                $"Secret Server answered {call.Operation} with something that is not the expected JSON.")
            {
                UnexpectedAnswer = true,
            };
    }

    /// <summary>
    /// Secret Server's refusals as a small set of exceptions. Observed error codes are matched
    /// exactly; for the ones the reference could not pin down (approval, check-out) the client
    /// looks for the word, so an unknown sibling of a known code still lands in the right place.
    /// </summary>
    private static SecretServerException MapError(int status, ErrorWire? error, ApiCall call)
    {
        var code = error?.ErrorCode ?? "";
        var what = call.Subject;

        if (code.Contains("CommentRequired", StringComparison.OrdinalIgnoreCase))
        {
            return new SecretRequiresCommentException(
                $"{what} requires a reason when viewed: call again with reason (it is recorded in Secret Server's "
                + "audit log).");
        }

        if (code.Contains("Approval", StringComparison.OrdinalIgnoreCase)
            || code.Contains("AccessRequest", StringComparison.OrdinalIgnoreCase))
        {
            return new SecretRequiresApprovalException(ApprovalMessage(what));
        }

        if (code.Contains("CheckedOut", StringComparison.OrdinalIgnoreCase)
            || code.Contains("CheckOut", StringComparison.OrdinalIgnoreCase))
        {
            return new SecretCheckedOutException(
                $"{what} is checked out by another user; wait until it is checked in, then try again.");
        }

        if (call.Field is not null && code.Contains("Field", StringComparison.OrdinalIgnoreCase))
        {
            return new FieldNotFoundException($"{what} has no field '{call.Field}'.");
        }

        if (code == "API_AccessDenied" || status == 404)
        {
            return new SecretNotFoundException(NotFoundMessage(what));
        }

        if (code.Contains("AccessDenied", StringComparison.OrdinalIgnoreCase) || status == 403)
        {
            return new SecretAccessDeniedException($"This account may not access {what} ({SafeCode(code, status)}).");
        }

        if (status == 401)
        {
            return new NotSignedInException("Secret Server refused the session; ask the user to sign in again.");
        }

        return status is 408 or 429 or >= 500
            ? new SecretServerUnavailableException(
                $"Secret Server is unavailable (HTTP {status}) and stayed so after retrying; try again in a moment.")
            : new SecretServerUnavailableException(
                $"Secret Server refused {call.Operation} for {what} ({SafeCode(code, status)}).")
            {
                UnexpectedAnswer = true,
            };
    }

    internal static string ApprovalMessage(string what) =>
        $"{what} requires approval: request access to it in Secret Server (the secret's page, Request Access) "
        + "and try again once the request is approved.";

    /// <summary>An error code is quoted only when it looks like one; the server's free text never is.</summary>
    private static string SafeCode(string code, int status) =>
        SafeCodePattern().IsMatch(code) ? $"HTTP {status}, {code}" : $"HTTP {status}";

    [GeneratedRegex("^[A-Za-z0-9_]{1,64}$")]
    private static partial Regex SafeCodePattern();

    /// <summary>One API call: what it is for messages, and whether it may be replayed.</summary>
    private sealed record ApiCall(HttpMethod Method, string Uri, string Operation, string Subject, bool IsRead)
    {
        public RestrictedArgsWire? Body { get; init; }

        /// <summary>Any other request body, already serialized (the workflow writes).</summary>
        public byte[]? Json { get; init; }

        public string? Field { get; init; }

        public static ApiCall Get(string uri, string operation, string subject) =>
            new(HttpMethod.Get, uri, operation, subject, IsRead: true);
    }

    private sealed record ApiAnswer(byte[] Body, string? MediaType);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Secret Server refused the session (HTTP {Status}) during {Operation}; signing in again and retrying once")]
    private static partial void LogStaleSession(ILogger logger, int status, string operation);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Secret Server answered {Operation} with HTTP {Status}")]
    private static partial void LogRequestFailed(ILogger logger, string operation, int status);
}
