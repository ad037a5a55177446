namespace SecretMcp.Hosting;

/// <summary>How serve was asked to run.</summary>
public sealed record ServeOptions(bool Dev, string? SeedPath);

public sealed class ConfigurationProblemException(string message) : Exception(message);
