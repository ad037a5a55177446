using System.Text.Json;
using System.Text.Json.Serialization;

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
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new ChangePasswordWire { Comment = comment }, SecretServerWorkflowJsonContext.Default.ChangePasswordWire);
        await SendAsync(
                new ApiCall(HttpMethod.Post, $"api/v1/secrets/{Id(secretId)}/change-password", "the password change",
                    $"secret {Id(secretId)}", IsRead: false)
                {
                    Json = json,
                },
                cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Files an access request with the agent's reason; returns its id and status.</summary>
    public async Task<(int Id, string Status)> CreateAccessRequestAsync(
        int secretId, string comment, TimeSpan duration, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow;
        var json = JsonSerializer.SerializeToUtf8Bytes(
            new AccessRequestWire
            {
                SecretId = secretId,
                RequestComment = comment,
                StartDate = now,
                ExpirationDate = now + duration,
            },
            SecretServerWorkflowJsonContext.Default.AccessRequestWire);
        var created = await SendForJsonAsync(
                new ApiCall(HttpMethod.Post, "api/v1/secret-access-requests", "the access request",
                    $"secret {Id(secretId)}", IsRead: false)
                {
                    Json = json,
                },
                SecretServerWorkflowJsonContext.Default.AccessRequestCreatedWire,
                cancellationToken)
            .ConfigureAwait(false);
        if (created.SecretAccessRequestId <= 0)
        {
            throw new SecretServerUnavailableException(
                "Secret Server accepted the access request but did not return its id.");
        }

        return (created.SecretAccessRequestId, created.Status ?? "Pending");
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
