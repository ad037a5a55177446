using System.Text;

namespace SecretMcp.Shells;

/// <summary>
/// Snippets for POSIX-family shells (bash, zsh, dash). The recipe is in
/// shared/reference/shells.md section 1: capture the helper's output with a sentinel so trailing
/// newlines survive, test the capture's status, and never use set -e or exit in the user's shell.
/// The helper (redeem) prints the one error line itself, so the snippets add none of their own.
/// </summary>
public static class PosixSnippets
{
    private const string Temp = "__secret_mcp_v";

    private const string TracingRefusal =
        "echo \"secret-mcp: shell tracing (set -x) is on and would print the secret; run 'set +x' first\" >&2";

    /// <summary>
    /// Sets <paramref name="variable"/> to the helper's exact stdout. On failure leaves the variable
    /// unset and returns non-zero. The leading space keeps the line out of history where the shell
    /// honours ignorespace. No '!', '#' or newline: safe from history expansion and zsh comments.
    /// </summary>
    public static string Export(string variable, IReadOnlyList<string> helper)
    {
        var capture = Capture(helper);
        return $" case $- in *x*) {TracingRefusal}; unset -v {variable}; false;; "
            + $"*) if {Temp}=$({capture} && printf x); then export {variable}=\"${{{Temp}%x}}\"; unset -v {Temp}; "
            + $"else unset -v {Temp} {variable}; false; fi;; esac";
    }

    /// <summary>
    /// Runs one command (on its own line, so a trailing '&amp;' or comment still parses) in a subshell
    /// that has the variable; the caller's shell never sees it. The command does not run when the
    /// secret cannot be fetched, and the subshell ends with redeem's exit code.
    /// </summary>
    public static string Inline(string variable, IReadOnlyList<string> helper, string command)
    {
        var capture = Capture(helper);
        return $" ( case $- in *x*) {TracingRefusal}; exit 1;; esac; {Temp}=$({capture} && printf x) || exit; "
            + $"{variable}=\"${{{Temp}%x}}\"; export {variable}; unset -v {Temp}\n{command}\n)";
    }

    /// <summary>Removes the variables; harmless where they were never set. -v spares same-named functions.</summary>
    public static string Unset(IEnumerable<string> variables) => " unset -v " + string.Join(' ', variables);

    /// <summary>Quotes one argument in single quotes, the only POSIX quoting with no expansions inside.</summary>
    public static string Quote(string argument)
    {
        ShellArguments.RejectLineBreaks(argument);
        return "'" + argument.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
    }

    private static string Capture(IReadOnlyList<string> helper) => ShellArguments.Join(helper, Quote);
}

internal static class ShellArguments
{
    /// <summary>No shell quotes a line break or NUL the same way twice; the helper's path must not hold one.</summary>
    public static void RejectLineBreaks(string argument)
    {
        if (argument.AsSpan().IndexOfAny('\r', '\n', '\0') >= 0)
        {
            throw new ArgumentException(
                "A path or argument of the secret-mcp command holds a line break or NUL; install the tool elsewhere.",
                nameof(argument));
        }
    }

    public static string Join(IReadOnlyList<string> arguments, Func<string, string> quote, string separator = " ")
    {
        var builder = new StringBuilder();
        foreach (var argument in arguments)
        {
            if (builder.Length > 0)
            {
                builder.Append(separator);
            }

            builder.Append(quote(argument));
        }

        return builder.ToString();
    }
}
