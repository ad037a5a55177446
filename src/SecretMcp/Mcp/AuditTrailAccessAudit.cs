using SecretMcp.Audit;

namespace SecretMcp.Mcp;

/// <summary>
/// Writes what policy and approval decided into serve's audit log: the user's approvals and
/// declines, policy refusals, Secret Server access requests and rotations.
/// </summary>
public sealed class AuditTrailAccessAudit : IAccessAudit
{
    private readonly AuditTrail _trail;
    private readonly SessionLedger _ledger;

    public AuditTrailAccessAudit(AuditTrail trail, SessionLedger ledger)
    {
        _trail = trail;
        _ledger = ledger;
    }

    public void Record(AccessEvent accessEvent)
    {
        ArgumentNullException.ThrowIfNull(accessEvent);

        var kind = accessEvent.Kind switch
        {
            // The tool records the request itself, as the agent made it, before anything is decided.
            AccessEventKind.Requested => null,

            // A rule that allows is the policy working as written; its minted event follows. Only a
            // person's (or an earlier session-long) approval is an event of its own.
            AccessEventKind.Approved when accessEvent.Detail.StartsWith("policy rule", StringComparison.Ordinal) =>
                null,
            AccessEventKind.Approved => AuditEventKind.Approved,
            AccessEventKind.Declined => AuditEventKind.Declined,
            AccessEventKind.Refused => AuditEventKind.RequestRefused,
            AccessEventKind.AccessRequest => AuditEventKind.AccessRequest,
            AccessEventKind.Rotated => AuditEventKind.Rotated,
            AccessEventKind.RotationFailed => AuditEventKind.RotationFailed,
            _ => null,
        };
        if (kind is null)
        {
            return;
        }

        _trail.Record(new AuditEvent
        {
            Kind = kind,
            Session = _ledger.SessionId,
            SecretId = accessEvent.SecretId,
            SecretPath = accessEvent.Secret,
            Field = accessEvent.Fields.Count == 0 ? null : string.Join(',', accessEvent.Fields),
            Variable = accessEvent.Variables.Count == 0 ? null : string.Join(',', accessEvent.Variables),
            Shell = accessEvent.Shell,
            Reason = accessEvent.Reason,
            Code = accessEvent.Kind == AccessEventKind.Refused ? "policy" : null,
            Detail = accessEvent.Detail,
        });
    }
}
