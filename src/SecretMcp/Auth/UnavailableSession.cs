using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// The session when serve has no way to sign in. serve never prompts on stdio, so every tool call
/// answers with what the user has to do instead.
/// </summary>
public sealed class UnavailableSession(string reason) : ISecretServerSession
{
    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) =>
        throw new NotSignedInException(reason);

    public void Invalidate(string token)
    {
    }
}
