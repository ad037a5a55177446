namespace SecretMcp.Shells;

/// <summary>
/// Snippets for fish 3.2 and later (shells.md section 1). <c>string collect -N</c> keeps the output
/// as one element with its trailing newlines; the helper's status comes from <c>$pipestatus[1]</c>,
/// because <c>string collect</c> itself returns 1 on empty input. <c>--unpath</c> stops names ending
/// in PATH from being split on colons.
/// </summary>
public static class FishSnippets
{
    private const string Temp = "__secret_mcp_v";
    private const string Status = "__secret_mcp_rc";

    private const string TracingRefusal =
        "echo \"secret-mcp: fish_trace is on and would print the secret; run 'set -e fish_trace' first\" >&2";

    /// <summary>Sets a global exported variable; on failure erases it and returns non-zero.</summary>
    public static string Export(string variable, IReadOnlyList<string> helper) =>
        $" begin; if test -n \"$fish_trace\"; {TracingRefusal}; set -e {variable}; false; else; {Capture(helper)}; "
        + $"if test \"${Status}\" = 0; set -gx --unpath {variable} ${Temp}; "
        + $"else; set -e {variable}; false; end; end; end";

    /// <summary>
    /// Runs one command with a block-local exported variable, visible to child processes and fish
    /// functions and gone after the block; the command does not run when the secret cannot be fetched.
    /// </summary>
    public static string Inline(string variable, IReadOnlyList<string> helper, string command) =>
        $" begin; if test -n \"$fish_trace\"; {TracingRefusal}; false; else; {Capture(helper)}; "
        + $"if test \"${Status}\" = 0; set -lx --unpath {variable} ${Temp}; set -e {Temp}; set -e {Status}\n"
        + $"{command}\nelse; false; end; end; end";

    /// <summary>
    /// Erases the variables; <c>set -e</c> fails for a name that is not set, hence one name per call.
    /// </summary>
    public static string Unset(IEnumerable<string> variables) =>
        " " + string.Join("; ", variables.Select(v => $"set -e {v} 2>/dev/null")) + "; true";

    /// <summary>Quotes one argument in single quotes, where fish only interprets \\ and \'.</summary>
    public static string Quote(string argument)
    {
        ShellArguments.RejectLineBreaks(argument);
        var escaped = argument.Replace("\\", "\\\\", StringComparison.Ordinal);
        return "'" + escaped.Replace("'", "\\'", StringComparison.Ordinal) + "'";
    }

    private static string Capture(IReadOnlyList<string> helper) =>
        $"set -l {Temp} ({ShellArguments.Join(helper, Quote)} | string collect -N); set -l {Status} $pipestatus[1]";
}
