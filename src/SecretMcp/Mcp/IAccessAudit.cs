namespace SecretMcp.Mcp;

/// <summary>
/// What policy and approval decided, for the audit log. The audit log itself lives elsewhere; this
/// is the one narrow seam it plugs into (<see cref="AuditTrailAccessAudit"/>). An event never holds
/// a value, a ticket or a token.
/// </summary>
public interface IAccessAudit
{
    void Record(AccessEvent accessEvent);
}

public enum AccessEventKind
{
    /// <summary>The agent asked for a secret (before any decision).</summary>
    Requested,

    /// <summary>Issued: by a policy rule, by the user (once or for the session), or by a session approval.</summary>
    Approved,

    /// <summary>The user declined, dismissed or did not answer, or the client could not ask. Nothing issued.</summary>
    Declined,

    /// <summary>The policy refused (a deny rule, the default, a limit). Nothing was issued.</summary>
    Refused,

    /// <summary>Secret Server requires approval: an access request was filed, found pending, or reported.</summary>
    AccessRequest,

    /// <summary>The secret's password was changed in Secret Server after use.</summary>
    Rotated,

    /// <summary>Rotation after use was due but failed; <see cref="AccessEvent.Detail"/> says why.</summary>
    RotationFailed,
}

/// <summary>
/// One audit event. <see cref="Reason"/> is the agent's own words; <see cref="Detail"/> says who or
/// what decided ("rule 'prod'", "user: approve once", "user dismissed", "no answer within 300 s").
/// </summary>
public sealed record AccessEvent(
    AccessEventKind Kind,
    int? SecretId,
    string Secret,
    IReadOnlyList<string> Fields,
    IReadOnlyList<string> Variables,
    string? Shell,
    string? Client,
    string? Reason,
    string Detail);
