namespace SecretMcp.Shells;

/// <summary>
/// What a shell's variables can hold. The broker checks the value against the ticket's shell at
/// redemption, so a value that cannot arrive whole is refused instead of delivered half.
/// </summary>
public static class ValueLimits
{
    /// <summary>
    /// Linux refuses to start any program once one NAME=value string reaches 128 KiB (E2BIG), so a
    /// larger value would break every later command in the shell.
    /// </summary>
    public const int MaxPosixBytes = 100 * 1024;

    /// <summary>Null when the shell can hold the value byte for byte; otherwise why not.</summary>
    public static string? Check(ShellKind shell, ReadOnlySpan<byte> value)
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

        return null;
    }
}
