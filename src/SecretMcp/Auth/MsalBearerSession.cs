namespace SecretMcp.Auth;

/// <summary>
/// bearer: the MSAL access token is sent to Secret Server as is. Only for a Secret Server fronted by
/// a gateway that validates the identity provider's tokens; Secret Server alone does not accept them.
/// </summary>
public sealed class MsalBearerSession(IdentityClient identity, TimeProvider time) : CachedBearerSession(time)
{
    protected override async Task<BearerToken> AcquireAsync(bool afterRefusal, CancellationToken cancellationToken)
    {
        var token = await identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        if (afterRefusal)
        {
            // Refused by Secret Server: refresh at the provider rather than resend the same token.
            identity.Invalidate(token.AccessToken);
            token = await identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
        }

        return new BearerToken(token.AccessToken, token.ExpiresOn, token.Username);
    }
}
