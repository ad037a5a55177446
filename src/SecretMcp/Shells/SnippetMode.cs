namespace SecretMcp.Shells;

/// <summary>Which form the agent asked to run: export (sets the variable) or inline (one command).</summary>
public enum SnippetMode
{
    Export,
    Inline,
}

public static class SnippetModes
{
    public static bool TryParse(string? name, out SnippetMode mode)
    {
        switch ((name ?? "export").Trim().ToLowerInvariant())
        {
            case "export" or "":
                mode = SnippetMode.Export;
                return true;
            case "inline":
                mode = SnippetMode.Inline;
                return true;
            default:
                mode = SnippetMode.Export;
                return false;
        }
    }

    public static string Name(this SnippetMode mode) => mode == SnippetMode.Inline ? "inline" : "export";
}

/// <summary>Refusals that Secret Server's field metadata allows before any ticket is minted.</summary>
public static class FieldFit
{
    /// <summary>
    /// Null when the field may suit the shell (the broker checks the value itself); otherwise why not.
    /// </summary>
    public static string? Refusal(ShellKind shell, string field, bool isNotes, bool isFile)
    {
        if (shell != ShellKind.Cmd || !(isNotes || isFile))
        {
            return null;
        }

        var kind = isFile ? "a file attachment" : "a multi-line notes field";
        return $"field '{field}' is {kind}, and a cmd variable holds one line of text only; ask again with "
            + "shell \"pwsh\" or \"powershell\" (or run the command from bash, zsh, sh or fish)";
    }
}
