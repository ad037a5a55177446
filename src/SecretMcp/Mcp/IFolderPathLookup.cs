namespace SecretMcp.Mcp;

/// <summary>
/// Finds the folder path of a secret the agent named by id, so path rules can be checked for it.
/// Without one, a secret named by id has no known path: deny and ask rules with a path count as
/// matching it and allow rules with a path do not, so naming a secret by id never gets past a path
/// rule (the refusal tells the agent to use the folder path).
/// </summary>
public interface IFolderPathLookup
{
    /// <summary>The folder's path in backslash form (<c>\db</c>), or null when it cannot be told.</summary>
    Task<string?> GetFolderPathAsync(int folderId, CancellationToken cancellationToken);
}

/// <summary>The lookup until the Secret Server client resolves folders: always unknown.</summary>
public sealed class UnknownFolderPaths : IFolderPathLookup
{
    public Task<string?> GetFolderPathAsync(int folderId, CancellationToken cancellationToken) =>
        Task.FromResult<string?>(null);
}
