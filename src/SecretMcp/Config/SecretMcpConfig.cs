using System.Collections;
using Microsoft.Extensions.Configuration;
using SecretMcp.Policy;

namespace SecretMcp.Config;

/// <summary>
/// Loads and validates the configuration: the JSON file, then environment overrides named
/// <c>SECRET_MCP__Section__Key</c> (case-insensitive, <c>__</c> between levels, list items by index:
/// <c>SECRET_MCP__Policy__Rules__0__Action</c>). Fails with every problem at once, each naming its key.
/// </summary>
public static class SecretMcpConfig
{
    /// <summary>Loads from <c>$SECRET_MCP_CONFIG</c> or the user config folder, with the process environment.</summary>
    public static SecretMcpSettings Load()
    {
        var (path, isExplicit) = ConfigLocation.Resolve();
        return Load(path, isExplicit, Environment.GetEnvironmentVariables());
    }

    /// <param name="path">The config file.</param>
    /// <param name="mustExist">True when the user named the file, so a missing one is an error.</param>
    /// <param name="environment">The environment variables to take overrides from.</param>
    public static SecretMcpSettings Load(string path, bool mustExist, IDictionary environment)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(environment);

        var problems = new List<string>();
        var exists = File.Exists(path);
        if (!exists && mustExist)
        {
            throw new ConfigException(path,
                [$"no such file (named by {ConfigLocation.PathVariable}); create one with 'secret-mcp config init', "
                    + $"or unset {ConfigLocation.PathVariable} to use {ConfigLocation.DefaultPath}"]);
        }

        var fileValues = exists ? ConfigFile.Read(path, problems) : [];
        var environmentValues = FromEnvironment(environment, out var environmentNames);

        // A secret in the file is refused before anything reads it, and never quoted afterwards.
        var hidden = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (key, value) in fileValues)
        {
            if (SecretLikeness.ValueReason(value) is { } reason)
            {
                hidden.Add(key.ToLowerInvariant());
                problems.Add($"{Display(key)}: {reason}, and the config file must never hold a secret; remove it "
                    + "(if it is not a secret, set it through the environment variable "
                    + $"{ConfigLocation.EnvironmentPrefix}{key.Replace(":", "__", StringComparison.Ordinal)} instead)");
            }
        }

        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(fileValues)
            .AddInMemoryCollection(environmentValues)
            .Build();

        var fileKeys = fileValues.Keys.Select(k => k.ToLowerInvariant()).ToHashSet(StringComparer.Ordinal);
        var reader = new ConfigReader(configuration, fileKeys, environmentNames, hidden);
        var settings = ConfigSections.Read(reader.Root, configuration, path, exists);
        problems.AddRange(reader.Problems);

        if (problems.Count > 0)
        {
            throw new ConfigException(exists ? path : "from the environment", problems);
        }

        return settings;
    }

    /// <summary>Validates one file on its own, ignoring the environment (for 'config check --file').</summary>
    public static SecretMcpSettings Check(string path) => Load(path, mustExist: true, new Hashtable());

    /// <summary>
    /// SECRET_MCP__SecretServer__BaseUrl → SecretServer:BaseUrl, as the configuration environment
    /// provider maps them. Variables with a single underscore (SECRET_MCP_CONFIG) are not keys.
    /// </summary>
    private static Dictionary<string, string?> FromEnvironment(
        IDictionary environment, out Dictionary<string, string> names)
    {
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        names = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in environment)
        {
            if (entry.Key is not string name
                || !name.StartsWith(ConfigLocation.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
                || name.Length == ConfigLocation.EnvironmentPrefix.Length)
            {
                continue;
            }

            var key = name[ConfigLocation.EnvironmentPrefix.Length..]
                .Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal);
            values[key] = entry.Value as string;
            names[key.ToLowerInvariant()] = name;
        }

        return values;
    }

    private static string Display(string key)
    {
        var parts = key.Split(ConfigurationPath.KeyDelimiter);
        var display = parts[0];
        foreach (var part in parts.Skip(1))
        {
            display += part.All(char.IsAsciiDigit) ? $"[{part}]" : "." + part;
        }

        return display;
    }
}
