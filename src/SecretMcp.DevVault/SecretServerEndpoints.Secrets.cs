using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

// One secret: the full secret, one field, their restricted (comment) forms, summary, state, audits,
// lookup by id, check-out and check-in (reference 2, 3.2 and 5).
internal static partial class SecretServerEndpoints
{
    private const string FilePlaceholder = "*** Not Valid For Display ***";

    private static void MapSecrets(IEndpointRouteBuilder app, VaultState state)
    {
        foreach (var version in new[] { "v1", "v2" })
        {
            app.MapGet($"/api/{version}/secrets/{{id}}", context => WithSecretAsync(context, state, SeedPermission.List,
                (user, secret) => ReadAsync(context, state, user, secret, slug: null, restricted: false)));
        }

        app.MapGet("/api/v1/secrets/{id}/fields/{slug}", context => WithSecretAsync(context, state, SeedPermission.List,
            (user, secret) => ReadAsync(context, state, user, secret, RouteSlug(context), restricted: false)));
        app.MapPost("/api/v1/secrets/{id}/restricted", context => WithSecretAsync(context, state, SeedPermission.List,
            (user, secret) => ReadAsync(context, state, user, secret, slug: null, restricted: true)));
        app.MapPost("/api/v1/secrets/{id}/restricted/fields/{slug}", context => WithSecretAsync(context, state,
            SeedPermission.List,
            (user, secret) => ReadAsync(context, state, user, secret, RouteSlug(context), restricted: true)));

        app.MapGet("/api/v1/secrets/{id}/summary", context => WithSecretAsync(context, state, SeedPermission.List,
            (user, secret) => WriteJsonAsync(context, 200, Summary(state, secret),
                DevVaultJsonContext.Default.SecretSummaryResponse)));
        app.MapGet("/api/v1/secrets/{id}/state", context => WithSecretAsync(context, state, SeedPermission.List,
            (user, secret) => WriteJsonAsync(context, 200, State(state, user, secret),
                DevVaultJsonContext.Default.StateResponse)));
        app.MapGet("/api/v1/secrets/lookup/{id}", context => WithSecretAsync(context, state, SeedPermission.List,
            (user, secret) => WriteJsonAsync(context, 200, new LookupRecord { Id = secret.Id, Value = secret.Name },
                DevVaultJsonContext.Default.LookupRecord)));
        app.MapGet("/api/v1/secrets/{id}/audits", context => WithSecretAsync(context, state, SeedPermission.View,
            (user, secret) => AuditsAsync(context, state, secret)));
        app.MapPost("/api/v1/secrets/{id}/check-out", context => WithSecretAsync(context, state, SeedPermission.View,
            (user, secret) => CheckOutAsync(context, state, user, secret)));
        app.MapPost("/api/v1/secrets/{id}/check-in", context => WithSecretAsync(context, state, SeedPermission.View,
            (user, secret) => CheckInAsync(context, state, user, secret)));
    }

    private static string RouteSlug(HttpContext context) => context.Request.RouteValues["slug"] as string ?? "";

    /// <summary>
    /// A read of the whole secret or one field, with Secret Server's access rules in its order:
    /// permission, approval, someone else's check-out, comment, then an automatic check-out.
    /// </summary>
    private static async Task ReadAsync(
        HttpContext context, VaultState state, VaultUser user, StoredSecret secret, string? slug, bool restricted)
    {
        var args = new RestrictedArgs();
        if (restricted)
        {
            if (await ReadArgsAsync(context).ConfigureAwait(false) is not { } parsed)
            {
                return;
            }

            args = parsed;
        }

        var comment = string.IsNullOrWhiteSpace(args.Comment) ? null : args.Comment;
        var autoComment = GetQuery(context, "autoComment");
        if (state.PermissionOf(secret, user.Username) < SeedPermission.View)
        {
            await WriteAccessDeniedAsync(context).ConfigureAwait(false);
            return;
        }

        if (secret.RequiresApproval && !secret.ApprovedUsers.Contains(user.Username))
        {
            await WriteErrorAsync(context, InventedApprovalRequired,
                "INVENTED: The requested Secret requires an approved access request.").ConfigureAwait(false);
            return;
        }

        var holder = state.CheckedOut(secret);
        if (secret.CheckOutEnabled && holder is { } h
            && !string.Equals(h.Username, user.Username, StringComparison.OrdinalIgnoreCase))
        {
            await WriteErrorAsync(context, InventedCheckedOutByOther,
                "INVENTED: The requested Secret is checked out by another user.").ConfigureAwait(false);
            return;
        }

        var commentGiven = comment is not null
            || (state.Settings.AutoCommentSatisfiesComment && !string.IsNullOrWhiteSpace(autoComment));
        if (secret.RequiresComment && !commentGiven)
        {
            await WriteCommentRequiredAsync(context).ConfigureAwait(false);
            return;
        }

        StoredField? field = null;
        if (slug is not null)
        {
            field = secret.Fields.FirstOrDefault(f => string.Equals(f.Slug, slug, StringComparison.Ordinal));
            if (field is null)
            {
                await WriteErrorAsync(context, InventedFieldNotFound, "INVENTED: Field not found.")
                    .ConfigureAwait(false);
                return;
            }
        }

        var checkedOutNow = false;
        if (secret.CheckOutEnabled && holder is null)
        {
            if (GetBool(context, "noAutoCheckout") || args.NoAutoCheckout == true)
            {
                await WriteErrorAsync(context, InventedCheckOutRequired,
                    "INVENTED: The requested Secret must be checked out first.").ConfigureAwait(false);
                return;
            }

            // Reads of a check-out secret check it out (reference 5).
            state.TryCheckOut(secret, user.Username);
            state.Audit(secret, user.Username, "CHECKOUT", comment ?? autoComment, args.TicketNumber);
            checkedOutNow = true;
        }

        state.Audit(secret, user.Username, "VIEW", comment ?? autoComment, args.TicketNumber);

        if (field is null)
        {
            await WriteJsonAsync(context, 200, FullSecret(state, secret), DevVaultJsonContext.Default.SecretResponse)
                .ConfigureAwait(false);
        }
        else if (field.IsFile)
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = field.Value.Length;
            await context.Response.Body.WriteAsync(field.Value, context.RequestAborted).ConfigureAwait(false);
        }
        else
        {
            // Text fields come back as a JSON string literal (reference 2.3).
            await WriteJsonAsync(context, 200, Encoding.UTF8.GetString(field.Value), DevVaultJsonContext.Default.String)
                .ConfigureAwait(false);
        }

