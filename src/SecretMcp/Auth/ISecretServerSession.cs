namespace SecretMcp.Auth;

/// <summary>Supplies Secret Server bearer tokens. Tokens live in memory only.</summary>
public interface ISecretServerSession
{
    /// <summary>A token valid for at least a little while; signs in or refreshes when needed.</summary>
    ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Forgets <paramref name="token"/> after Secret Server refused it, so the next call gets a new one.
    /// </summary>
    void Invalidate(string token);
}
