using System.Text;

namespace SecretMcp.Shells;

/// <summary>
/// What a shell's variables can hold. The broker checks the value against the ticket's shell at
/// redemption, so a value that cannot arrive whole is refused instead of delivered half. Pure: the
/// platform and the console code page are arguments.
/// </summary>
public static class ValueLimits
{
    /// <summary>
    /// Linux refuses to start any program once one NAME=value string reaches 128 KiB (E2BIG), so a
    /// larger value would break every later command in the shell.
    /// </summary>
    public const int MaxPosixBytes = 100 * 1024;

    /// <summary>
    /// Windows caps one environment variable at 32,767 UTF-16 units, name, '=' and terminator included;
    /// this leaves room for any valid name.
    /// </summary>
    public const int MaxWindowsChars = 32_767 - VariableName.MaxLength - 2;

    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    /// <summary>Null when the shell can hold the value byte for byte; otherwise why not, for the model.</summary>
    public static string? Check(ShellKind shell, ReadOnlySpan<byte> value) =>
        Check(shell, value, OperatingSystem.IsWindows());

    /// <inheritdoc cref="Check(ShellKind, ReadOnlySpan{byte})"/>
    /// <param name="shell">The shell the ticket was issued for.</param>
    /// <param name="value">The field's bytes.</param>
    /// <param name="windows">Whether the shell runs on Windows (the broker's machine: the socket is local).</param>
    public static string? Check(ShellKind shell, ReadOnlySpan<byte> value, bool windows)
    {
        if (value.IndexOf((byte)0) >= 0)
        {
            return $"the value contains a NUL byte, which no {shell.Name()} variable can hold";
        }

        if (value.Length > MaxPosixBytes)
        {
            return $"the value is {value.Length} bytes; environment variables above {MaxPosixBytes} bytes make "
                + "every later command fail on Linux (E2BIG)";
        }

        // PowerShell decodes the helper's output as strict UTF-8 and cmd reads it as text: bytes that
        // are not UTF-8 (a binary file field) cannot become their string.
        var isText = IsUtf8(value);
        if (!isText && shell is ShellKind.Pwsh or ShellKind.PowerShell or ShellKind.Cmd)
        {
            return $"the value is binary (not UTF-8 text), which a {shell.Name()} variable cannot hold; "
                + "use bash, zsh, sh or fish";
        }

        // Windows PowerShell 5.1 only runs on Windows.
        if ((windows || shell is ShellKind.PowerShell) && isText && s_strictUtf8.GetCharCount(value) > MaxWindowsChars)
        {
            return $"the value has more than {MaxWindowsChars} characters, more than a Windows environment "
                + "variable can hold";
        }

        if (value.IsEmpty && shell is ShellKind.PowerShell or ShellKind.Cmd)
        {
            return shell is ShellKind.Cmd
                ? "the value is empty, and cmd cannot tell an empty variable from an unset one (set \"NAME=\" "
                    + "deletes it); use pwsh (7.5 or later), bash, zsh, sh or fish"
                : "the value is empty, and Windows PowerShell 5.1 deletes a variable set to an empty value; "
                    + "use pwsh (7.5 or later)";
        }

        return null;
    }

    /// <summary>
    /// The bytes redeem prints for the shell: the value itself, or for cmd one line in the console code
    /// page followed by CRLF. Null when it can be delivered; otherwise why not.
    /// </summary>
    /// <param name="shell">The shell the ticket was issued for.</param>
    /// <param name="value">The field's bytes.</param>
    /// <param name="consoleCodePage">The code page cmd decodes <c>for /f</c> output with; null for UTF-8.</param>
    /// <param name="windows">Whether the shell runs on Windows.</param>
    /// <param name="output">What to send; the same array as <paramref name="value"/> unless it was re-encoded.</param>
    public static string? TryFormat(
        ShellKind shell, byte[] value, int? consoleCodePage, bool windows, out byte[] output)
    {
        ArgumentNullException.ThrowIfNull(value);
        output = value;
        if (Check(shell, value, windows) is { } reason)
        {
            return reason;
        }

        return shell is ShellKind.Cmd ? CmdValue.TryEncode(value, consoleCodePage ?? 65001, out output) : null;
    }

    private static bool IsUtf8(ReadOnlySpan<byte> value) => System.Text.Unicode.Utf8.IsValid(value);
}
