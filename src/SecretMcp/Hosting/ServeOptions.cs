using SecretMcp.SecretServer;

namespace SecretMcp.Hosting;

/// <summary>How serve was asked to run.</summary>
public sealed record ServeOptions(bool Dev, string? SeedPath);

/// <summary>
/// Where Secret Server is, how to reach it and who signs in, until the config file and login land (#5, #7).
/// </summary>
public sealed record SecretServerConnection(SecretServerOptions Options, string? Username, string? Password)
{
    public const string BaseUrlVariable = SecretServerOptions.BaseUrlVariable;
    public const string UsernameVariable = "SECRET_MCP__Auth__Username";
    public const string PasswordVariable = "SECRET_MCP_PASSWORD";

    public Uri BaseUri => Options.BaseUri;

    /// <summary>Reads the connection from the environment; null when no base URL is set.</summary>
    public static SecretServerConnection? FromEnvironment()
    {
        SecretServerOptions? options;
        try
        {
            options = SecretServerOptions.FromEnvironment();
        }
        catch (SecretServerConfigurationException e)
        {
            throw new ConfigurationProblemException(e.Message);
        }

        return options is null
            ? null
            : new SecretServerConnection(
                options, Environment.GetEnvironmentVariable(UsernameVariable),
                Environment.GetEnvironmentVariable(PasswordVariable));
    }
}

public sealed class ConfigurationProblemException(string message) : Exception(message);
