using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

// Signing in and out, who am I, health and version (reference 1.2, 1.3 and 6).
internal static partial class SecretServerEndpoints
{
    private static void MapSession(IEndpointRouteBuilder app, VaultState state)
    {
        app.MapPost("/oauth2/token", context => TokenAsync(context, state));
        app.MapPost("/api/v1/oauth-expiration", context => WithUserAsync(context, state, _ =>
        {
            state.Revoke(BearerOf(context)!);
            return WriteJsonAsync(context, 200, true, DevVaultJsonContext.Default.Boolean);
        }));
        app.MapGet("/api/v1/users/current", context => WithUserAsync(context, state, user =>
            WriteJsonAsync(context, 200,
                new CurrentUserResponse
                {
                    Id = user.Id,
                    UserName = user.Username,
                    DisplayName = user.DisplayName,
                    EmailAddress = user.Username + "@dev-vault.invalid",
                },
                DevVaultJsonContext.Default.CurrentUserResponse)));
        app.MapGet("/api/v1/healthcheck", context => WriteJsonAsync(context, 200, new HealthResponse(),
            DevVaultJsonContext.Default.HealthResponse));
        app.MapGet("/api/v1/version", context => WithUserAsync(context, state, _ =>
            WriteJsonAsync(context, 200, new VersionResponse { Version = state.Settings.Version },
                DevVaultJsonContext.Default.VersionResponse)));

        // Where the redirect fault points, as Secret Server's web login would answer.
        app.MapGet("/Login.aspx", context =>
        {
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(LoginPage, context.RequestAborted);
        });
    }

    internal const string LoginPage =
        "<!DOCTYPE html>\n<html><head><title>Secret Server - Login</title></head>\n"
        + "<body><form method=\"post\" action=\"Login.aspx\"><input name=\"username\"/>"
        + "<input type=\"password\" name=\"password\"/></form></body></html>\n";

    private static async Task TokenAsync(HttpContext context, VaultState state)
    {
        if (!context.Request.HasFormContentType)
        {
            await WriteTokenErrorAsync(context, "invalid_request").ConfigureAwait(false);
            return;
        }

        var form = await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false);
        var grant = form["grant_type"].ToString();

        IssuedToken? previous = null;
        string username;
        if (grant == "password")
        {
            username = form["username"].ToString();
            if (!state.CheckPassword(username, form["password"].ToString()))
            {
                // INVENTED wording: the real text for a bad password is not documented.
                await WriteTokenErrorAsync(context, "Login failed.").ConfigureAwait(false);
                return;
            }

            // Two-factor: the one-time code travels in the OTP header (reference 1.2).
            if (state.FindUser(username)!.Otp is { } otp
                && !string.Equals(context.Request.Headers["OTP"].ToString(), otp, StringComparison.Ordinal))
            {
                // INVENTED wording, as the reference notes.
                await WriteTokenErrorAsync(context, "Invalid OTP").ConfigureAwait(false);
                return;
            }
        }
        else if (grant == "refresh_token")
        {
            previous = state.TakeRefreshToken(form["refresh_token"].ToString());
            if (previous is null)
            {
                // INVENTED wording (invalid_grant), as the reference notes.
                await WriteTokenErrorAsync(context, "invalid_grant").ConfigureAwait(false);
                return;
            }

            username = previous.Username;
        }
        else
        {
            await WriteTokenErrorAsync(context, "unsupported_grant_type").ConfigureAwait(false);
            return;
        }

        var (access, refresh) = state.IssueTokens(username, previous is null ? 0 : previous.RefreshesUsed + 1);
        var response = new TokenResponse
        {
            AccessToken = access.Value,
            // Secret Server reports a second less than the session timeout (1199 for 20 minutes).
            ExpiresIn = Math.Max(state.Settings.TokenLifetimeSeconds - 1, 1),
            RefreshToken = refresh?.Value,
        };
        await WriteJsonAsync(context, 200, response, DevVaultJsonContext.Default.TokenResponse).ConfigureAwait(false);
    }

    private static Task WriteTokenErrorAsync(HttpContext context, string error) =>
        WriteJsonAsync(context, 400, new TokenError { Error = error }, DevVaultJsonContext.Default.TokenError);
}
