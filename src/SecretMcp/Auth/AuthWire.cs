using System.Text.Json.Serialization;

namespace SecretMcp.Auth;

// The client's view of the token endpoints it calls besides Secret Server's own: RFC 8693 token
// exchange, the Delinea Platform's token and vault discovery (secret-server-api.md 1.3).

internal sealed class OAuthTokenWire
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; init; }

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; init; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; init; }
}

internal sealed class OAuthErrorWire
{
    [JsonPropertyName("error")]
    public string? Error { get; init; }
}

internal sealed class VaultsWire
{
    public List<VaultWire>? Vaults { get; init; }
}

internal sealed class VaultWire
{
    public string? Name { get; init; }

    public bool IsDefault { get; init; }

    public bool IsActive { get; init; }

    public VaultConnectionWire? Connection { get; init; }
}

internal sealed class VaultConnectionWire
{
    public string? Url { get; init; }
}

/// <summary>The password provider's Secret Server session, kept by <see cref="TokenCacheStore"/>.</summary>
internal sealed class StoredSession
{
    public string BaseUrl { get; init; } = "";

    public string Username { get; init; } = "";

    public string? AccessToken { get; init; }

    public DateTimeOffset ExpiresAt { get; init; }

    public string? RefreshToken { get; init; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, PropertyNameCaseInsensitive = true)]
[JsonSerializable(typeof(OAuthTokenWire))]
[JsonSerializable(typeof(OAuthErrorWire))]
[JsonSerializable(typeof(VaultsWire))]
[JsonSerializable(typeof(StoredSession))]
internal sealed partial class AuthJsonContext : JsonSerializerContext;
