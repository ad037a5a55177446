namespace SecretMcp.Audit;

/// <summary>
/// The user's state folder, which holds the audit log: <c>$SECRET_MCP_STATE_DIR</c>, else
/// <c>$XDG_STATE_HOME/secret-mcp</c>, else <c>~/.local/state/secret-mcp</c>; on Windows
/// <c>%LOCALAPPDATA%\secret-mcp</c>. serve writes there and <c>secret-mcp audit</c> reads there.
/// </summary>
public static class AuditLocation
{
    public const string OverrideVariable = "SECRET_MCP_STATE_DIR";

    public static string StateFolder()
    {
        var custom = Environment.GetEnvironmentVariable(OverrideVariable);
        if (!string.IsNullOrEmpty(custom))
        {
            return Path.GetFullPath(custom);
        }

        if (OperatingSystem.IsWindows())
        {
            return Path.Combine(
                Environment.GetFolderPath(
                    Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify),
                "secret-mcp");
        }

        var xdg = Environment.GetEnvironmentVariable("XDG_STATE_HOME");
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "secret-mcp");
        }

        var home = Environment.GetFolderPath(
            Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        if (!Path.IsPathRooted(home))
        {
            throw new IOException($"Cannot tell this user's home folder; set {OverrideVariable} to a private folder.");
        }

        return Path.Combine(home, ".local", "state", "secret-mcp");
    }
}
