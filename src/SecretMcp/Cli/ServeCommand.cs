using System.CommandLine;
using SecretMcp.Config;
using SecretMcp.DevVault;
using SecretMcp.Hosting;
using SecretMcp.Tickets;

namespace SecretMcp.Cli;

internal static class ServeCommand
{
    public static Command Create()
    {
        var dev = new Option<bool>("--dev")
        {
            Description = "Run against a built-in dev vault on 127.0.0.1, seeded with sample secrets.",
        };
        var seed = new Option<string?>("--seed")
        {
            Description = "With --dev: load this seed file instead of the built-in one (see docs/dev-vault.md).",
        };
        var command = new Command("serve", "Run the stdio MCP server (the main job; an agent starts this).") { dev, seed };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var seedPath = parse.GetValue(seed);
            if (seedPath is not null && !parse.GetValue(dev))
            {
                CommandLine.Fail("--seed works only with --dev.");
                return ExitCodes.Usage;
            }

            RuntimeDiagnostics.EnsureOff();

            try
            {
                return await ServeHost.RunAsync(new ServeOptions(parse.GetValue(dev), seedPath), cancellationToken)
                    .ConfigureAwait(false);
            }
            catch (Exception e) when (e is SeedException or BrokerStartException or ConfigurationProblemException
                or ConfigException)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }
        });
        return command;
    }
}
