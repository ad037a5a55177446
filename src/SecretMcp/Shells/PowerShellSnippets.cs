using System.Text;

namespace SecretMcp.Shells;

/// <summary>
/// Snippets for PowerShell 7 (pwsh) and Windows PowerShell 5.1 (shells.md section 1). The helper is
/// started through <c>System.Diagnostics.Process</c> and its raw stdout stream decoded as strict UTF-8:
/// <c>$x = &amp; helper</c> would split lines, drop trailing newlines and CRs and decode with the console
/// code page, and the process's own reader would eat a leading BOM.
/// </summary>
/// <remarks>
/// The value is only ever an argument of a .NET method call, never assigned to a PowerShell variable:
/// <c>Set-PSDebug -Trace 2</c> prints variable assignments with their values, but not the arguments
/// of method calls. On failure the scriptblock writes one error record (pwsh's default ConciseView
/// shows it as one line, "secret-mcp: …"), which makes <c>$?</c> false, and sets
/// <c>$LASTEXITCODE</c> to redeem's exit code; it never throws or exits, so an interactive window survives.
/// </remarks>
public static class PowerShellSnippets
{
    /// <summary>Sets <c>$env:NAME</c> for the session; on failure removes it.</summary>
    public static string Export(string variable, IReadOnlyList<string> helper, bool windowsPowerShell) =>
        " & { [CmdletBinding()] param() " + Capture(variable, helper, windowsPowerShell) + " }";

    /// <summary>
    /// Runs one command (on its own line) with the variable set, then restores the previous value or
    /// the unset state, even when the command throws. For a shell started per command
    /// (<c>pwsh -Command</c>), a failing native command's exit code is passed on with <c>exit</c>; after a
    /// failed redemption <c>$?</c> is false, so it never exits then.
    /// </summary>
    public static string Inline(
        string variable, IReadOnlyList<string> helper, string command, bool windowsPowerShell) =>
        " & { [CmdletBinding()] param() $global:LASTEXITCODE = 0; "
        + $"$__smt_o = [System.Environment]::GetEnvironmentVariable('{variable}'); "
        + $"try {{ {Capture(variable, helper, windowsPowerShell)}; if ($__smt_f) {{ return }}; "
        + "Remove-Variable __smt_f, __smt_p, __smt_m, __smt_e\n"
        + command + "\n"
        + $"}} finally {{ if ($null -eq $__smt_o) {{ Remove-Item Env:{variable} -ErrorAction SilentlyContinue }} "
        + $"else {{ [System.Environment]::SetEnvironmentVariable('{variable}', $__smt_o) }} }} }}; "
        + "if ($? -and $LASTEXITCODE) { exit $LASTEXITCODE }";

    /// <summary>Removes the variables; missing names are not an error.</summary>
    public static string Unset(IEnumerable<string> variables) =>
        " Remove-Item " + string.Join(", ", variables.Select(v => "Env:" + v)) + " -ErrorAction SilentlyContinue";

    /// <summary>
    /// Quotes one argument in single quotes. PowerShell also takes U+2018–U+201B as single quotes,
    /// so each of those is doubled too.
    /// </summary>
    public static string Quote(string argument)
    {
        ShellArguments.RejectLineBreaks(argument);
        var builder = new StringBuilder("'");
        foreach (var c in argument)
        {
            builder.Append(c);
            if (c is '\'' or '\u2018' or '\u2019' or '\u201A' or '\u201B')
            {
                builder.Append(c);
            }
        }

        return builder.Append('\'').ToString();
    }

    /// <summary>
    /// One argument as the Windows C runtime (CommandLineToArgvW) splits a command line: for
    /// <c>ProcessStartInfo.Arguments</c> in Windows PowerShell 5.1, whose .NET Framework has no ArgumentList.
    /// </summary>
    public static string WindowsArgument(string argument)
    {
        ShellArguments.RejectLineBreaks(argument);
        if (argument.Length > 0 && argument.AsSpan().IndexOfAny(" \t\"") < 0)
        {
            return argument;
        }

        var builder = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            // Backslashes are literal unless they precede a quote: then each is doubled and the quote escaped.
            builder.Append('\\', c == '"' ? (backslashes * 2) + 1 : backslashes);
            builder.Append(c);
            backslashes = 0;
        }

        return builder.Append('\\', backslashes * 2).Append('"').ToString();
    }

    /// <summary>
    /// Starts the helper, reads its stdout as bytes and its stderr as text, then either sets the
    /// variable or removes it and reports redeem's own error line. Leaves $__smt_f set on failure.
    /// </summary>
    private static string Capture(string variable, IReadOnlyList<string> helper, bool windowsPowerShell)
    {
        var arguments = windowsPowerShell
            ? $"$__smt_p.Arguments = {Quote(ShellArguments.Join(helper.Skip(1).ToList(), WindowsArgument))}"
            : $"foreach ($__smt_a in @({ShellArguments.Join(helper.Skip(1).ToList(), Quote, ", ")})) "
                + "{ $__smt_p.ArgumentList.Add($__smt_a) }";
        var unset = $"Remove-Item Env:{variable} -ErrorAction SilentlyContinue";
        return $"$__smt_p = [System.Diagnostics.ProcessStartInfo]::new({Quote(helper[0])}); {arguments}; "
            + "$__smt_p.UseShellExecute = $false; $__smt_p.RedirectStandardOutput = $true; "
            + "$__smt_p.RedirectStandardError = $true; $__smt_p = [System.Diagnostics.Process]::Start($__smt_p); "
            + "$__smt_e = $__smt_p.StandardError.ReadToEndAsync(); $__smt_m = [System.IO.MemoryStream]::new(); "
            + "$__smt_p.StandardOutput.BaseStream.CopyTo($__smt_m); $__smt_p.WaitForExit(); "
            + "$global:LASTEXITCODE = $__smt_p.ExitCode; $__smt_f = $null; "
            + "if ($__smt_p.ExitCode -ne 0) { $__smt_f = $__smt_e.Result.Trim(); if (-not $__smt_f) { "
            + "$__smt_f = \"secret-mcp: could not fetch the secret (exit $($__smt_p.ExitCode)); "
            + $"{variable} is unset\" }} }} "
            + $"else {{ try {{ [System.Environment]::SetEnvironmentVariable('{variable}', "
            + "[System.Text.UTF8Encoding]::new($false, $true).GetString($__smt_m.ToArray())) } "
            + $"catch {{ $__smt_f = 'secret-mcp: the value is not valid UTF-8; {variable} is unset' }}; "
            + $"if ($__smt_m.Length -eq 0 -and -not (Test-Path Env:{variable})) {{ $__smt_f = 'secret-mcp: this "
            + $"PowerShell cannot hold an empty value (PowerShell 7.5 or later can); {variable} is unset' }} }}; "
            + $"if ($__smt_f) {{ {unset}; if ($global:LASTEXITCODE -eq 0) {{ $global:LASTEXITCODE = 1 }}; "
            + "$__smt_r = [System.Management.Automation.ErrorRecord]::new([System.Exception]::new("
            + "($__smt_f -replace '^secret-mcp: ', '')), 'SecretMcp.RedeemFailed', 'InvalidResult', $null); "
            + "$__smt_r.CategoryInfo.Activity = 'secret-mcp'; $PSCmdlet.WriteError($__smt_r) }";
    }
}
