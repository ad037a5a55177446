namespace SecretMcp.Shells;

/// <summary>
/// Snippets for cmd.exe (shells.md sections 1–3). <c>for /f</c> captures redeem's one output line,
/// which the broker has already checked and encoded for cmd (no line breaks or control characters,
/// no leading ';', no '!', the console code page; see <see cref="CmdValue"/>). FOR variables are
/// substituted after cmd has parsed <c>%</c>, quotes and <c>&amp; | &lt; &gt; ^</c>, so those stay literal.
/// </summary>
/// <remarks>
/// These are for the interactive prompt and <c>cmd /c</c>; in a batch file write <c>%%A</c> for <c>%A</c>.
/// <c>@set</c> matters: at a prompt with echo on, FOR echoes each iteration's command, value included.
/// </remarks>
public static class CmdSnippets
{
    /// <summary>
    /// Two lines. The first clears the variable and sets it from redeem's output; when redeem fails it
    /// prints one line on stderr and nothing on stdout, so the variable stays undefined (the old value
    /// is cleared, not kept). <c>for /f</c> discards redeem's exit code, so the second line sets
    /// ERRORLEVEL from whether the variable is defined. It is its own line because Wine's cmd skips
    /// the rest of a line after a FOR that ran zero times.
    /// </summary>
    public static string Export(string variable, IReadOnlyList<string> helper) =>
        $"set \"{variable}=\" & {Capture(variable, helper)}\n"
        + $"if defined {variable} (cmd /d /c exit 0) else (cmd /d /c exit 1)";

    /// <summary>
    /// One line for <c>cmd /c</c>: the command runs only when the variable was set. <c>exit /b 1</c>
    /// ends the <c>cmd /c</c> with status 1; typed at an interactive prompt it would close the window.
    /// </summary>
    public static string Inline(string variable, IReadOnlyList<string> helper, string command) =>
        $"set \"{variable}=\" & {Capture(variable, helper)} & (if not defined {variable} (exit /b 1)) & {command}";

    /// <summary>Clears the variables; quoted so that trailing spaces cannot slip into a name.</summary>
    public static string Unset(IEnumerable<string> variables) =>
        string.Join(" & ", variables.Select(v => $"set \"{v}=\""));

    /// <summary>
    /// Quotes one argument in double quotes. cmd has no escape inside quotes, so what it would still
    /// interpret there (<c>"</c>, <c>%</c>, <c>!</c>, <c>^</c>), control characters and a trailing
    /// backslash (which would escape the closing quote for the program's argument parser) are refused.
    /// </summary>
    public static string Quote(string argument)
    {
        ShellArguments.RejectLineBreaks(argument);
        if (argument.Any(c => c is '"' or '%' or '!' or '^' || char.IsControl(c)) || argument.EndsWith('\\'))
        {
            throw new ArgumentException(
                "A path or argument of the secret-mcp command holds a character cmd cannot quote (\" % ! ^, a "
                + "control character or a trailing backslash); install the tool elsewhere.", nameof(argument));
        }

        return "\"" + argument + "\"";
    }

    /// <summary>
    /// The extra outer quotes survive the quote stripping that <c>cmd /c</c> applies to the FOR command;
    /// <c>delims=</c> keeps spaces and tabs.
    /// </summary>
    private static string Capture(string variable, IReadOnlyList<string> helper) =>
        $"(for /f \"usebackq delims=\" %A in (`\"{ShellArguments.Join(helper, Quote)}\"`) do @set \"{variable}=%A\")";
}