        if (checkedOutNow && GetBool(context, "autoCheckIn"))
        {
            state.CheckIn(secret);
            state.Audit(secret, user.Username, "CHECKIN", comment ?? autoComment, args.TicketNumber);
        }
    }

    /// <summary>SecretRestrictedArgs from the body; null after answering 400 for a body that is not JSON.</summary>
    private static async Task<RestrictedArgs?> ReadArgsAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return new RestrictedArgs();
        }

        try
        {
            return JsonSerializer.Deserialize(buffer.ToArray(), DevVaultJsonContext.Default.RestrictedArgs)
                ?? new RestrictedArgs();
        }
        catch (JsonException)
        {
            await WriteInvalidRequestAsync(context, "The request body is not valid SecretRestrictedArgs JSON.")
                .ConfigureAwait(false);
            return null;
        }
    }

    private static async Task CheckOutAsync(HttpContext context, VaultState state, VaultUser user, StoredSecret secret)
    {
        if (!secret.CheckOutEnabled)
        {
            await WriteErrorAsync(context, InventedCheckOutNotEnabled,
                "INVENTED: Check out is not enabled for this Secret.").ConfigureAwait(false);
            return;
        }

        if (secret.RequiresApproval && !secret.ApprovedUsers.Contains(user.Username))
        {
            await WriteErrorAsync(context, InventedApprovalRequired,
                "INVENTED: The requested Secret requires an approved access request.").ConfigureAwait(false);
            return;
        }

        if (!state.TryCheckOut(secret, user.Username))
        {
            await WriteErrorAsync(context, InventedCheckedOutByOther,
                "INVENTED: The requested Secret is checked out by another user.").ConfigureAwait(false);
            return;
        }

        state.Audit(secret, user.Username, "CHECKOUT", GetQuery(context, "autoComment"), null);
        await WriteJsonAsync(context, 200, new CheckOutResponse(), DevVaultJsonContext.Default.CheckOutResponse)
            .ConfigureAwait(false);
    }

    private static async Task CheckInAsync(HttpContext context, VaultState state, VaultUser user, StoredSecret secret)
    {
        if (await ReadArgsAsync(context).ConfigureAwait(false) is not { } args)
        {
            return;
        }

        var holder = state.CheckedOut(secret);
        if (holder is { } h && !string.Equals(h.Username, user.Username, StringComparison.OrdinalIgnoreCase)
            && args.ForceCheckIn != true)
        {
            await WriteErrorAsync(context, InventedCheckedOutByOther,
                "INVENTED: The requested Secret is checked out by another user.").ConfigureAwait(false);
            return;
        }

        if (holder is not null)
        {
            state.CheckIn(secret);
            state.Audit(secret, user.Username, "CHECKIN", args.Comment, args.TicketNumber);
        }

        await WriteJsonAsync(context, 200, Summary(state, secret), DevVaultJsonContext.Default.SecretSummaryResponse)
            .ConfigureAwait(false);
    }

    private static Task AuditsAsync(HttpContext context, VaultState state, StoredSecret secret)
    {
        // Newest first, as an audit trail reads.
        var records = state.AuditsOf(secret).Reverse()
            .Select(a => new AuditResponse
            {
                Id = a.Id,
                Action = a.Action,
                ActionForDisplay = a.Action,
                ByUserDisplayName = a.DisplayName,
                Username = a.Username,
                DateRecorded = Iso(a.At),
                Notes = a.Notes,
                TicketNumber = a.TicketNumber,
            })
            .ToList();
        return WriteJsonAsync(context, 200, Page(context, records, "dateRecorded", "Desc"),
            DevVaultJsonContext.Default.PagingResponseAuditResponse);
    }

    private static SecretResponse FullSecret(VaultState state, StoredSecret secret)
    {
        var holder = state.CheckedOut(secret);
        return new SecretResponse
        {
            Id = secret.Id,
            Name = secret.Name,
            FolderId = secret.FolderId,
            SecretTemplateId = secret.Template.Id,
            SecretTemplateName = secret.Template.Name,
            Active = secret.Active,
            CheckedOut = holder is not null,
            CheckOutEnabled = secret.CheckOutEnabled,
            CheckOutIntervalMinutes = secret.CheckOutEnabled ? secret.CheckOutIntervalMinutes : 0,
            CheckOutMinutesRemaining = MinutesLeft(state, holder),
            CheckOutUserId = holder is { } h ? state.FindUser(h.Username)?.Id ?? -1 : -1,
            CheckOutUserDisplayName = holder is { } u ? state.FindUser(u.Username)?.DisplayName : null,
            RequiresComment = secret.RequiresComment,
            RequiresApprovalForAccess = secret.RequiresApproval,
            IsRestricted = secret.IsRestricted,
            Items = secret.Fields.Select(f => new SecretItemResponse
            {
                ItemId = f.ItemId,
                FieldId = f.FieldId,
                FieldName = f.Name,
                Slug = f.Slug,
                // File items carry a placeholder, as in Secret Server; the bytes come from /fields.
                ItemValue = f.IsFile ? FilePlaceholder : Encoding.UTF8.GetString(f.Value),
                IsFile = f.IsFile,
                FileAttachmentId = f.IsFile ? f.ItemId : null,
                Filename = f.Filename,
                IsPassword = f.IsPassword,
                IsNotes = f.IsNotes,
            }).ToList(),
        };
    }

    private static SecretSummaryResponse Summary(VaultState state, StoredSecret secret) => new()
    {
        Id = secret.Id,
        Name = secret.Name,
        FolderId = secret.FolderId,
        SecretTemplateId = secret.Template.Id,
        SecretTemplateName = secret.Template.Name,
        Active = secret.Active,
        CheckedOut = state.CheckedOut(secret) is not null,
        CheckOutEnabled = secret.CheckOutEnabled,
        RequiresComment = secret.RequiresComment,
        RequiresApproval = secret.RequiresApproval,
        IsRestricted = secret.IsRestricted,
        CreateDate = Iso(secret.Created),
    };

    private static StateResponse State(VaultState state, VaultUser user, StoredSecret secret)
    {
        var permission = state.PermissionOf(secret, user.Username);
        var holder = state.CheckedOut(secret);
        var mine = holder is { } h && string.Equals(h.Username, user.Username, StringComparison.OrdinalIgnoreCase);
        var needsCheckout = secret.CheckOutEnabled && !mine;

        var secretState = permission < SeedPermission.View ? "CannotView"
            : !secret.Active ? "RequiresUndelete"
            : secret.RequiresApproval && !secret.ApprovedUsers.Contains(user.Username) ? "RequiresApproval"
            : needsCheckout && secret.RequiresComment ? "RequiresCheckoutAndComment"
            : needsCheckout ? "RequiresCheckout"
            : secret.RequiresComment ? "RequiresComment"
            : "None";

        return new StateResponse
        {
            Id = secret.Id,
            SecretName = secret.Name,
            FolderId = secret.FolderId,
            FolderName = secret.Folder?.Name,
            SecretState = secretState,
            IsActive = secret.Active,
            IsCheckedOut = holder is not null,
            IsCheckedOutByCurrentUser = mine,
            CheckedOutUserId = holder is { } o ? state.FindUser(o.Username)?.Id : null,
            CheckedOutUserDisplayName = holder is { } d ? state.FindUser(d.Username)?.DisplayName : null,
            CheckOutIntervalMinutes = secret.CheckOutEnabled ? secret.CheckOutIntervalMinutes : 0,
            CheckOutMinutesRemaining = MinutesLeft(state, holder),
            Role = permission.ToString(),
            Actions = permission >= SeedPermission.View ? ["View"] : ["List"],
            AvailableActions = secret.CheckOutEnabled ? ["View", "Checkout"] : ["View"],
        };
    }

    private static int MinutesLeft(VaultState state, (string Username, DateTimeOffset Until)? holder) =>
        holder is { } h ? (int)Math.Ceiling((h.Until - state.Time.GetUtcNow()).TotalMinutes) : 0;
}
