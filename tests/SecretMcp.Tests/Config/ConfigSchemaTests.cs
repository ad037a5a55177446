using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;
using SecretMcp.Config;

namespace SecretMcp.Tests.Config;

/// <summary>The schema that ships with the tool agrees with the validator about the keys and the files.</summary>
public sealed class ConfigSchemaTests
{
    private static readonly JsonDocumentOptions s_jsonc = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    private static readonly JsonSchema s_schema = JsonSchema.FromText(ConfigResources.Schema);

    [Theory]
    [InlineData("", "TopLevel")]
    [InlineData("secretServer", "SecretServer")]
    [InlineData("auth", "Auth")]
    [InlineData("policy", "Policy")]
    [InlineData("tickets", "Tickets")]
    [InlineData("audit", "Audit")]
    [InlineData("$defs/rule", "Rule")]
    [InlineData("$defs/alias", "Alias")]
    public void The_schema_names_the_same_keys_as_the_validator(string where, string section)
    {
        var schema = JsonNode.Parse(ConfigResources.Schema)!;
        var node = where.Length == 0 ? schema
            : where.StartsWith('$') ? schema["$defs"]![where[6..]]! : schema["properties"]![where]!;
        var known = typeof(ConfigSections).GetField(section)!.GetValue(null) as string[];

        node["properties"]!.AsObject().Select(p => p.Key).Should().BeEquivalentTo(known);
        node["additionalProperties"]!.GetValue<bool>().Should().BeFalse("unknown keys are errors in both");
    }

    [Fact]
    public void The_starter_file_follows_the_schema() => Evaluate(ConfigResources.StarterFile).Should().BeTrue();

    [Theory]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow", "path": "dev/**", "shells": ["bash"], "rotateAfterUse": true } ] } }""")]
    [InlineData("""{ "policy": { "aliases": { "pg": { "path": "db/prod", "variables": { "PGHOST": "server" } } } } }""")]
    [InlineData("""{ "policy": { "aliases": { "api": { "secretId": 11, "field": "api-key", "variable": "API_KEY" } } } }""")]
    [InlineData("""{ "secretServer": { "baseUrl": "https://ss.example.com/SecretServer", "timeoutSeconds": 30 }, "tickets": { "uses": 10 } }""")]
    public void Files_the_validator_accepts_follow_the_schema(string json)
    {
        WriteAndLoad(json).Should().NotThrow();
        Evaluate(json).Should().BeTrue();
    }

    [Theory]
    [InlineData("""{ "policy": { "default": "maybe" } }""")]
    [InlineData("""{ "polcy": {} }""")]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow" } ] } }""")]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow", "path": "x", "uses": 11 } ] } }""")]
    [InlineData("""{ "policy": { "rules": [ { "action": "allow", "path": "x", "shells": [] } ] } }""")]
    [InlineData("""{ "policy": { "aliases": { "both": { "path": "a/b", "secretId": 1 } } } }""")]
    [InlineData("""{ "policy": { "aliases": { "mixed": { "path": "a/b", "field": "x", "variables": { "A": "b" } } } } }""")]
    [InlineData("""{ "policy": { "aliases": { "42": { "secretId": 1 } } } }""")]
    [InlineData("""{ "secretServer": { "baseUrl": "ftp://ss" } }""")]
    [InlineData("""{ "secretServer": { "password": "x" } }""")]
    [InlineData("""{ "tickets": { "lifetimeSeconds": 901 } }""")]
    public void Files_the_validator_refuses_break_the_schema_too(string json)
    {
        WriteAndLoad(json).Should().Throw<ConfigException>();
        Evaluate(json).Should().BeFalse();
    }

    private static bool Evaluate(string json)
    {
        using var document = JsonDocument.Parse(json, s_jsonc);
        return s_schema.Evaluate(document.RootElement, new EvaluationOptions()).IsValid;
    }

    private static Action WriteAndLoad(string json) => () =>
    {
        var path = Path.Combine(Path.GetTempPath(), "smt-schema-" + Guid.NewGuid().ToString("N")[..8] + ".json");
        File.WriteAllText(path, json);
        try
        {
            SecretMcpConfig.Check(path);
        }
        finally
        {
            File.Delete(path);
        }
    };
}
