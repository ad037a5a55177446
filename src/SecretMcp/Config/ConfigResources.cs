namespace SecretMcp.Config;

/// <summary>The schema and the commented starter file that ship inside the tool.</summary>
public static class ConfigResources
{
    public static string Schema => Read("SecretMcp.Config.config.schema.json");

    public static string StarterFile => Read("SecretMcp.Config.config.template.jsonc");

    private static string Read(string name)
    {
        using var stream = typeof(ConfigResources).Assembly.GetManifestResourceStream(name)
            ?? throw new InvalidOperationException($"The resource {name} is missing from the tool.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
