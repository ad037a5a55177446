namespace SecretMcp.Shells;

/// <summary>
/// Validates environment variable names before any snippet is generated. A name is never quoted
/// into a command: it is either plain ASCII that every shell reads literally, or it is refused.
/// </summary>
public static class VariableName
{
    public const int MaxLength = 128;

    // Names whose change alters how the shell or the programs it starts behave. Compared
    // case-insensitively, because Windows treats Path and PATH as one variable.
    private static readonly HashSet<string> s_denied = new(StringComparer.OrdinalIgnoreCase)
    {
        "PATH", "HOME", "IFS", "ENV", "BASH_ENV", "CDPATH", "SHELL", "SHELLOPTS", "BASHOPTS", "USER", "LOGNAME",
        "PS1", "PS2", "PS3", "PS4", "PROMPT_COMMAND", "RANDOM", "SECONDS", "LINENO", "PWD", "OLDPWD", "TERM",
        "TMPDIR", "EDITOR", "PAGER", "GLOBIGNORE", "POSIXLY_CORRECT", "PYTHONPATH", "NODE_OPTIONS",
        "ERRORLEVEL", "CD", "DATE", "TIME", "CMDCMDLINE", "CMDEXTVERSION", "COMSPEC", "PATHEXT", "SYSTEMROOT",
        "WINDIR", "TEMP", "TMP", "PSMODULEPATH", "USERPROFILE",
    };

    private static readonly string[] s_deniedPrefixes =
        ["LD_", "DYLD_", "BASH_", "BASH_FUNC_", "ZSH_", "FISH_", "LC_", "HIST", "DOTNET_", "COMPlus_", "SECRET_MCP"];

    /// <summary>Null when the name is usable; otherwise the reason, written for the model.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the variable name is empty; use letters, digits and underscores, such as DB_PASSWORD";
        }

        if (name.Length > MaxLength)
        {
            return $"the variable name is longer than {MaxLength} characters";
        }

        // A plain ASCII loop: no regex, so no case folding (the Kelvin sign) and no '$' before a final
        // newline can slip a look-alike or a line break through.
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var isLetter = c is >= 'A' and <= 'Z' or >= 'a' and <= 'z' or '_';
            var isDigit = c is >= '0' and <= '9';
            if (!isLetter && !(isDigit && i > 0))
            {
                return $"the variable name '{Printable(name)}' is not allowed: it must match [A-Za-z_][A-Za-z0-9_]* "
                    + "(ASCII letters, digits and underscores, not starting with a digit)";
            }
        }

        if (s_denied.Contains(name))
        {
            return $"the variable name '{name}' is reserved: setting it would change how the shell or its programs "
                + "behave; choose another name, such as APP_" + name.ToUpperInvariant();
        }

        foreach (var prefix in s_deniedPrefixes)
        {
            if (name.StartsWith(prefix, StringComparison.OrdinalIgnoreCase))
            {
                return $"the variable name '{name}' starts with the reserved prefix '{prefix}'; choose another name";
            }
        }

        return null;
    }

    /// <summary>
    /// A safe default name made from a secret's path (or name) and field, e.g. db/prod + password →
    /// DB_PROD_PASSWORD. Anything outside [A-Z0-9] becomes one underscore.
    /// </summary>
    public static string Derive(string secretLabel, string field)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in (secretLabel + "_" + field).ToUpperInvariant())
        {
            var keep = c is >= 'A' and <= 'Z' or >= '0' and <= '9';
            if (keep)
            {
                builder.Append(c);
            }
            else if (builder.Length > 0 && builder[^1] != '_')
            {
                builder.Append('_');
            }
        }

        var name = builder.ToString().Trim('_');
        if (name.Length == 0 || char.IsAsciiDigit(name[0]))
        {
            name = "SECRET_" + name;
        }

        if (name.Length > MaxLength)
        {
            name = name[..MaxLength].TrimEnd('_');
        }

        return Validate(name) is null ? name : "SECRET_" + name;
    }

    /// <summary>Shows a rejected name without letting control characters reach the transcript raw.</summary>
    private static string Printable(string name)
    {
        var builder = new System.Text.StringBuilder();
        foreach (var c in name.Length > 64 ? name[..64] + "…" : name)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }

        return builder.ToString();
    }
}
