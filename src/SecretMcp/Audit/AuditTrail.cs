using Microsoft.Extensions.Logging;

namespace SecretMcp.Audit;

/// <summary>
/// What the rest of serve calls to record an event. It adds the time, the MCP client, the process
/// and broker instance, cleans free text, and never throws: a failed write is logged to stderr and
/// reported as false, so a caller that must not go on unaudited (minting) can refuse.
/// </summary>
public sealed partial class AuditTrail
{
    private readonly AuditLog _log;
    private readonly TimeProvider _time;
    private readonly ILogger<AuditTrail> _logger;
    private readonly Func<AuditClient?> _client;
    private readonly string? _instance;

    public AuditTrail(
        AuditLog log, TimeProvider time, ILogger<AuditTrail> logger, Func<AuditClient?>? client = null,
        string? instance = null)
    {
        _log = log;
        _time = time;
        _logger = logger;
        _client = client ?? (() => null);
        _instance = instance;
    }

    public AuditLog Log => _log;

    /// <summary>Appends the event; false when it could not be written (already logged).</summary>
    public bool Record(AuditEvent auditEvent)
    {
        ArgumentNullException.ThrowIfNull(auditEvent);

        var client = _client();
        var record = new AuditRecord
        {
            Time = _time.GetUtcNow(),
            Event = auditEvent.Kind,
            Client = AuditText.Clean(client?.Name),
            ClientVersion = AuditText.Clean(client?.Version),
            Session = AuditText.Clean(auditEvent.Session),
            Instance = _instance,
            Pid = Environment.ProcessId,
            SecretId = auditEvent.SecretId,
            SecretPath = AuditText.Clean(auditEvent.SecretPath),
            Field = AuditText.Clean(auditEvent.Field),
            Variable = AuditText.Clean(auditEvent.Variable),
            Shell = AuditText.Clean(auditEvent.Shell),
            Reason = AuditText.Clean(auditEvent.Reason),
            TicketId = AuditText.Clean(auditEvent.TicketId),
            Code = AuditText.Clean(auditEvent.Code),
            Detail = AuditText.Clean(auditEvent.Detail),
        };

        try
        {
            _log.Append(record);
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogWriteFailed(_logger, auditEvent.Kind, _log.Path, e.Message);
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not write the {Kind} event to the audit log {Path}: {Problem}")]
    private static partial void LogWriteFailed(ILogger logger, string kind, string path, string problem);
}

/// <summary>The MCP client as it named itself in initialize.</summary>
public sealed record AuditClient(string? Name, string? Version);
