using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

// The workflow endpoints the policy code uses: changing a password with a value Secret Server
// generates (rotation after use), and access requests for secrets that require approval
// (shared/reference/secret-server-api.md section 5). Filing a request does not approve it: the
// seed's approvedUsers are the ones who may read a secret that requires approval.
internal static partial class SecretServerEndpoints
{
    private static void MapWorkflows(IEndpointRouteBuilder app, VaultState state)
    {
        // Secret Server wants Edit to change a password; a secret without permissions lets anyone view it,
        // and here also rotate it, so the sample secrets can be rotated.
        app.MapPost("/api/v1/secrets/{id}/change-password", context => WithSecretAsync(context, state,
            SeedPermission.View, (user, secret) => ChangePasswordAsync(context, state, user, secret)));
        app.MapPost("/api/v1/secret-access-requests", context => WithUserAsync(context, state, user =>
            CreateAccessRequestAsync(context, state, user)));
        app.MapGet("/api/v1/secret-access-requests/{requestId}", context => WithUserAsync(context, state, user =>
            GetAccessRequestAsync(context, state, user)));
    }

    private static async Task ChangePasswordAsync(
        HttpContext context, VaultState state, VaultUser user, StoredSecret secret)
    {
        if (secret.Permissions is not null && state.PermissionOf(secret, user.Username) < SeedPermission.Edit)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        var args = await ReadWorkflowJsonAsync(context, WorkflowJsonContext.Default.ChangePasswordArgs)
            .ConfigureAwait(false);
        var next = args?.NewPassword is { Length: > 0 } given ? Encoding.UTF8.GetBytes(given) : GeneratePassword();
        if (!state.ChangePassword(secret, next))
        {
            // INVENTED wording: the real answer for a secret without a password field is not documented.
            await WriteErrorAsync(context, "API_PasswordFieldNotFound", "INVENTED: The secret has no password field.")
                .ConfigureAwait(false);
            return;
        }

        state.Audit(secret, user.Username, "CHANGE PASSWORD", args?.Comment, null);
        await WriteJsonAsync(context, 200, new ChangePasswordResult { Id = secret.Id, Name = secret.Name },
            WorkflowJsonContext.Default.ChangePasswordResult).ConfigureAwait(false);
    }

    private static async Task CreateAccessRequestAsync(HttpContext context, VaultState state, VaultUser user)
    {
        var args = await ReadWorkflowJsonAsync(context, WorkflowJsonContext.Default.AccessRequestArgs)
            .ConfigureAwait(false);
        if (args is null || state.FindById(args.SecretId) is not { } secret
            || state.PermissionOf(secret, user.Username) < SeedPermission.List)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        var request = state.AccessRequests.Create(args.SecretId, user.Username, args.RequestComment ?? "");
        await WriteJsonAsync(context, 200, request.ToResponse(), WorkflowJsonContext.Default.AccessRequestResponse)
            .ConfigureAwait(false);
    }

    private static async Task GetAccessRequestAsync(HttpContext context, VaultState state, VaultUser user)
    {
        if (!int.TryParse(context.Request.RouteValues["requestId"] as string, System.Globalization.NumberStyles.None,
                System.Globalization.CultureInfo.InvariantCulture, out var id)
            || state.AccessRequests.Find(id) is not { } request
            || !string.Equals(request.User, user.Username, StringComparison.OrdinalIgnoreCase))
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, request.ToResponse(), WorkflowJsonContext.Default.AccessRequestResponse)
            .ConfigureAwait(false);
    }

    /// <summary>A new value as Secret Server's generator makes one: random, printable, unseen by the client.</summary>
    private static byte[] GeneratePassword()
    {
        const string Alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=@_";
        return Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString(Alphabet, 24));
    }

    private static async Task<T?> ReadWorkflowJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type)
        where T : class
    {
        try
        {
            return await JsonSerializer.DeserializeAsync(context.Request.Body, type, context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Access requests filed in the dev vault. They stay pending: no approver works here.</summary>
internal sealed class AccessRequestStore
{
    private readonly ConcurrentDictionary<int, StoredAccessRequest> _requests = new();
    private int _nextId = 500;

    public StoredAccessRequest Create(int secretId, string user, string comment)
    {
        var request = new StoredAccessRequest(Interlocked.Increment(ref _nextId), secretId, user, comment, "Pending");
        _requests[request.Id] = request;
        return request;
    }

    public StoredAccessRequest? Find(int id) => _requests.GetValueOrDefault(id);

    public int Count => _requests.Count;
}

internal sealed record StoredAccessRequest(int Id, int SecretId, string User, string Comment, string Status)
{
    public AccessRequestResponse ToResponse() => new()
    {
        SecretAccessRequestId = Id,
        SecretId = SecretId,
        RequestComment = Comment,
        Status = Status,
        StatusDescription = Status,
    };
}

internal sealed class ChangePasswordArgs
{
    public string? NewPassword { get; init; }

    public string? Comment { get; init; }
}

internal sealed class ChangePasswordResult
{
    public int Id { get; init; }

    public string Name { get; init; } = "";
}

internal sealed class AccessRequestArgs
{
    public int SecretId { get; init; }

    public string? RequestComment { get; init; }
}

internal sealed class AccessRequestResponse
{
    public int SecretAccessRequestId { get; init; }

    public int SecretId { get; init; }

    public string RequestComment { get; init; } = "";

    public string Status { get; init; } = "";

    public string StatusDescription { get; init; } = "";
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChangePasswordArgs))]
[JsonSerializable(typeof(ChangePasswordResult))]
[JsonSerializable(typeof(AccessRequestArgs))]
[JsonSerializable(typeof(AccessRequestResponse))]
internal sealed partial class WorkflowJsonContext : JsonSerializerContext;
