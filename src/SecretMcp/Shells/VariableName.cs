namespace SecretMcp.Shells;

/// <summary>
/// Validates environment variable names before any snippet is generated. A name is never quoted
/// into a command: it is either plain ASCII that every shell reads literally, or it is refused.
/// </summary>
public static class VariableName
{
    public const int MaxLength = 128;

    // Names whose change alters how a shell or the programs it starts behave (shells.md section 5).
    // Compared case-insensitively, because Windows treats Path and PATH as one variable.
    private static readonly HashSet<string> s_denied = new(StringComparer.OrdinalIgnoreCase)
    {
        // Any shell, and the programs it starts.
        "_", "PATH", "HOME", "USER", "LOGNAME", "SHELL", "TERM", "PWD", "OLDPWD", "TMPDIR", "EDITOR", "VISUAL",
        "PAGER", "LANG", "LANGUAGE", "TZ", "MAIL", "MAILPATH", "MAILCHECK", "PYTHONPATH", "PYTHONSTARTUP",
        "PYTHONHOME", "PERL5LIB", "PERL5OPT", "RUBYOPT", "NODE_OPTIONS", "JAVA_TOOL_OPTIONS", "_JAVA_OPTIONS",
        // POSIX shells, bash and zsh.
        "IFS", "ENV", "CDPATH", "FPATH", "MANPATH", "SHELLOPTS", "BASHOPTS", "PS1", "PS2", "PS3", "PS4",
        "PROMPT", "PROMPT2", "PROMPT3", "PROMPT4", "RPROMPT", "RPS1", "RPS2", "SPROMPT", "PROMPT_COMMAND",
        "RANDOM", "SRANDOM", "SECONDS", "LINENO", "EPOCHSECONDS", "EPOCHREALTIME", "OPTIND", "OPTARG", "REPLY",
        "PPID", "UID", "EUID", "GROUPS", "SHLVL", "TMOUT", "GLOBIGNORE", "POSIXLY_CORRECT", "INPUTRC",
        "FCEDIT", "FUNCNAME", "PIPESTATUS", "DIRSTACK", "HOSTNAME", "HOSTTYPE", "MACHTYPE", "OSTYPE",
        "COLUMNS", "LINES", "ZDOTDIR", "USERNAME", "ARGC", "SAVEHIST", "KEYTIMEOUT", "WORDCHARS", "NULLCMD",
        "READNULLCMD", "TIMEFMT", "TMPPREFIX", "WATCH", "ERRNO", "SIGNALS",
        // cmd and Windows: setting one shadows a dynamic value or changes how programs are found.
        "ERRORLEVEL", "CD", "DATE", "TIME", "CMDCMDLINE", "CMDEXTVERSION", "COMSPEC", "PATHEXT", "SYSTEMROOT",
        "SYSTEMDRIVE", "WINDIR", "TEMP", "TMP", "USERPROFILE", "APPDATA", "LOCALAPPDATA", "PROGRAMFILES",
        "PROGRAMDATA", "HIGHESTNUMANODENUMBER", "__COMPAT_LAYER",
        // PowerShell.
        "PSMODULEPATH", "PSEXECUTIONPOLICYPREFERENCE", "__PSLOCKDOWNPOLICY",
    };

    private static readonly string[] s_deniedPrefixes =
    [
        "LD_", "DYLD_", "BASH_", "ZSH_", "FISH_", "LC_", "HIST", "COMP_", "READLINE_", "DOTNET_", "COMPLUS_",
        "CORECLR_", "POWERSHELL_", "SECRET_MCP",
    ];

    /// <summary>Null when the name is usable; otherwise the reason, written for the model.</summary>
    public static string? Validate(string? name)
    {
        if (string.IsNullOrEmpty(name))
        {
            return "the variable name is empty; use upper-case letters, digits and underscores, such as DB_PASSWORD";
        }

        if (name.Length > MaxLength)
        {
            return $"the variable name is longer than {MaxLength} characters";
        }

        // A plain ASCII loop: no regex, so no case folding (the Kelvin sign) and no '$' before a final
        // newline can slip a look-alike or a line break through. Upper case only: lower-case names
        // collide with shell specials such as zsh's 'path' (tied to PATH) and fish's read-only 'status'.
        for (var i = 0; i < name.Length; i++)
        {
            var c = name[i];
            var isLetter = c is >= 'A' and <= 'Z' or '_';
            var isDigit = c is >= '0' and <= '9';
            if (!isLetter && !(isDigit && i > 0))
            {
                var hint = name.All(char.IsAscii) && name.ToUpperInvariant() != name
                    && Validate(name.ToUpperInvariant()) is null
                        ? $"; did you mean {name.ToUpperInvariant()}?"
                        : "";
                return $"the variable name '{Printable(name)}' is not allowed: it must match [A-Z_][A-Z0-9_]* "
                    + "(upper-case ASCII letters, digits and underscores, not starting with a digit; lower-case "
                    + $"names collide with shell variables such as zsh's 'path' and fish's 'status'){hint}";
            }
        }

        if (s_denied.Contains(name))
        {
            return $"the variable name '{name}' is reserved: setting it would change how the shell or its programs "
                + "behave; choose another name, such as APP" + (name.StartsWith('_') ? "" : "_") + name;
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
