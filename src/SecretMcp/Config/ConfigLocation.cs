namespace SecretMcp.Config;

/// <summary>Where the config file is: <c>$SECRET_MCP_CONFIG</c>, else the user's config folder.</summary>
public static class ConfigLocation
{
    public const string PathVariable = "SECRET_MCP_CONFIG";

    /// <summary>Environment variables with this prefix override keys: SECRET_MCP__Policy__Default=refuse.</summary>
    public const string EnvironmentPrefix = "SECRET_MCP__";

    public const string SchemaFileName = "config.schema.json";

    /// <summary>The file to read, and whether the user named it (then it must exist).</summary>
    public static (string Path, bool IsExplicit) Resolve()
    {
        var named = Environment.GetEnvironmentVariable(PathVariable);
        return string.IsNullOrWhiteSpace(named) ? (DefaultPath, false) : (Path.GetFullPath(named.Trim()), true);
    }

    /// <summary>
    /// ~/.config/secret-mcp/config.json on Linux and macOS ($XDG_CONFIG_HOME when set),
    /// %APPDATA%\secret-mcp\config.json on Windows.
    /// </summary>
    public static string DefaultPath => Path.Combine(
        Environment.GetFolderPath(
            Environment.SpecialFolder.ApplicationData, Environment.SpecialFolderOption.DoNotVerify),
        "secret-mcp",
        "config.json");
}
