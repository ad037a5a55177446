using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// Entra's v2.0 endpoint layout (<c>/{tenant}/oauth2/v2.0/...</c>), so MSAL treats the provider as an
/// Entra-shaped authority and device code works (shared/reference/msal.md Q2). Error codes follow
/// RFC 6749/8628; the description texts are the dev vault's own.
/// </summary>
internal static class IdentityEndpoints
{
    private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";

    public static void Map(IEndpointRouteBuilder app, IdentityState state)
    {
        var tenant = "/" + state.Options.TenantId;
        app.MapGet(tenant + "/v2.0/.well-known/openid-configuration", context => WriteJsonAsync(context, 200,
            new OpenIdConfiguration
            {
                Issuer = state.Issuer,
                AuthorizationEndpoint = state.Authority + "/oauth2/v2.0/authorize",
                TokenEndpoint = state.Authority + "/oauth2/v2.0/token",
                DeviceAuthorizationEndpoint = state.Authority + "/oauth2/v2.0/devicecode",
                JwksUri = state.Authority + "/discovery/v2.0/keys",
            },
            IdentityJsonContext.Default.OpenIdConfiguration));
        app.MapGet(tenant + "/discovery/v2.0/keys", context => WriteJsonAsync(context, 200,
            new JwksResponse { Keys = [state.Keys.PublicJwk()] }, IdentityJsonContext.Default.JwksResponse));
        app.MapPost(tenant + "/oauth2/v2.0/devicecode", context => DeviceCodeAsync(context, state));
        app.MapPost(tenant + "/oauth2/v2.0/token", context => TokenAsync(context, state));
        app.MapGet(tenant + "/oauth2/v2.0/authorize", context => AuthorizeAsync(context, state));
        app.MapPost(tenant + "/oauth2/v2.0/authorize", context => CompleteAuthorizeAsync(context, state));
        app.MapGet("/devicelogin", context => IdentityPages.WriteAsync(context, 200, IdentityPages.DeviceLogin(null)));
        app.MapPost("/devicelogin", context => DeviceLoginAsync(context, state));
    }

    private static async Task DeviceCodeAsync(HttpContext context, IdentityState state)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        var clientId = form?["client_id"].ToString();
        if (clientId != state.Options.ClientId)
        {
            await WriteUnknownClientAsync(context).ConfigureAwait(false);
            return;
        }

