using Microsoft.Extensions.Configuration;

namespace SecretMcp.Hosting;

/// <summary>How serve was asked to run.</summary>
public sealed record ServeOptions(bool Dev, string? SeedPath);

/// <summary>Where Secret Server is and who signs in, until the config file and login land (#5, #7).</summary>
public sealed record SecretServerConnection(Uri BaseUri, string? Username, string? Password)
{
    public const string BaseUrlVariable = "SECRET_MCP__SecretServer__BaseUrl";
    public const string UsernameVariable = "SECRET_MCP__Auth__Username";
    public const string PasswordVariable = "SECRET_MCP_PASSWORD";

    /// <summary>
    /// Reads the connection from the configuration (the config file, overridden by the environment
    /// variables SECRET_MCP__SecretServer__BaseUrl and SECRET_MCP__Auth__Username); null when no base
    /// URL is set. The password only ever comes from the environment.
    /// </summary>
    public static SecretServerConnection? FromConfiguration(IConfiguration configuration)
    {
        var url = configuration["SecretServer:BaseUrl"];
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        if (!Uri.TryCreate(url.Trim().TrimEnd('/') + "/", UriKind.Absolute, out var baseUri)
            || baseUri.Scheme is not ("https" or "http"))
        {
            throw new ConfigurationProblemException(
                $"{BaseUrlVariable} is not an http(s) URL; set it to the instance root, such as https://host/SecretServer.");
        }

        return new SecretServerConnection(
            baseUri, configuration["Auth:Username"], Environment.GetEnvironmentVariable(PasswordVariable));
    }
}

public sealed class ConfigurationProblemException(string message) : Exception(message);
