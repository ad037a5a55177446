using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using SecretMcp.Audit;
using SecretMcp.SecretServer;
using SecretMcp.Shells;

namespace SecretMcp.Tickets;

/// <summary>
/// <c>POST /v1/redeem</c> with <c>Authorization: Bearer &lt;ticket&gt;</c>: consumes the ticket, then
/// fetches the field from Secret Server now (so rotation is honoured and nothing waits in memory)
/// and answers with the raw bytes.
/// </summary>
public sealed partial class RedeemEndpoint
{
    private readonly TicketStore _store;
    private readonly SecretServerClient _secretServer;
    private readonly AuditTrail _audit;
    private readonly ILogger<RedeemEndpoint> _logger;

    public RedeemEndpoint(
        TicketStore store, SecretServerClient secretServer, AuditTrail audit, ILogger<RedeemEndpoint> logger)
    {
        _store = store;
        _secretServer = secretServer;
        _audit = audit;
        _logger = logger;
    }

    public async Task HandleAsync(HttpContext context)
    {
        // A redeem carries nothing but its header; a body is refused before the ticket is touched,
        // so a client cut off while sending one cannot lose the value it consumed.
        if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
        {
            AuditRefused(null, BrokerProblemCodes.RequestInvalid);
            await WriteProblemAsync(context, 413, BrokerProblemCodes.RequestInvalid,
                "a redeem request has no body; send only 'Authorization: Bearer <ticket>'").ConfigureAwait(false);
            return;
        }

        var header = context.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            AuditRefused(null, BrokerProblemCodes.TicketMissing);
            await WriteProblemAsync(context, 401, BrokerProblemCodes.TicketMissing,
                "no ticket: send it as 'Authorization: Bearer <ticket>'").ConfigureAwait(false);
            return;
        }

        var (status, entry) = _store.Redeem(header["Bearer ".Length..].Trim());
        if (status != RedeemStatus.Accepted)
        {
            LogRefused(_logger, entry?.Id ?? "-", status);
            var (code, detail) = status switch
            {
                RedeemStatus.Expired => (BrokerProblemCodes.TicketExpired,
                    "the ticket has expired; ask the agent tool for a new one"),
                RedeemStatus.Used => (BrokerProblemCodes.TicketUsed,
                    "the ticket was already used; ask the agent tool for a new one"),
                RedeemStatus.Revoked => (BrokerProblemCodes.TicketRevoked,
                    "the ticket was revoked by cleanup; ask the agent tool for a new one"),
                _ => (BrokerProblemCodes.TicketUnknown,
                    "this server does not know the ticket; ask the agent tool for a new one"),
            };
            AuditRefused(entry, code);
            await WriteProblemAsync(context, 401, code, detail).ConfigureAwait(false);
            return;
        }

        var grant = entry!.Grant;
        byte[] value;
        try
        {
            value = await _secretServer.ReadFieldAsync(
                grant.SecretId, grant.Field, new FieldReadRequest(grant.Reason, grant.TicketNumber),
                context.RequestAborted)
                .ConfigureAwait(false);
        }
        catch (SecretServerException e)
        {
            var (status403, code) = e switch
            {
                NotSignedInException => (403, BrokerProblemCodes.NotSignedIn),
                SecretServerConfigurationException => (503, BrokerProblemCodes.SecretServerMisconfigured),
                SecretNotFoundException => (403, BrokerProblemCodes.SecretNotFound),
                SecretAccessDeniedException or SecretRequiresCommentException or SecretRequiresApprovalException
                    or SecretCheckedOutException => (403, BrokerProblemCodes.AccessDenied),
                _ => (503, BrokerProblemCodes.SecretServerUnavailable),
            };
            LogFetchFailed(_logger, entry.Id, code);
            AuditRefused(entry, code);
            await WriteProblemAsync(context, status403, code, e.Message).ConfigureAwait(false);
            return;
        }

        // The ticket is bound to its shell: what that shell cannot hold is refused whole, and cmd gets
        // one line in the console code page that redeem reports (ValueLimits, CmdValue).
        var output = value;
        try
        {
            var codePage = ConsoleCodePage.Parse(context.Request.Headers[ConsoleCodePage.Header].ToString());
            var windows = OperatingSystem.IsWindows();
            if (ValueLimits.TryFormat(grant.Shell, value, codePage, windows, out output) is { } reason)
            {
                LogNotRepresentable(_logger, entry.Id, grant.Shell.Name());
                AuditRefused(entry, BrokerProblemCodes.ValueNotRepresentable);
                await WriteProblemAsync(context, 422, BrokerProblemCodes.ValueNotRepresentable,
                    $"the value cannot be delivered to {grant.Shell.Name()}: {reason}").ConfigureAwait(false);
                return;
            }

            // Recorded before the bytes go out, so the log already holds the event when the helper
            // (or a test) reads the value.
            entry.RecordDelivery(DeliveredShape.Of(value));
            LogRedeemed(_logger, entry.Id, grant.SecretId, grant.Field, grant.Variable);
            _audit.Record(AuditEvent.ForTicket(AuditEventKind.Redeemed, entry));

            context.Response.StatusCode = 200;
            context.Response.ContentType = "application/octet-stream";
            context.Response.ContentLength = output.Length;
            context.Response.Headers.CacheControl = "no-store";
            await context.Response.Body.WriteAsync(output, context.RequestAborted).ConfigureAwait(false);
        }
        finally
        {
            Array.Clear(value);
            Array.Clear(output);
        }
    }

    private void AuditRefused(TicketEntry? entry, string code) => _audit.Record(entry is null
        ? new AuditEvent { Kind = AuditEventKind.RedemptionRefused, Code = code }
        : AuditEvent.ForTicket(AuditEventKind.RedemptionRefused, entry, code));

    private static async Task WriteProblemAsync(HttpContext context, int status, string code, string detail)
    {
        var problem = new BrokerProblem
        {
            Title = code.Replace('_', ' '),
            Status = status,
            Code = code,
            Detail = detail,
        };
        var body = JsonSerializer.SerializeToUtf8Bytes(problem, BrokerJsonContext.Default.BrokerProblem);
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        context.Response.ContentLength = body.Length;
        await context.Response.Body.WriteAsync(body, context.RequestAborted).ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Ticket {TicketId} redeemed: secret {SecretId}, field {Field}, into {Variable}")]
    private static partial void LogRedeemed(ILogger logger, string ticketId, int secretId, string field, string variable);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redemption of ticket {TicketId} refused: {Status}")]
    private static partial void LogRefused(ILogger logger, string ticketId, RedeemStatus status);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId}: the value could not be fetched ({Code})")]
    private static partial void LogFetchFailed(ILogger logger, string ticketId, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ticket {TicketId}: the value cannot be held by {Shell}; refused")]
    private static partial void LogNotRepresentable(ILogger logger, string ticketId, string shell);
}
