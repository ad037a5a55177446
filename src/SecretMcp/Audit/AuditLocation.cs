namespace SecretMcp.Audit;

/// <summary>
/// The user's state folder, which holds the audit log: <c>$SECRET_MCP_STATE_DIR</c>, else
/// <c>$XDG_STATE_HOME/secret-mcp</c>, else <c>~/.local/state/secret-mcp</c>; on Windows
/// <c>%LOCALAPPDATA%\secret-mcp</c>. serve writes there and <c>secret-mcp audit</c> reads there.
/// </summary>
public static class AuditLocation
{
    public const string OverrideVariable = "SECRET_MCP_STATE_DIR";

    public static string StateFolder() =>
        UserFolders.Resolve(OverrideVariable, "XDG_STATE_HOME", [".local", "state", "secret-mcp"], ["secret-mcp"])
        ?? throw new IOException($"Cannot tell this user's home folder; set {OverrideVariable} to a private folder.");
}
