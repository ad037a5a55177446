using Microsoft.Extensions.Configuration;
using SecretMcp.Policy;

namespace SecretMcp.Config;

/// <summary>
/// The loaded configuration: the typed sections this build understands, plus the merged
/// <see cref="IConfiguration"/> (file, then <c>SECRET_MCP__Section__Key</c> environment overrides)
/// for code that reads a key directly through <see cref="Lookup"/>, such as the sign-in settings
/// (<c>Auth:Provider</c>) and the Secret Server transport (<c>SecretServer:CaBundle</c>).
/// </summary>
public sealed record SecretMcpSettings(
    IConfiguration Configuration,
    string FilePath,
    bool FileExists,
    SecretServerSettings SecretServer,
    PolicySettings Policy,
    TicketLimits Tickets,
    AuditSettings Audit)
{
    /// <summary>Keys whose values are paths, where a leading "~/" means the home folder.</summary>
    private static readonly HashSet<string> s_pathKeys = new(StringComparer.OrdinalIgnoreCase)
    {
        "SecretServer:CaBundle", "Auth:CacheDirectory", "Auth:DevCertificate",
    };

    /// <summary>
    /// One merged value by its <c>Section:Key</c> path, as the settings code reads it; a list (such as
    /// <c>auth.scopes</c>) comes back as its items separated by spaces. Null when unset.
    /// </summary>
    public string? Lookup(string key)
    {
        ArgumentNullException.ThrowIfNull(key);

        var section = Configuration.GetSection(key);
        var value = section.Value;
        if (value is null)
        {
            var items = section.GetChildren().Select(c => c.Value).OfType<string>().ToList();
            value = items.Count == 0 ? null : string.Join(' ', items);
        }

        return value is not null && s_pathKeys.Contains(key) ? ConfigSections.ExpandHome(value.Trim()) : value;
    }

    /// <summary>
    /// The same as <see cref="Lookup"/>, by the environment variable's name
    /// (<c>SECRET_MCP__SecretServer__BaseUrl</c>), for code that names its settings that way.
    /// </summary>
    public string? LookupVariable(string variable)
    {
        ArgumentNullException.ThrowIfNull(variable);

        return variable.StartsWith(ConfigLocation.EnvironmentPrefix, StringComparison.OrdinalIgnoreCase)
            ? Lookup(variable[ConfigLocation.EnvironmentPrefix.Length..]
                .Replace("__", ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
            : Environment.GetEnvironmentVariable(variable);
    }
}

/// <summary>Where Secret Server is and how to reach it. No credential ever lives here.</summary>
public sealed record SecretServerSettings(
    Uri? BaseUrl,
    Uri? PlatformUrl,
    string? CaBundle,
    TimeSpan? Timeout,
    Uri? Proxy);

/// <summary>Where the audit log goes; the audit code owns the rest.</summary>
public sealed record AuditSettings(string? Path);
