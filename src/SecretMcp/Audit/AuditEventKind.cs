namespace SecretMcp.Audit;

/// <summary>The kinds of event in the audit log; the strings are stable, scripts read them.</summary>
public static class AuditEventKind
{
    /// <summary>An agent asked for a secret.</summary>
    public const string Requested = "requested";

    /// <summary>A request was refused before anything was minted (not found, denied, limits).</summary>
    public const string RequestRefused = "request_refused";

    /// <summary>The user approved a request (issue 7 asks through MCP elicitation).</summary>
    public const string Approved = "approved";

    /// <summary>The user declined or dismissed a request; nothing is minted.</summary>
    public const string Declined = "declined";

    /// <summary>Secret Server requires approval: an access request was filed, found pending, or reported.</summary>
    public const string AccessRequest = "access_request";

    public const string Minted = "minted";

    /// <summary>The broker delivered the value to a helper.</summary>
    public const string Redeemed = "redeemed";

    /// <summary>The broker refused a redemption; <c>code</c> holds the problem code.</summary>
    public const string RedemptionRefused = "redemption_refused";

    /// <summary>A ticket that could still be redeemed was revoked; <c>reason</c>: cleanup or shutdown.</summary>
    public const string Revoked = "revoked";

    public const string CleanedUp = "cleaned_up";

    /// <summary>A rotate-after-use secret's password was changed in Secret Server.</summary>
    public const string Rotated = "rotated";

    /// <summary>Rotation after use was due but failed; <c>detail</c> says why.</summary>
    public const string RotationFailed = "rotation_failed";

    /// <summary>A connection to the broker from another OS user was dropped.</summary>
    public const string ConnectionRefused = "connection_refused";

    public const string SignedIn = "signed_in";

    public const string SignInFailed = "sign_in_failed";

    public const string SignedOut = "signed_out";
}
