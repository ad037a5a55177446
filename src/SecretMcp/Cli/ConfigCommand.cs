using System.CommandLine;
using SecretMcp.Config;
using SecretMcp.Policy;

namespace SecretMcp.Cli;

/// <summary>config init | check | path | schema: write, validate and find the config file.</summary>
internal static class ConfigCommand
{
    public static Command Create()
    {
        var command = new Command("config", "Write, check and locate the configuration file.")
        {
            CreateInit(),
            CreateCheck(),
            CreatePath(),
            CreateSchema(),
        };
        return command;
    }

    private static Command CreateInit()
    {
        var file = new Option<string?>("--file")
        {
            Description = "Where to write it; default: the config file in use.",
        };
        var force = new Option<bool>("--force") { Description = "Overwrite an existing file." };
        var command = new Command("init",
            "Write a commented starting config file, and its JSON schema next to it.") { file, force };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(file) is { } named ? Path.GetFullPath(named) : ConfigLocation.Resolve().Path;
            if (File.Exists(path) && !parse.GetValue(force))
            {
                CommandLine.Fail($"{path} already exists; check it with 'secret-mcp config check', "
                    + "or overwrite it with 'secret-mcp config init --force'.");
                return ExitCodes.Usage;
            }

            try
            {
                var folder = Path.GetDirectoryName(path)!;
                Directory.CreateDirectory(folder);
                File.WriteAllText(path, ConfigResources.StarterFile);
                File.WriteAllText(Path.Combine(folder, ConfigLocation.SchemaFileName), ConfigResources.Schema);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                CommandLine.Fail($"cannot write {path}: {e.Message}");
                return ExitCodes.NotSignedInOrConfig;
            }

            Console.Out.WriteLine($"wrote {path}");
            Console.Out.WriteLine($"wrote {Path.Combine(Path.GetDirectoryName(path)!, ConfigLocation.SchemaFileName)} "
                + "(the schema editors use to check the file as you type)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateCheck()
    {
        var file = new Option<string?>("--file")
        {
            Description = "Check this file on its own; default: the config in use, with its environment overrides.",
        };
        var command = new Command("check",
            "Validate the configuration; exit 2 with the problems when it is not usable.")
        {
            file,
        };
        command.SetAction(parse =>
        {
            SecretMcpSettings settings;
            try
            {
                settings = parse.GetValue(file) is { } named
                    ? SecretMcpConfig.Check(Path.GetFullPath(named))
                    : SecretMcpConfig.Load();
            }
            catch (ConfigException e)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }

            var policy = settings.Policy;
            Console.Out.WriteLine(settings.FileExists
                ? $"config OK: {settings.FilePath}"
                : $"config OK: no file at {settings.FilePath}; built-in defaults and the environment apply");
            var unlisted = policy.Default == DefaultAction.Ask ? "ask" : "refuse";
            Console.Out.WriteLine($"policy: unlisted secrets: {unlisted}; {policy.Rules.Count} rule(s), "
                + $"{policy.Aliases.Count} alias(es); tickets: {settings.Tickets.Lifetime.TotalSeconds:0} s, "
                + $"{settings.Tickets.Uses} use(s)");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreatePath()
    {
        var command = new Command("path", "Print where the config file is read from.");
        command.SetAction(_ =>
        {
            var (path, _) = ConfigLocation.Resolve();
            Console.Out.WriteLine(path);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateSchema()
    {
        var command = new Command("schema", "Print the config file's JSON schema.");
        command.SetAction(_ =>
        {
            Console.Out.Write(ConfigResources.Schema);
            return ExitCodes.Ok;
        });
        return command;
    }
}
