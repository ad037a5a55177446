using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace SecretMcp.SecretServer;

// The two writes secret-mcp makes: rotating a password after use, and filing an access request for
// a secret that requires approval. Writes are never replayed (shared/reference/secret-server-api.md
// section 4): a refused session fails the write, and the caller reports it.
public sealed partial class SecretServerClient
{
    /// <summary>
    /// Asks Secret Server to change the secret's password now, generating the new value itself
    /// (no newPassword is sent, so no value ever passes through this process).
    /// </summary>
    public async Task ChangePasswordAsync(int secretId, string comment, CancellationToken cancellationToken)
    {
        var uri = $"api/v1/secrets/{secretId.ToString(CultureInfo.InvariantCulture)}/change-password";
        using var response = await PostAsync(uri, new ChangePasswordWire { Comment = comment },
            SecretServerWorkflowJsonContext.Default.ChangePasswordWire, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, body, $"secret {secretId}", field: null);
    }

    /// <summary>Files an access request with the agent's reason; returns its id and status.</summary>
    public async Task<(int Id, string Status)> CreateAccessRequestAsync(
        int secretId, string comment, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var request = new AccessRequestWire
        {
            SecretId = secretId,
            RequestComment = comment,
            StartDate = now,
            ExpirationDate = now + duration,
        };
        using var response = await PostAsync("api/v1/secret-access-requests", request,
            SecretServerWorkflowJsonContext.Default.AccessRequestWire, cancellationToken).ConfigureAwait(false);
        var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
        EnsureSuccess(response, body, $"secret {secretId}", field: null);

        var created = Parse(body, SecretServerWorkflowJsonContext.Default.AccessRequestCreatedWire);
        if (created is null || created.SecretAccessRequestId <= 0)
        {
            throw new SecretServerUnavailableException(
                "Secret Server accepted the access request but did not return its id.");
        }

        return (created.SecretAccessRequestId, created.Status ?? "Pending");
    }

    private async Task<HttpResponseMessage> PostAsync<T>(
        string uri, T body, JsonTypeInfo<T> type, CancellationToken cancellationToken)
    {
        var http = _httpFactory.CreateClient(HttpClientName);
        var token = await _session.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        using var request = new HttpRequestMessage(HttpMethod.Post, uri)
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(body, type)),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        return await SendOrThrowAsync(http, request, cancellationToken).ConfigureAwait(false);
    }
}

internal sealed class ChangePasswordWire
{
    public string? Comment { get; init; }
}

internal sealed class AccessRequestWire
{
    public int SecretId { get; init; }

    public string? RequestComment { get; init; }

    public DateTimeOffset StartDate { get; init; }

    public DateTimeOffset ExpirationDate { get; init; }
}

internal sealed class AccessRequestCreatedWire
{
    public int SecretAccessRequestId { get; init; }

    public string? Status { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChangePasswordWire))]
[JsonSerializable(typeof(AccessRequestWire))]
[JsonSerializable(typeof(AccessRequestCreatedWire))]
internal sealed partial class SecretServerWorkflowJsonContext : JsonSerializerContext;
