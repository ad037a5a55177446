using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace SecretMcp.SecretServer;

// Reading a value: the pre-flight that refuses early, then the read itself with the caller's reason
// as Secret Server's audit comment, inside an automatic check-out and check-in when the secret needs one.
public sealed partial class SecretServerClient
{
    /// <summary>Secret Server keeps comments short; a longer reason is cut rather than refused.</summary>
    private const int MaxCommentLength = 1000;

    private const string AutomaticCheckInComment = "secret-mcp: checked in after reading one field";

    /// <summary>
    /// The pre-flight before a ticket is minted: the secret must exist, and this account must be able
    /// to read it with what the caller gave. Refuses early, with what to do next, when it cannot.
    /// </summary>
    public async Task<SecretMetadata> PrepareReadAsync(
        SecretReference reference, FieldReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        var metadata = await GetSecretAsync(reference, cancellationToken).ConfigureAwait(false);
        EnsureReadable(metadata.Access, metadata.Flags, request, $"secret '{reference.Label}'");
        return metadata;
    }

    /// <summary>The bytes of one field, read without a reason.</summary>
    public Task<byte[]> ReadFieldAsync(int secretId, string slug, CancellationToken cancellationToken) =>
        ReadFieldAsync(secretId, slug, FieldReadRequest.None, cancellationToken);

    /// <summary>
    /// The bytes of one field: a text field arrives as a JSON string literal and is returned as
    /// UTF-8; a file field arrives as raw bytes. With a reason, the read is Secret Server's
    /// restricted read, which records the reason (and ticket number) in the secret's audit.
    /// </summary>
    public async Task<byte[]> ReadFieldAsync(
        int secretId, string slug, FieldReadRequest request, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(slug);
        ArgumentNullException.ThrowIfNull(request);

        var subject = $"secret {Id(secretId)}";
        var access = await GetAccessAsync(secretId, NoFlags, cancellationToken).ConfigureAwait(false);
        EnsureReadable(access, NoFlags, request, subject);

        var checkedOutHere = false;
        if (access.NeedsCheckout)
        {
            await SendAsync(
                new ApiCall(HttpMethod.Post, $"api/v1/secrets/{Id(secretId)}/check-out", "the check-out", subject,
                    IsRead: false),
                cancellationToken).ConfigureAwait(false);
            checkedOutHere = true;
            LogCheckedOut(_logger, secretId);
        }

        try
        {
            return await ReadFieldOnceAsync(secretId, slug, request, subject, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            if (checkedOutHere)
            {
                await CheckInAsync(secretId, request, subject).ConfigureAwait(false);
            }
        }
    }

    private async Task<byte[]> ReadFieldOnceAsync(
        int secretId, string slug, FieldReadRequest request, string subject, CancellationToken cancellationToken)
    {
        var escapedSlug = Uri.EscapeDataString(slug);
        var call = request.HasReason
            ? new ApiCall(HttpMethod.Post, $"api/v1/secrets/{Id(secretId)}/restricted/fields/{escapedSlug}",
                "the field read", subject, IsRead: true)
            {
                Body = ToRestrictedArgs(request),
                Field = slug,
            }
            : ApiCall.Get($"api/v1/secrets/{Id(secretId)}/fields/{escapedSlug}", "the field read", subject)
                with { Field = slug };

        var answer = await SendAsync(call, cancellationToken).ConfigureAwait(false);
        if (answer.MediaType is "application/octet-stream")
        {
            return answer.Body;
        }

        string? text;
        try
        {
            text = JsonSerializer.Deserialize(answer.Body, SecretServerJsonContext.Default.String);
        }
        catch (JsonException)
        {
            // The parser's message could quote part of the body, which is the value: say nothing of it.
            throw new SecretServerUnavailableException(
                "Secret Server answered the field read with something that is not a JSON string.");
        }
        finally
        {
            Array.Clear(answer.Body);
        }

        return Encoding.UTF8.GetBytes(text ?? "");
    }

    /// <summary>
    /// Checks the secret back in. The value was already read, so a failure here is logged rather
    /// than thrown; Secret Server checks the secret in by itself when the check-out interval ends.
    /// </summary>
    private async Task CheckInAsync(int secretId, FieldReadRequest request, string subject)
    {
        var comment = request.HasReason ? request : new FieldReadRequest(AutomaticCheckInComment, request.TicketNumber);
        try
        {
            // Not the caller's token: a cancelled redemption must still give the secret back.
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await SendAsync(
                new ApiCall(HttpMethod.Post, $"api/v1/secrets/{Id(secretId)}/check-in", "the check-in", subject,
                    IsRead: false)
                {
                    Body = ToRestrictedArgs(comment),
                },
                timeout.Token).ConfigureAwait(false);
            LogCheckedIn(_logger, secretId);
        }
        catch (Exception e) when (e is SecretServerException or OperationCanceledException)
        {
            LogCheckInFailed(_logger, secretId, e.GetType().Name);
        }
    }

    private static RestrictedArgsWire ToRestrictedArgs(FieldReadRequest request)
    {
        var reason = request.Reason?.Trim();
        return new RestrictedArgsWire
        {
            Comment = reason is { Length: > MaxCommentLength } ? reason[..MaxCommentLength] : reason,
            TicketNumber = string.IsNullOrWhiteSpace(request.TicketNumber) ? null : request.TicketNumber.Trim(),
        };
    }

    private static readonly SecretFlags NoFlags = new(false, false, false, false, false, false, true);

    /// <summary>Refuses, with what to do next, a read that Secret Server would refuse.</summary>
    private static void EnsureReadable(SecretAccess access, SecretFlags flags, FieldReadRequest request, string subject)
    {
        switch (access.Kind)
        {
            case SecretAccessKind.RequiresApproval:
                throw new SecretRequiresApprovalException(ApprovalMessage(subject));
            case SecretAccessKind.CheckedOutByOther:
                throw new SecretCheckedOutException(
                    $"{subject} is {access.Describe()}; it can be read once it is checked in.");
            case SecretAccessKind.PasswordChangePending:
                throw new SecretCheckedOutException($"{subject}: a password change is pending; try again in a minute.");
            case SecretAccessKind.DoubleLock:
                throw new SecretAccessDeniedException(
                    $"{subject} is protected by a double lock; secret-mcp cannot open double locks. Use Secret "
                    + "Server's web interface for this secret.");
            case SecretAccessKind.CannotView:
                throw new SecretAccessDeniedException(
                    $"This account may see that {subject} exists but not view it; ask its owner for View permission.");
            case SecretAccessKind.Inactive:
                throw new SecretNotFoundException($"{subject} is deactivated.");
        }

        var needsComment = access.NeedsComment || (access.Kind == SecretAccessKind.Unknown && flags.RequiresComment);
        if (needsComment && !request.HasReason)
        {
            throw new SecretRequiresCommentException(
                $"{subject} requires a reason: call again with reason (a short note of why the secret is needed; "
                + "it is recorded in Secret Server's audit log).");
        }

        // Without /state the client cannot tell whether an approved request exists; the read will say.
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Checked out secret {SecretId} to read one field")]
    private static partial void LogCheckedOut(ILogger logger, int secretId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Checked secret {SecretId} back in")]
    private static partial void LogCheckedIn(ILogger logger, int secretId);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Secret {SecretId} could not be checked back in ({Reason}); Secret Server will check it in when the check-out ends")]
    private static partial void LogCheckInFailed(ILogger logger, int secretId, string reason);
}
