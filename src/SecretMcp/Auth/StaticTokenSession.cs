using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// token: a Secret Server bearer issued beforehand and handed over in an environment variable, for
/// CI. It cannot be refreshed; once Secret Server refuses it, every call says so.
/// </summary>
public sealed class StaticTokenSession(string? token, string variable) : ISecretServerSession
{
    private volatile bool _refused;

    public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            throw new NotSignedInException(
                $"not signed in: the token sign-in reads a Secret Server bearer from {variable}, which is not set.");
        }

        if (_refused)
        {
            throw new NotSignedInException(
                $"Secret Server refused the bearer in {variable}; it has probably expired. Set a fresh one.");
        }

        return ValueTask.FromResult(token);
    }

    public void Invalidate(string refused)
    {
        if (refused == token)
        {
            _refused = true;
        }
    }
}
