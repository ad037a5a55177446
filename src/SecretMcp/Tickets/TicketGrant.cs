using SecretMcp.Shells;

namespace SecretMcp.Tickets;

/// <summary>
/// What a ticket allows: one field of one secret, into one variable, in one shell. The reason (and
/// ticket number) go to Secret Server as the access comment when the field is read at redemption.
/// </summary>
public sealed record TicketGrant(
    int SecretId,
    string SecretLabel,
    string Field,
    string Variable,
    ShellKind Shell,
    string SessionId,
    string? Reason,
    string? TicketNumber = null);

public enum TicketState
{
    Waiting,
    Redeemed,
    Expired,
    Revoked,
}

public enum RedeemStatus
{
    Accepted,
    Unknown,
    Expired,
    Used,
    Revoked,
}

/// <summary>The shape of what a shell received, so an agent can check it without seeing it.</summary>
public sealed record DeliveredShape(int Bytes, int Lines, bool TrailingNewline)
{
    public static DeliveredShape Of(ReadOnlySpan<byte> value)
    {
        var newlines = value.Count((byte)'\n');
        var trailing = value.Length > 0 && value[^1] == (byte)'\n';
        var lines = value.Length == 0 ? 0 : newlines + (trailing ? 0 : 1);
        return new DeliveredShape(value.Length, lines, trailing);
    }
}