        var authorization = state.StartDeviceAuthorization(clientId, form!["scope"].ToString());
        var verification = state.BaseUri + "devicelogin";
        await WriteJsonAsync(context, 200, new DeviceCodeResponse
        {
            DeviceCode = authorization.DeviceCode,
            UserCode = authorization.UserCode,
            VerificationUri = verification,
            ExpiresIn = 900,
            Interval = state.Options.DeviceCodeIntervalSeconds,
            Message = $"To sign in, use a web browser to open the page {verification} and enter the code "
                + $"{authorization.UserCode} to authenticate.",
        }, IdentityJsonContext.Default.DeviceCodeResponse).ConfigureAwait(false);
    }

    private static async Task TokenAsync(HttpContext context, IdentityState state)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        if (form is null)
        {
            await WriteErrorAsync(context, "invalid_request", "The token request must be form-encoded.")
                .ConfigureAwait(false);
            return;
        }

        var clientId = form["client_id"].ToString();
        if (clientId != state.Options.ClientId)
        {
            await WriteUnknownClientAsync(context).ConfigureAwait(false);
            return;
        }

        var grant = form["grant_type"].ToString();
        state.RecordGrant(grant);
        switch (grant)
        {
            // MSAL sends the short name; RFC 8628 clients send the URN.
            case "device_code" or DeviceCodeGrant:
                await DeviceCodeTokenAsync(context, state, form["device_code"].ToString()).ConfigureAwait(false);
                break;
            case "authorization_code":
                await CodeTokenAsync(context, state, form).ConfigureAwait(false);
                break;
            case "refresh_token":
                var refresh = state.TakeRefreshToken(form["refresh_token"].ToString());
                if (refresh is null || refresh.ClientId != clientId)
                {
                    await WriteErrorAsync(context, "invalid_grant", "The refresh token is unknown, used or expired.")
                        .ConfigureAwait(false);
                    return;
                }

                var scope = form.TryGetValue("scope", out var requested) && requested.Count > 0
                    ? requested.ToString()
                    : refresh.Scope;
                await WriteTokensAsync(context, state.IssueTokens(refresh.Username, clientId, scope, null))
                    .ConfigureAwait(false);
                break;
            default:
                await WriteErrorAsync(context, "unsupported_grant_type", $"The grant '{grant}' is not supported here.")
                    .ConfigureAwait(false);
                break;
        }
    }

    private static async Task DeviceCodeTokenAsync(HttpContext context, IdentityState state, string deviceCode)
    {
        var authorization = state.FindDeviceCode(deviceCode);
        if (authorization is null)
        {
            await WriteErrorAsync(context, "invalid_grant", "The device code is unknown or was used.")
                .ConfigureAwait(false);
            return;
        }

        if (authorization.ExpiresAt <= state.Time.GetUtcNow())
        {
            state.ForgetDeviceCode(deviceCode);
            await WriteErrorAsync(context, "expired_token", "The device code expired; start again.")
                .ConfigureAwait(false);
            return;
        }

        if (authorization.ApprovedUser is not { } username)
        {
            await WriteErrorAsync(context, "authorization_pending", "The user has not finished signing in yet.")
                .ConfigureAwait(false);
            return;
        }

        state.ForgetDeviceCode(deviceCode);
        await WriteTokensAsync(context, state.IssueTokens(username, authorization.ClientId, authorization.Scope, null))
            .ConfigureAwait(false);
    }

    private static async Task CodeTokenAsync(HttpContext context, IdentityState state, IFormCollection form)
    {
        var grant = state.TakeCode(form["code"].ToString());
        if (grant is null)
        {
            await WriteErrorAsync(context, "invalid_grant", "The authorization code is unknown, used or expired.")
                .ConfigureAwait(false);
            return;
        }

        if (form["redirect_uri"].ToString() != grant.Request.RedirectUri)
        {
            await WriteErrorAsync(context, "invalid_grant", "redirect_uri does not match the authorization request.")
                .ConfigureAwait(false);
            return;
        }

        var verifier = form["code_verifier"].ToString();
        var challenge = JwtKeys.Base64Url(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        if (verifier.Length < 43 || !CryptographicOperations.FixedTimeEquals(
                Encoding.ASCII.GetBytes(challenge), Encoding.ASCII.GetBytes(grant.Request.CodeChallenge)))
        {
            await WriteErrorAsync(context, "invalid_grant", "The PKCE code_verifier does not match the code_challenge.")
                .ConfigureAwait(false);
            return;
        }

        await WriteTokensAsync(context,
            state.IssueTokens(grant.Username, grant.Request.ClientId, grant.Request.Scope, grant.Request.Nonce))
            .ConfigureAwait(false);
    }

    private static Task AuthorizeAsync(HttpContext context, IdentityState state)
    {
        var query = context.Request.Query;
        var redirect = query["redirect_uri"].ToString();
        if (query["client_id"].ToString() != state.Options.ClientId)
        {
            return IdentityPages.WriteAsync(context, 400, IdentityPages.Problem("The client is not registered."));
        }

        // Public clients get only loopback redirects here, and only with PKCE (S256).
        if (!Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri) || redirectUri.Scheme != "http"
            || !redirectUri.IsLoopback)
        {
            return IdentityPages.WriteAsync(
                context, 400, IdentityPages.Problem("redirect_uri must be http on loopback."));
        }

        if (query["response_type"].ToString() != "code" || query["code_challenge_method"].ToString() != "S256"
            || string.IsNullOrEmpty(query["code_challenge"].ToString()))
        {
            return IdentityPages.WriteAsync(context, 400,
                IdentityPages.Problem("Only response_type=code with PKCE (code_challenge_method=S256) is supported."));
        }

        var request = new AuthorizeRequest(
            state.Options.ClientId, redirect, query["scope"].ToString(), NullIfEmpty(query["state"].ToString()),
            query["code_challenge"].ToString(), NullIfEmpty(query["nonce"].ToString()),
            NullIfEmpty(query["response_mode"].ToString()));
        var id = state.AddAuthorizeRequest(request);
        return IdentityPages.WriteAsync(context, 200,
            IdentityPages.SignIn($"/{state.Options.TenantId}/oauth2/v2.0/authorize", id, null));
    }

    private static async Task CompleteAuthorizeAsync(HttpContext context, IdentityState state)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        var id = form?["request"].ToString() ?? "";
        var username = form?["username"].ToString() ?? "";
        if (state.PeekAuthorizeRequest(id) is null)
        {
            await IdentityPages.WriteAsync(context, 400, IdentityPages.Problem("This sign-in expired; start again."))
                .ConfigureAwait(false);
            return;
        }

        if (!state.CheckPassword(username, form!["password"].ToString()))
        {
            var again = IdentityPages.SignIn(
                $"/{state.Options.TenantId}/oauth2/v2.0/authorize", id, "Wrong user name or password.");
            await IdentityPages.WriteAsync(context, 200, again).ConfigureAwait(false);
            return;
        }

        var request = state.TakeAuthorizeRequest(id)!;
        var code = state.IssueCode(request, username);
        var clientInfo = JwtKeys.Base64Url(Encoding.UTF8.GetBytes(
            $"{{\"uid\":\"{IdentityState.ObjectId(username)}\",\"utid\":\"{state.Options.TenantId}\"}}"));
        var fields = new List<KeyValuePair<string, string>> { new("code", code), new("client_info", clientInfo) };
        if (request.State is { } requestState)
        {
            fields.Add(new("state", requestState));
        }

        if (request.ResponseMode == "form_post")
        {
            await IdentityPages.WriteAsync(context, 200, IdentityPages.FormPost(request.RedirectUri, fields))
                .ConfigureAwait(false);
            return;
        }

        var query = string.Join('&', fields.Select(f => $"{f.Key}={Uri.EscapeDataString(f.Value)}"));
        context.Response.Redirect(request.RedirectUri + (request.RedirectUri.Contains('?') ? "&" : "?") + query);
    }

    private static async Task DeviceLoginAsync(HttpContext context, IdentityState state)
    {
        var form = await ReadFormAsync(context).ConfigureAwait(false);
        var username = form?["username"].ToString() ?? "";
        if (form is null || !state.CheckPassword(username, form["password"].ToString()))
        {
            await IdentityPages.WriteAsync(context, 200, IdentityPages.DeviceLogin("Wrong user name or password."))
                .ConfigureAwait(false);
            return;
        }

        if (!state.ApproveDeviceCode(form["user_code"].ToString(), username))
        {
            await IdentityPages.WriteAsync(context, 200, IdentityPages.DeviceLogin("That code is unknown or expired."))
                .ConfigureAwait(false);
            return;
        }

        await IdentityPages.WriteAsync(context, 200, IdentityPages.Done()).ConfigureAwait(false);
    }

    internal static async Task<IFormCollection?> ReadFormAsync(HttpContext context) =>
        context.Request.HasFormContentType
            ? await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false)
            : null;

    private static Task WriteUnknownClientAsync(HttpContext context) =>
        WriteErrorAsync(context, "unauthorized_client", "The client is not registered with the dev identity provider.");

    internal static Task WriteErrorAsync(HttpContext context, string error, string description, int status = 400) =>
        WriteJsonAsync(context, status, new OAuthError { Error = error, ErrorDescription = description },
            IdentityJsonContext.Default.OAuthError);

    internal static async Task WriteJsonAsync<T>(HttpContext context, int status, T body, JsonTypeInfo<T> type)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await JsonSerializer.SerializeAsync(context.Response.Body, body, type, context.RequestAborted)
            .ConfigureAwait(false);
    }

    private static Task WriteTokensAsync(HttpContext context, OAuthTokenResponse tokens) =>
        WriteJsonAsync(context, 200, tokens, IdentityJsonContext.Default.OAuthTokenResponse);

    private static string? NullIfEmpty(string value) => value.Length == 0 ? null : value;
}
