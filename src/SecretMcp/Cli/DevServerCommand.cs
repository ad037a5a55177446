using System.CommandLine;
using SecretMcp.DevVault;
using SecretMcp.DevVault.Identity;
using SecretMcp.Hosting;

namespace SecretMcp.Cli;

/// <summary>Runs the dev vault alone, so any Secret Server client can be pointed at it.</summary>
internal static class DevServerCommand
{
    public static Command Create()
    {
        var seed = new Option<string?>("--seed") { Description = "Seed file to load instead of the built-in one." };
        var port = new Option<int>("--port") { Description = "Loopback port; 0 picks a free one.", DefaultValueFactory = _ => 0 };
        var identity = new Option<bool>("--identity")
        {
            Description = "Also run the dev identity provider (Entra-shaped, HTTPS on 127.0.0.1), the token-exchange "
                + "broker and the Platform endpoints, and print the sign-in settings that use them.",
        };
        var command = new Command("dev-server",
            "Run the dev vault (a Secret Server look-alike) on 127.0.0.1 and print its settings as key=value lines.")
        {
            seed, port, identity,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            if (parse.GetValue(port) is < 0 or > 65535)
            {
                CommandLine.Fail("--port must be between 0 and 65535.");
                return ExitCodes.Usage;
            }

            using var loggerFactory = StderrLogging.CreateFactory();
            DevVaultServer vault;
            DevSignInStack? stack = null;
            try
            {
                var seedFile = parse.GetValue(seed) is { } path ? SeedFile.LoadFile(path) : SeedFile.LoadDefault();
                if (parse.GetValue(identity))
                {
                    stack = await DevSignInStack.StartAsync(
                        seedFile, null, loggerFactory, parse.GetValue(port), cancellationToken).ConfigureAwait(false);
                    vault = stack.Vault;
                }
                else
                {
                    vault = await DevVaultServer.StartAsync(
                        new DevVaultOptions { Seed = seedFile, Port = parse.GetValue(port) }, loggerFactory, cancellationToken)
                        .ConfigureAwait(false);
                }
            }
            catch (SeedException e)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }
            catch (IOException e)
            {
                CommandLine.Fail($"cannot listen on 127.0.0.1:{parse.GetValue(port)}: {e.Message}");
                return ExitCodes.Usage;
            }

            await using (vault.ConfigureAwait(false))
            await using (var signIn = stack is null ? null : new DevIdentitySettings(stack.Identity))
            {
                // Settings on stdout for scripts; these are the dev vault's sample credentials, not real ones.
                Console.Out.WriteLine($"url={vault.BaseUri}");
                Console.Out.WriteLine($"username={vault.Username}");
                Console.Out.WriteLine($"password={vault.Password}");
                signIn?.Print();

                Console.Out.Flush();
                Console.Error.WriteLine("secret-mcp: dev vault running; press Ctrl+C to stop.");

                try
                {
                    await Task.Delay(Timeout.Infinite, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Ctrl+C or SIGTERM: stop cleanly.
                }
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
