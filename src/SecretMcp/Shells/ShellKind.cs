namespace SecretMcp.Shells;

/// <summary>The shells a snippet can be written for.</summary>
public enum ShellKind
{
    Bash,
    Zsh,
    Sh,
    Fish,
    Pwsh,
    PowerShell,
    Cmd,
}

public static class ShellNames
{
    /// <summary>The names the tools accept, in the order they are listed to the model.</summary>
    public static readonly IReadOnlyList<string> All = ["bash", "zsh", "sh", "fish", "pwsh", "powershell", "cmd"];

    public static bool TryParse(string? name, out ShellKind shell)
    {
        shell = (name ?? "").Trim().ToLowerInvariant() switch
        {
            "bash" => ShellKind.Bash,
            "zsh" => ShellKind.Zsh,
            "sh" or "dash" => ShellKind.Sh,
            "fish" => ShellKind.Fish,
            "pwsh" => ShellKind.Pwsh,
            "powershell" => ShellKind.PowerShell,
            "cmd" => ShellKind.Cmd,
            _ => (ShellKind)(-1),
        };
        return Enum.IsDefined(shell);
    }

    public static string Name(this ShellKind shell) => All[(int)shell];
}
