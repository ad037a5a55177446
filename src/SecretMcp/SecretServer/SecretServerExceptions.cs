namespace SecretMcp.SecretServer;

/// <summary>
/// Failures talking to Secret Server. Every message is safe to show the model: it never holds a
/// value, a token, a header or a response body, and it says what to do next.
/// </summary>
public abstract class SecretServerException : Exception
{
    protected SecretServerException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>No usable Secret Server session: not signed in, sign-in refused, or the session expired for good.</summary>
public sealed class NotSignedInException(string message, Exception? inner = null)
    : SecretServerException(message, inner);

/// <summary>
/// No such secret, path or field, as far as this account can tell. Secret Server answers "Access
/// Denied" both for a secret that does not exist and for one the user may not see.
/// </summary>
public class SecretNotFoundException(string message) : SecretServerException(message);

public sealed class FieldNotFoundException(string message) : SecretNotFoundException(message);

/// <summary>A name that matches several secrets; the message lists their ids and paths.</summary>
public sealed class AmbiguousSecretException(string message, IReadOnlyList<SecretCandidate> candidates)
    : SecretNotFoundException(message)
{
    public IReadOnlyList<SecretCandidate> Candidates { get; } = candidates;
}

/// <summary>The secret exists, but this account may not view it.</summary>
public sealed class SecretAccessDeniedException(string message) : SecretServerException(message);

/// <summary>The secret may only be read with a comment (a reason), which was not given.</summary>
public sealed class SecretRequiresCommentException(string message) : SecretServerException(message);

/// <summary>The secret needs an approved access request; that happens in Secret Server, not here.</summary>
public sealed class SecretRequiresApprovalException(string message) : SecretServerException(message);

/// <summary>Another user holds the secret checked out.</summary>
public sealed class SecretCheckedOutException(string message) : SecretServerException(message);

/// <summary>Down, slow, overloaded, its answer was cut off, or it answered in a way the client does not know.</summary>
public sealed class SecretServerUnavailableException(string message, Exception? inner = null)
    : SecretServerException(message, inner)
{
    /// <summary>
    /// True when Secret Server did answer, but not as expected (an unknown 4xx, another JSON shape):
    /// an older server may lack an endpoint, and the client can try another way.
    /// </summary>
    public bool UnexpectedAnswer { get; init; }
}

/// <summary>
/// Something between here and Secret Server is set up wrong: the base URL (an HTML page or a
/// redirect answered instead of the API), TLS trust (an untrusted certificate), or a setting.
/// </summary>
public sealed class SecretServerConfigurationException(string message, Exception? inner = null)
    : SecretServerException(message, inner);
