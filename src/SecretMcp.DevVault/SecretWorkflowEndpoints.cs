using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

/// <summary>
/// The workflow endpoints the policy code uses: changing a password with a value Secret Server
/// generates (rotation after use), and access requests for secrets that require approval
/// (shared/reference/secret-server-api.md section 5). Separate from the read endpoints on purpose.
/// </summary>
internal static class SecretWorkflowEndpoints
{
    /// <summary>
    /// Synthetic: Secret Server's errorCode for "requires approval" is not documented; this one
    /// follows the pattern of API_ValidateSecretAccessCommentRequired.
    /// </summary>
    public const string ApprovalRequiredCode = "API_ValidateSecretAccessApprovalRequired";

    public static void Map(IEndpointRouteBuilder app, VaultState state)
    {
        app.MapPost("/api/v1/secrets/{id}/change-password", context => WithBearerAsync(context, state, _ =>
            ChangePasswordAsync(context, state)));
        app.MapPost("/api/v1/secret-access-requests", context => WithBearerAsync(context, state, user =>
            CreateAccessRequestAsync(context, state, user)));
        app.MapGet("/api/v1/secret-access-requests/{requestId}", context => WithBearerAsync(context, state, _ =>
            GetAccessRequestAsync(context, state)));
    }

    /// <summary>True when the secret needs an approved access request that this user does not have.</summary>
    public static bool NeedsApproval(VaultState state, StoredSecret secret, string user) =>
        secret.RequiresApproval && !state.AccessRequests.IsApproved(secret.Id, user);

    public static Task WriteApprovalRequiredAsync(HttpContext context) =>
        WriteJsonAsync(context, 400,
            new WorkflowError
            {
                ErrorCode = ApprovalRequiredCode,
                Message = "The requested Secret requires approval for access.",
            },
            WorkflowJsonContext.Default.WorkflowError);

    private static async Task ChangePasswordAsync(HttpContext context, VaultState state)
    {
        if (!int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None, CultureInfo.InvariantCulture,
                out var id) || state.FindById(id) is null)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        var args = await ReadJsonAsync(context, WorkflowJsonContext.Default.ChangePasswordArgs).ConfigureAwait(false);
        var next = args?.NewPassword is { Length: > 0 } given ? Encoding.UTF8.GetBytes(given) : GeneratePassword();
        var changed = state.ChangePassword(id, next);
        if (changed is null)
        {
            // Synthetic wording: the real answer for a secret without a password field is not documented.
            await WriteJsonAsync(context, 400,
                new WorkflowError
                {
                    ErrorCode = "API_PasswordFieldNotFound",
                    Message = "The secret has no password field.",
                },
                WorkflowJsonContext.Default.WorkflowError).ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(context, 200, new ChangePasswordResult { Id = changed.Id, Name = changed.Name },
            WorkflowJsonContext.Default.ChangePasswordResult).ConfigureAwait(false);
    }

    private static async Task CreateAccessRequestAsync(HttpContext context, VaultState state, string user)
    {
        var args = await ReadJsonAsync(context, WorkflowJsonContext.Default.AccessRequestArgs).ConfigureAwait(false);
        if (args is null || state.FindById(args.SecretId) is null)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        var request = state.AccessRequests.Create(args.SecretId, user, args.RequestComment ?? "");
        await WriteJsonAsync(context, 200, request.ToResponse(), WorkflowJsonContext.Default.AccessRequestResponse)
            .ConfigureAwait(false);
    }

    private static async Task GetAccessRequestAsync(HttpContext context, VaultState state)
    {
        if (!int.TryParse(context.Request.RouteValues["requestId"] as string, NumberStyles.None,
                CultureInfo.InvariantCulture, out var id) || state.AccessRequests.Find(id) is not { } request)
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
        const string alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789!#%+-=@_";
        return Encoding.ASCII.GetBytes(RandomNumberGenerator.GetString(alphabet, 24));
    }

    private static async Task WithBearerAsync(HttpContext context, VaultState state, Func<string, Task> next)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var check = state.CheckAccessToken(token);
        if (check.Status == TokenStatus.Valid)
        {
            await next(check.Username!).ConfigureAwait(false);
            return;
        }

        context.Response.StatusCode = check.Status == TokenStatus.Expired ? 403 : 401;
    }

    private static async Task<T?> ReadJsonAsync<T>(HttpContext context, JsonTypeInfo<T> type)
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

    private static Task WriteAccessDeniedAsync(HttpContext context) =>
        WriteJsonAsync(context, 400, new WorkflowError { ErrorCode = "API_AccessDenied", Message = "Access Denied" },
            WorkflowJsonContext.Default.WorkflowError);

    private static async Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, type, context.RequestAborted)
            .ConfigureAwait(false);
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

    public bool IsApproved(int secretId, string user) =>
        _requests.Values.Any(r => r.SecretId == secretId && r.User == user && r.Status == "Approved");
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

internal sealed class WorkflowError
{
    public string? ErrorCode { get; init; }

    public string? Message { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(ChangePasswordArgs))]
[JsonSerializable(typeof(ChangePasswordResult))]
[JsonSerializable(typeof(AccessRequestArgs))]
[JsonSerializable(typeof(AccessRequestResponse))]
[JsonSerializable(typeof(WorkflowError))]
internal sealed partial class WorkflowJsonContext : JsonSerializerContext;
