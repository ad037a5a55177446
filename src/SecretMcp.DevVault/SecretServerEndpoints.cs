using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

/// <summary>
/// The Secret Server REST endpoints the client relies on. Handlers take the raw HttpContext so the
/// vault needs neither reflection nor the request-delegate generator (Native AOT).
/// </summary>
internal static class SecretServerEndpoints
{
    private const string StaleTokenMessage = "Authentication failed or expired token.";

    public static void Map(IEndpointRouteBuilder app, VaultState state)
    {
        app.MapPost("/oauth2/token", context => TokenAsync(context, state));
        app.MapGet("/api/v1/healthcheck", context => WriteJsonAsync(context, 200, new HealthResponse(),
            DevVaultJsonContext.Default.HealthResponse));
        app.MapGet("/api/v1/version", context => WithUserAsync(context, state, _ =>
            WriteJsonAsync(context, 200, new VersionResponse { Version = "11.7.2" },
                DevVaultJsonContext.Default.VersionResponse)));

        foreach (var version in new[] { "v1", "v2" })
        {
            app.MapGet($"/api/{version}/secrets/{{id}}", context => WithUserAsync(context, state, user =>
                GetSecretAsync(context, state, user)));
        }

        app.MapGet("/api/v1/secrets/{id}/fields/{slug}", context => WithUserAsync(context, state, user =>
            GetFieldAsync(context, state, user)));
        SecretWorkflowEndpoints.Map(app, state);
    }

    private static async Task TokenAsync(HttpContext context, VaultState state)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteTokenErrorAsync(context, "invalid_request").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var grant = form["grant_type"].ToString();

        IssuedToken? previous = null;
        string username;
        if (grant == "password")
        {
            username = form["username"].ToString();
            if (!state.CheckPassword(username, form["password"].ToString()))
            {
                // Synthetic wording: the real text for a bad password is not documented.
                await WriteTokenErrorAsync(context, "Login failed.").ConfigureAwait(false);
                return;
            }
        }
        else if (grant == "refresh_token")
        {
            previous = state.TakeRefreshToken(form["refresh_token"].ToString());
            if (previous is null)
            {
                // Synthetic wording (invalid_grant), as the reference notes.
                await WriteTokenErrorAsync(context, "invalid_grant").ConfigureAwait(false);
                return;
            }

            username = previous.Username;
        }
        else
        {
            await WriteTokenErrorAsync(context, "unsupported_grant_type").ConfigureAwait(false);
            return;
        }

        var (access, refresh) = state.IssueTokens(username, previous is null ? 0 : previous.RefreshesUsed + 1);
        var response = new TokenResponse
        {
            AccessToken = access.Value,
            ExpiresIn = state.Options.TokenLifetimeSeconds - 1,
            RefreshToken = refresh?.Value,
        };
        await WriteJsonAsync(context, 200, response, DevVaultJsonContext.Default.TokenResponse).ConfigureAwait(false);
    }

    private static Task GetSecretAsync(HttpContext context, VaultState state, string user)
    {
        var secret = FindSecret(context, state);
        if (secret is null)
        {
            return WriteAccessDeniedAsync(context);
        }

        if (secret.RequiresComment)
        {
            return WriteCommentRequiredAsync(context);
        }

        if (SecretWorkflowEndpoints.NeedsApproval(state, secret, user))
        {
            return SecretWorkflowEndpoints.WriteApprovalRequiredAsync(context);
        }

        var response = new SecretResponse
        {
            Id = secret.Id,
            Name = secret.Name,
            FolderId = secret.FolderId,
            SecretTemplateId = secret.TemplateId,
            SecretTemplateName = secret.TemplateName,
            CheckOutEnabled = secret.CheckOutEnabled,
            RequiresComment = secret.RequiresComment,
            RequiresApprovalForAccess = secret.RequiresApproval,
            IsRestricted = secret.RequiresComment || secret.CheckOutEnabled || secret.RequiresApproval,
            Items = secret.Fields.Select(f => new SecretItemResponse
            {
                ItemId = f.ItemId,
                FieldId = f.FieldId,
                FieldName = f.Name,
                Slug = f.Slug,
                // File items carry a placeholder, as in Secret Server; the bytes come from /fields.
                ItemValue = f.IsFile ? "*** Not Valid For Display ***" : Encoding.UTF8.GetString(f.Value),
                IsFile = f.IsFile,
                FileAttachmentId = f.IsFile ? f.ItemId : null,
                Filename = f.Filename,
                IsPassword = f.IsPassword,
                IsNotes = f.IsNotes,
            }).ToList(),
        };
        return WriteJsonAsync(context, 200, response, DevVaultJsonContext.Default.SecretResponse);
    }

    private static async Task GetFieldAsync(HttpContext context, VaultState state, string user)
    {
        var secret = FindSecret(context, state);
        if (secret is null)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        if (secret.RequiresComment)
        {
            await WriteCommentRequiredAsync(context).ConfigureAwait(false);
            return;
        }

        if (SecretWorkflowEndpoints.NeedsApproval(state, secret, user))
        {
            await SecretWorkflowEndpoints.WriteApprovalRequiredAsync(context).ConfigureAwait(false);
            return;
        }

        var slug = context.Request.RouteValues["slug"] as string;
        var field = secret.Fields.FirstOrDefault(f => string.Equals(f.Slug, slug, StringComparison.Ordinal));
        if (field is null)
        {
            // Synthetic errorCode: Secret Server's real code for an unknown slug is not documented.
            await WriteJsonAsync(context, 400,
                new ApiError { ErrorCode = "API_FieldNotFound", Message = "Field not found." },
                DevVaultJsonContext.Default.ApiError).ConfigureAwait(false);
            return;
        }

        if (field.IsFile)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = field.Value.Length;
            await context.Response.Body.WriteAsync(field.Value, context.RequestAborted).ConfigureAwait(false);
            return;
        }

        // Text fields come back as a JSON string literal.
        await WriteJsonAsync(context, 200, Encoding.UTF8.GetString(field.Value),
            DevVaultJsonContext.Default.String).ConfigureAwait(false);
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

    /// <summary>Secret Server binds query keys case-insensitively, and some clients prefix them.</summary>
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

    private static async Task WithUserAsync(HttpContext context, VaultState state, Func<string, Task> next)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        var check = state.CheckAccessToken(token);
        switch (check.Status)
        {
            case TokenStatus.Valid:
                await next(check.Username!).ConfigureAwait(false);
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

    private static Task WriteAccessDeniedAsync(HttpContext context) =>
        WriteJsonAsync(context, 400, new ApiError { ErrorCode = "API_AccessDenied", Message = "Access Denied" },
            DevVaultJsonContext.Default.ApiError);

    private static Task WriteCommentRequiredAsync(HttpContext context) =>
        WriteJsonAsync(context, 400,
            new ApiError
            {
                ErrorCode = "API_ValidateSecretAccessCommentRequired",
                Message = "The requested Secret requires a comment when viewed.",
            },
            DevVaultJsonContext.Default.ApiError);

    private static Task WriteTokenErrorAsync(HttpContext context, string error) =>
        WriteJsonAsync(context, 400, new TokenError { Error = error }, DevVaultJsonContext.Default.TokenError);

    private static async Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, type, context.RequestAborted)
            .ConfigureAwait(false);
    }
}
