using System.CommandLine;

namespace SecretMcp.Cli;

/// <summary>The secret-mcp command line. Commands parse, call a service and map failures to exit codes.</summary>
public static class CommandLine
{
    public static RootCommand Build()
    {
        var root = new RootCommand(
            "secret-mcp lets coding agents use Delinea Secret Server credentials through one-time tickets, "
            + "so values never enter the chat.")
        {
            ServeCommand.Create(),
            RedeemCommand.Create(),
            DevServerCommand.Create(),
            DemoCommand.Create(),
            AuditCommand.Create(),
            LoginCommand.Create(),
            LogoutCommand.Create(),
            StatusCommand.Create(),
            ConfigCommand.Create(),
        };
        return root;
    }

    /// <summary>
    /// Writes one line to stderr, prefixed so the user can tell who is speaking inside an agent's shell.
    /// </summary>
    public static void Fail(string message) => Console.Error.WriteLine("secret-mcp: " + message);
}
