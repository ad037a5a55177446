using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// What stands between the identity provider and Secret Server: an RFC 8693 token-exchange endpoint
/// (the broker an organisation runs; no public Delinea API does this) and the Delinea Platform's
/// service-user token and vault discovery endpoints (shared/reference/secret-server-api.md 1.3).
/// </summary>
internal static class BrokerEndpoints
{
    public const string ExchangePath = "/exchange/oauth2/token";

    private const string ExchangeGrant = "urn:ietf:params:oauth:grant-type:token-exchange";
    private const string AccessTokenType = "urn:ietf:params:oauth:token-type:access_token";
    private const string JwtTokenType = "urn:ietf:params:oauth:token-type:jwt";

    public static void Map(IEndpointRouteBuilder app, IdentityState state)
    {
        app.MapPost(ExchangePath, context => ExchangeAsync(context, state));
        app.MapPost("/identity/api/oauth2/token/xpmplatform", context => PlatformTokenAsync(context, state));
        app.MapGet("/vaultbroker/api/vaults", context => VaultsAsync(context, state));
        app.MapGet("/health", context => IdentityEndpoints.WriteJsonAsync(context, 200, new PlatformHealth(),
            IdentityJsonContext.Default.PlatformHealth));
    }

    private static async Task ExchangeAsync(HttpContext context, IdentityState state)
    {
        var form = await IdentityEndpoints.ReadFormAsync(context).ConfigureAwait(false);
        if (form is null || form["grant_type"].ToString() != ExchangeGrant)
        {
            await IdentityEndpoints.WriteErrorAsync(context, "unsupported_grant_type",
                "Only the token-exchange grant is supported.").ConfigureAwait(false);
            return;
        }

        if (form["subject_token_type"].ToString() is not (AccessTokenType or JwtTokenType))
        {
            await IdentityEndpoints.WriteErrorAsync(context, "invalid_request",
                "subject_token_type must be an access token or a JWT.").ConfigureAwait(false);
            return;
        }

        state.RecordGrant("token-exchange");
        var check = state.ValidateAccessToken(form["subject_token"].ToString());
        if (check.Status != JwtStatus.Valid)
        {
            await IdentityEndpoints.WriteErrorAsync(context, "invalid_grant",
                $"The subject token was refused: {check.Problem}.").ConfigureAwait(false);
            return;
        }

        // The broker maps the identity to a Secret Server user; here, by the same user name.
        if (!state.IsUser(check.Username!))
        {
            await IdentityEndpoints.WriteErrorAsync(context, "invalid_grant",
                "No Secret Server user corresponds to the subject.").ConfigureAwait(false);
            return;
        }

        var (token, lifetime) = state.IssueSecretServerToken(check.Username!);
        var response = new ExchangeResponse { AccessToken = token, ExpiresIn = lifetime };
        await IdentityEndpoints.WriteJsonAsync(context, 200, response, IdentityJsonContext.Default.ExchangeResponse)
            .ConfigureAwait(false);
    }

    private static async Task PlatformTokenAsync(HttpContext context, IdentityState state)
    {
        var form = await IdentityEndpoints.ReadFormAsync(context).ConfigureAwait(false);
        if (form is null || form["grant_type"].ToString() != "client_credentials")
        {
            await IdentityEndpoints.WriteErrorAsync(context, "unsupported_grant_type",
                "Only client_credentials is supported.").ConfigureAwait(false);
            return;
        }

        state.RecordGrant("xpmplatform");
        var secretMatches = System.Security.Cryptography.CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(form["client_secret"].ToString()),
            System.Text.Encoding.UTF8.GetBytes(state.PlatformClientSecret));
        if (form["client_id"].ToString() != state.Options.PlatformClientId || !secretMatches)
        {
            await IdentityEndpoints.WriteErrorAsync(context, "invalid_client", "Unknown client or wrong secret.")
                .ConfigureAwait(false);
            return;
        }

        if (form["scope"].ToString() != "xpmheadless")
        {
            await IdentityEndpoints.WriteErrorAsync(context, "invalid_scope", "The scope must be xpmheadless.")
                .ConfigureAwait(false);
            return;
        }

        var token = state.IssuePlatformToken();
        await IdentityEndpoints.WriteJsonAsync(context, 200, new PlatformTokenResponse
        {
            AccessToken = token,
            ExpiresIn = state.Options.PlatformTokenLifetimeSeconds,
            SessionExpiresIn = state.Options.PlatformTokenLifetimeSeconds,
        }, IdentityJsonContext.Default.PlatformTokenResponse).ConfigureAwait(false);
    }

    private static Task VaultsAsync(HttpContext context, IdentityState state)
    {
        var header = context.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? header[7..].Trim() : null;
        if (!state.IsPlatformToken(token))
        {
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        }

        var vaults = new VaultsResponse();
        if (state.VaultUri is { } vault)
        {
            vaults.Vaults.Add(new VaultEntry
            {
                VaultId = "0f6b9d1e-dev-vault",
                Name = "secret-mcp dev vault",
                IsDefault = true,
                IsGlobalDefault = true,
                IsActive = true,
                Connection = new VaultConnection { Url = vault.ToString().TrimEnd('/'), OAuthProfileId = "dev" },
            });
        }

        return IdentityEndpoints.WriteJsonAsync(context, 200, vaults, IdentityJsonContext.Default.VaultsResponse);
    }
}
