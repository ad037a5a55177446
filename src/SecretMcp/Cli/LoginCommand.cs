using System.CommandLine;
using System.Globalization;
using SecretMcp.Auth;
using SecretMcp.Hosting;
using SecretMcp.SecretServer;

namespace SecretMcp.Cli;

/// <summary>
/// secret-mcp login: signs in the way the settings choose. For the identity provider, in the browser
/// (or with a device code); for the password provider, with a password typed with echo off that is
/// used once and never stored. Then it checks that Secret Server takes the result.
/// </summary>
internal static class LoginCommand
{
    private static readonly TimeSpan s_signInTimeout = TimeSpan.FromMinutes(10);

    public static Command Create()
    {
        var deviceCode = new Option<bool>("--device-code")
        {
            Description = "Sign in with a code on another device instead of opening a browser here.",
        };
        var otp = new Option<bool>("--otp")
        {
            Description = "Password sign-in: also ask for a one-time code (Secret Server two-factor authentication).",
        };
        var command = new Command("login",
            "Sign in (browser, device code, or Secret Server password) and keep the sign-in for serve.")
        {
            deviceCode, otp,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            try
            {
                await using var context = SignInContext.Create(interactive: true);
                if (context.Settings.Problem() is { } problem)
                {
                    CommandLine.Fail(problem);
                    return ExitCodes.NotSignedInOrConfig;
                }

                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(s_signInTimeout);
                return await LoginAsync(context, parse.GetValue(deviceCode), parse.GetValue(otp), timeout.Token)
                    .ConfigureAwait(false);
            }
            catch (ConfigurationProblemException e)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }
            catch (SecretServerException e)
            {
                return SignInContext.Fail(e);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                CommandLine.Fail("the sign-in did not finish in time; run 'secret-mcp login' again.");
                return ExitCodes.NotSignedInOrConfig;
            }
        });
        return command;
    }

    private static async Task<int> LoginAsync(
        SignInContext context, bool deviceCode, bool otp, CancellationToken cancellationToken)
    {
        var cache = context.Get<TokenCacheStore>();
        switch (context.Settings.Provider)
        {
            case SessionProviderKind.TokenExchange or SessionProviderKind.Bearer:
            {
                var identity = context.Get<IdentityClient>();
                if (!deviceCode && !SystemBrowser.CanOpen())
                {
                    Say("no browser can be opened here (no $BROWSER, no display); "
                        + "signing in with a device code instead.");
                    deviceCode = true;
                }

                var signingIn = deviceCode
                    ? identity.SignInWithDeviceCodeAsync(ShowDeviceCodeAsync, cancellationToken)
                    : identity.SignInInteractiveAsync(SystemBrowser.OpenAsync, cancellationToken);
                var signedIn = await signingIn.ConfigureAwait(false);
                Say($"signed in as {signedIn.Username} (identity provider {context.Settings.Authority!.Authority}); "
                    + $"the sign-in is kept in {cache.Describe()}.");
                break;
            }

            case SessionProviderKind.Password:
            {
                var session = context.Get<PasswordGrantSession>();
                var password = SecretPrompt.Read(
                    $"Secret Server password for {session.Account.Label} at {session.Account.BaseUrl}: ");
                if (string.IsNullOrEmpty(password))
                {
                    CommandLine.Fail("no password was typed; nothing changed.");
                    return ExitCodes.NotSignedInOrConfig;
                }

                var code = otp ? SecretPrompt.Read("One-time code (or 'push'): ") : null;
                var token = await session.SignInAsync(password, code, cancellationToken).ConfigureAwait(false);
                Say($"signed in to Secret Server as {token.Who}; the session lasts until {Time(token.ExpiresAt)} "
                    + $"and is refreshed from {cache.Describe()}. The password was not stored.");
                return ExitCodes.Ok;
            }

            case SessionProviderKind.Platform:
                Say($"the platform sign-in uses the service user {context.Settings.PlatformClientId} and its "
                    + $"secret from {AuthSecrets.PlatformClientSecretVariable}; there is nothing to type. Secret "
                    + "Server will audit that service identity, not you.");
                break;

            case SessionProviderKind.Token:
                Say($"the token sign-in uses the Secret Server bearer in {context.Settings.TokenVariable}; "
                    + "there is nothing to type.");
                break;
        }

        // The whole chain, as serve will use it: does Secret Server get a session from this sign-in?
        _ = await context.Get<ISecretServerSession>().GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        var expiry = context.Find<TokenExchangeSession>()?.Current?.ExpiresAt
            ?? context.Find<MsalBearerSession>()?.Current?.ExpiresAt
            ?? context.Find<PlatformSession>()?.Current?.ExpiresAt;
        Say($"Secret Server session through the {context.ProviderName} provider: ready"
            + (expiry is { } at ? $" (valid until {Time(at)})." : "."));
        return ExitCodes.Ok;
    }

    private static Task ShowDeviceCodeAsync(DeviceCodePrompt prompt)
    {
        Console.Error.WriteLine("secret-mcp: to sign in, open this address in a browser on any device:");
        Console.Error.WriteLine();
        Console.Error.WriteLine("    " + prompt.VerificationUri.AbsoluteUri);
        Console.Error.WriteLine();
        Console.Error.WriteLine($"and enter the code:  {prompt.UserCode}");
        Console.Error.WriteLine();
        Console.Error.WriteLine(
            $"(the code expires at {Time(prompt.ExpiresOn)}; waiting for you to finish signing in…)");
        return Task.CompletedTask;
    }

    internal static string Time(DateTimeOffset at) =>
        at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static void Say(string message) => Console.Error.WriteLine("secret-mcp: " + message);
}
