namespace SecretMcp.SecretServer;

/// <summary>
/// Failures talking to Secret Server. Every message is safe to show the model: it never holds a
/// value, a token, a header or a response body.
/// </summary>
public abstract class SecretServerException : Exception
{
    protected SecretServerException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>No usable Secret Server session: not signed in, or the sign-in was refused.</summary>
public sealed class NotSignedInException(string message, Exception? inner = null)
    : SecretServerException(message, inner);

/// <summary>Secret Server answers "Access Denied" both for a secret that does not exist and one the user may not read.</summary>
public sealed class SecretNotFoundException(string message) : SecretServerException(message);

public sealed class FieldNotFoundException(string message) : SecretServerException(message);

public sealed class SecretRequiresCommentException(string message) : SecretServerException(message);

/// <summary>Down, slow, or answering with something that is not its API (an HTML login page, a proxy).</summary>
public sealed class SecretServerUnavailableException(string message, Exception? inner = null)
    : SecretServerException(message, inner);
