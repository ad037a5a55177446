using System.CommandLine;
using SecretMcp.Auth;
using SecretMcp.Hosting;

namespace SecretMcp.Cli;

/// <summary>secret-mcp logout: forgets the cached sign-in (identity provider accounts, Secret Server session).</summary>
internal static class LogoutCommand
{
    public static Command Create()
    {
        var command = new Command("logout", "Forget the cached sign-in (keyring entry or cache file).");
        command.SetAction(async (_, cancellationToken) =>
        {
            try
            {
                await using var context = SignInContext.Create();
                if (context.Find<IdentityClient>() is { } identity)
                {
                    await identity.SignOutAsync().ConfigureAwait(false);
                }

                if (context.Find<PasswordGrantSession>() is { } password)
                {
                    await password.RevokeStoredAsync(cancellationToken).ConfigureAwait(false);
                }

                var cache = context.Get<TokenCacheStore>();
                await cache.ClearAsync().ConfigureAwait(false);
                Console.Error.WriteLine($"secret-mcp: signed out; removed the cached sign-in from {cache.Describe()}.");
                if (context.Settings.Provider == SessionProviderKind.Token)
                {
                    Console.Error.WriteLine(
                        $"secret-mcp: the token sign-in reads {context.Settings.TokenVariable}; unset it too.");
                }

                return ExitCodes.Ok;
            }
            catch (ConfigurationProblemException e)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }
        });
        return command;
    }
}
