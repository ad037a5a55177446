namespace SecretMcp.Cli;

/// <summary>Exit codes every command shares (DESIGN section 6).</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Usage = 1;
    public const int NotSignedInOrConfig = 2;
    public const int AccessDenied = 3;
    public const int TicketProblem = 4;
    public const int SecretServerUnavailable = 5;

    /// <summary><c>audit --verify</c> found an edited, removed or reordered line.</summary>
    public const int AuditBroken = 6;
}
