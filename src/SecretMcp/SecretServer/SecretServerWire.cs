using System.Text.Json.Serialization;

namespace SecretMcp.SecretServer;

// The client's own view of Secret Server's JSON (shared/reference/secret-server-api.md). Field values
// are deliberately absent from SecretWire: reading metadata never pulls a value into our objects.

internal sealed class SecretWire
{
    public int Id { get; init; }

    public string? Name { get; init; }

    public int FolderId { get; init; }

    public string? SecretTemplateName { get; init; }

    public bool RequiresComment { get; init; }

    public bool CheckOutEnabled { get; init; }

    public List<SecretItemWire>? Items { get; init; }
}

internal sealed class SecretItemWire
{
    public string? Slug { get; init; }

    public string? FieldName { get; init; }

    public bool IsPassword { get; init; }

    public bool IsFile { get; init; }

    public bool IsNotes { get; init; }
}

internal sealed class TokenWire
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }
}

internal sealed class ErrorWire
{
    public string? ErrorCode { get; init; }

    public string? Message { get; init; }

    [JsonPropertyName("error")]
    public string? Error { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(SecretWire))]
[JsonSerializable(typeof(TokenWire))]
[JsonSerializable(typeof(ErrorWire))]
[JsonSerializable(typeof(string))]
internal sealed partial class SecretServerJsonContext : JsonSerializerContext;
