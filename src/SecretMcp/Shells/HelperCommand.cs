namespace SecretMcp.Shells;

/// <summary>
/// How a snippet calls this tool back. Agents' shells often lack ~/.dotnet/tools on PATH, so the
/// snippet names the executable by the absolute path this process was started from.
/// </summary>
public static class HelperCommand
{
    public static IReadOnlyList<string> Redeem(string ticket) => [.. Self(), "redeem", ticket];

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
