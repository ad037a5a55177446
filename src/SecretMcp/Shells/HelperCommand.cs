namespace SecretMcp.Shells;

/// <summary>
/// How a snippet calls this tool back. Agents' shells often lack ~/.dotnet/tools on PATH, so the
/// snippet names the executable by the absolute path this process was started from.
/// </summary>
public static class HelperCommand
{
    /// <summary>
    /// The redeem argv for one form of a snippet. The variable and the form only shape redeem's one
    /// error line ("DB_PASSWORD is unset", "the command was not run"); the ticket alone decides what
    /// is delivered. The ticket comes last and starts with "smt1.", so it can never be read as an option.
    /// </summary>
    public static IReadOnlyList<string> Redeem(IReadOnlyList<string> self, string variable, string ticket, bool inline)
    {
        ArgumentNullException.ThrowIfNull(self);
        if (ticket.Length == 0 || !ticket.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_'))
        {
            throw new ArgumentException("A ticket holds only ASCII letters, digits, '.', '-' and '_'.", nameof(ticket));
        }

        return inline
            ? [.. self, "redeem", "--variable=" + variable, "--inline", ticket]
            : [.. self, "redeem", "--variable=" + variable, ticket];
    }

    /// <summary>The argv prefix that starts this tool again.</summary>
    public static IReadOnlyList<string> Self()
    {
        var process = Environment.ProcessPath
            ?? throw new InvalidOperationException("The path of the running secret-mcp executable is unknown.");

        // Started as 'dotnet secret-mcp.dll': the muxer needs the assembly after it.
        var name = Path.GetFileNameWithoutExtension(process);
        if (string.Equals(name, "dotnet", StringComparison.OrdinalIgnoreCase))
        {
            return [process, Path.Combine(AppContext.BaseDirectory, "secret-mcp.dll")];
        }

        return [process];
    }
}
