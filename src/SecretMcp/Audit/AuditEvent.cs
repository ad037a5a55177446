using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Audit;

/// <summary>
/// What happened, as the code that saw it describes it. <see cref="AuditTrail"/> adds the time,
/// the MCP client and the process. None of these members may ever hold a value, a ticket or a
/// token; free text is cleaned before it is written (<see cref="AuditText"/>).
/// </summary>
public sealed record AuditEvent
{
    public required string Kind { get; init; }

    public string? Session { get; init; }

    public int? SecretId { get; init; }

    /// <summary>The secret's folder path or name, or what the agent asked for.</summary>
    public string? SecretPath { get; init; }

    public string? Field { get; init; }

    public string? Variable { get; init; }

    public string? Shell { get; init; }

    /// <summary>The reason the agent gave, or why the event happened (cleanup, shutdown).</summary>
    public string? Reason { get; init; }

    /// <summary>The short, non-secret ticket id (t-…), never the ticket.</summary>
    public string? TicketId { get; init; }

    /// <summary>A problem code, such as <c>ticket_used</c>.</summary>
    public string? Code { get; init; }

    public string? Detail { get; init; }

    /// <summary>An event about one ticket, described by what the ticket was minted for.</summary>
    public static AuditEvent ForTicket(string kind, TicketEntry entry, string? code = null, string? reason = null)
    {
        ArgumentNullException.ThrowIfNull(entry);

        var grant = entry.Grant;
        return new AuditEvent
        {
            Kind = kind,
            Session = grant.SessionId,
            SecretId = grant.SecretId,
            SecretPath = grant.SecretLabel,
            Field = grant.Field,
            Variable = grant.Variable,
            Shell = grant.Shell.Name(),
            Reason = reason ?? grant.Reason,
            TicketId = entry.Id,
            Code = code,
        };
    }
}
