using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

/// <summary>
/// The Secret Server REST endpoints of the reference's section 6, with its JSON shapes and status
/// codes. Handlers take the raw HttpContext so the vault needs neither reflection nor the
/// request-delegate generator (Native AOT). Where Secret Server's real error code or wording is not
/// known, the text here is marked INVENTED, so no client hard-codes it as if it were real.
/// </summary>
internal static partial class SecretServerEndpoints
{
    public const string StaleTokenMessage = "Authentication failed or expired token.";

    // INVENTED error codes: the reference found no real code for these situations (section 4 and
    // section 7, question 2). They follow the observed API_ValidateSecretAccess... naming.
    internal const string InventedApprovalRequired = "API_ValidateSecretAccessApprovalRequired";
    internal const string InventedCheckOutRequired = "API_ValidateSecretAccessCheckOutRequired";
    internal const string InventedCheckedOutByOther = "API_SecretCheckedOutByAnotherUser";
    internal const string InventedCheckOutNotEnabled = "API_CheckOutNotEnabled";
    internal const string InventedFieldNotFound = "API_FieldNotFound";

    public static void Map(IEndpointRouteBuilder app, VaultState state)
    {
        MapSession(app, state);
        MapSecrets(app, state);
        MapSearch(app, state);
        MapFolders(app, state);
        MapWorkflows(app, state);
    }

    /// <summary>Runs <paramref name="next"/> for a valid bearer: 401 when unknown, 403 when expired.</summary>
    private static async Task WithUserAsync(HttpContext context, VaultState state, Func<VaultUser, Task> next)
    {
        var token = BearerOf(context);
        var check = state.CheckAccessToken(token);
        switch (check.Status)
        {
            // A token vouched for by another issuer for a user the vault does not know is no session.
            case TokenStatus.Valid when state.FindUser(check.Username!) is { } user:
                await next(user).ConfigureAwait(false);
                break;
            case TokenStatus.Expired:
                await WriteJsonAsync(context, 403, new ApiError { Message = StaleTokenMessage },
                    DevVaultJsonContext.Default.ApiError).ConfigureAwait(false);
                break;
            default:
                // The real 401 body is not pinned down; an empty body keeps clients honest.
                context.Response.StatusCode = 401;
                break;
        }
    }

    /// <summary>
    /// Runs <paramref name="next"/> for the secret named by the route's id (or id 0 plus
    /// <c>secretPath</c>) when the user holds at least <paramref name="needed"/> on it. Anything else
    /// is Secret Server's one answer for "missing" and "not allowed" alike: 400 API_AccessDenied.
    /// </summary>
    private static Task WithSecretAsync(
        HttpContext context, VaultState state, SeedPermission needed, Func<VaultUser, StoredSecret, Task> next) =>
        WithUserAsync(context, state, user =>
        {
            var secret = FindSecret(context, state);
            if (secret is null || state.PermissionOf(secret, user.Username) < needed
                || (!secret.Active && !GetBool(context, "includeInactive")))
            {
                return WriteAccessDeniedAsync(context);
            }

            return next(user, secret);
        });

    internal static string? BearerOf(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
    }

    private static StoredSecret? FindSecret(HttpContext context, VaultState state)
    {
        if (!int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None,
                CultureInfo.InvariantCulture, out var id))
        {
            return null;
        }

        return id == 0 ? state.FindByPath(GetQuery(context, "secretPath")) : state.FindById(id);
    }

    /// <summary>Secret Server binds query keys case-insensitively; some clients prefix them with <c>paging.</c>.</summary>
    private static string? GetQuery(HttpContext context, string key)
    {
        foreach (var (name, value) in context.Request.Query)
        {
            var bare = name.StartsWith("paging.", StringComparison.OrdinalIgnoreCase) ? name[7..] : name;
            if (string.Equals(bare, key, StringComparison.OrdinalIgnoreCase))
            {
                return value.ToString();
            }
        }

        return null;
    }

    private static bool GetBool(HttpContext context, string key) =>
        bool.TryParse(GetQuery(context, key), out var value) && value;

    private static int? GetInt(HttpContext context, string key) =>
        int.TryParse(GetQuery(context, key), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;

    private static Task WriteAccessDeniedAsync(HttpContext context) =>
        WriteErrorAsync(context, "API_AccessDenied", "Access Denied");

    private static Task WriteCommentRequiredAsync(HttpContext context) =>
        WriteErrorAsync(context, "API_ValidateSecretAccessCommentRequired",
            "The requested Secret requires a comment when viewed.");

    private static Task WriteErrorAsync(HttpContext context, string errorCode, string message) =>
        WriteJsonAsync(context, 400, new ApiError { ErrorCode = errorCode, Message = message },
            DevVaultJsonContext.Default.ApiError);

    private static Task WriteInvalidRequestAsync(HttpContext context, string problem) =>
        WriteJsonAsync(context, 400,
            new InvalidRequestResponse { ModelState = new Dictionary<string, List<string>> { ["args"] = [problem] } },
            DevVaultJsonContext.Default.InvalidRequestResponse);

    internal static async Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, type, context.RequestAborted)
            .ConfigureAwait(false);
    }

    private static string Iso(DateTimeOffset at) =>
        at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fff", CultureInfo.InvariantCulture);
}
