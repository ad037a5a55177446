namespace SecretMcp.Tickets;

/// <summary>
/// The per-user folder that holds broker sockets. serve and redeem must agree on it, so both
/// resolve it the same way from the environment they run in.
/// </summary>
public static class RuntimeFolder
{
    /// <summary>Overrides the folder (tests, or users whose agents run with another environment).</summary>
    public const string OverrideVariable = "SECRET_MCP_RUNTIME_DIR";

    /// <summary>Linux allows 107 bytes in a socket path; leave room for the file name.</summary>
    public const int MaxFolderLength = 80;

    public static string Resolve() =>
        UserFolders.Resolve(
            OverrideVariable, "XDG_RUNTIME_DIR", [".local", "state", "secret-mcp", "run"], ["secret-mcp", "run"])
        ?? throw new BrokerStartException(
            $"Cannot tell this user's home folder; set {OverrideVariable} or XDG_RUNTIME_DIR to a private folder.");

    /// <summary>Creates the folder private to this user (<see cref="PrivateFolder"/>), or refuses to start.</summary>
    public static string EnsurePrivate(string folder)
    {
        if (folder.Length > MaxFolderLength)
        {
            throw new BrokerStartException(
                $"The runtime folder path is {folder.Length} characters; socket paths must stay under 108 bytes. "
                + $"Set {OverrideVariable} to a shorter folder.");
        }

        try
        {
            PrivateFolder.Ensure(folder);
        }
        catch (Exception e) when (e is UnauthorizedAccessException or IOException)
        {
            throw new BrokerStartException(
                $"The runtime folder '{folder}' cannot be made private to this user ({e.Message}). "
                + $"Remove it or set {OverrideVariable} to a folder you own.", e);
        }

        return folder;
    }

    public static string SocketPath(string folder, string instance) => Path.Combine(folder, instance + ".sock");

    public static string LockPath(string folder, string instance) => Path.Combine(folder, instance + ".lock");
}

public sealed class BrokerStartException : Exception
{
    public BrokerStartException(string message)
        : base(message)
    {
    }

    public BrokerStartException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
