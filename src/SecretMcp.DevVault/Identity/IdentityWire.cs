using System.Text.Json.Serialization;

namespace SecretMcp.DevVault.Identity;

// Wire shapes of the dev identity provider: Entra's v2.0 endpoints, RFC 8693 token exchange and the
// Delinea Platform endpoints of shared/reference/secret-server-api.md 1.3. The dev vault's own; the
// client has its own view of them.

internal sealed class OpenIdConfiguration
{
    [JsonPropertyName("issuer")]
    public string Issuer { get; init; } = "";

    [JsonPropertyName("authorization_endpoint")]
    public string AuthorizationEndpoint { get; init; } = "";

    [JsonPropertyName("token_endpoint")]
    public string TokenEndpoint { get; init; } = "";

    [JsonPropertyName("device_authorization_endpoint")]
    public string DeviceAuthorizationEndpoint { get; init; } = "";

    [JsonPropertyName("jwks_uri")]
    public string JwksUri { get; init; } = "";

    [JsonPropertyName("response_types_supported")]
    public string[] ResponseTypesSupported { get; init; } = ["code"];

    [JsonPropertyName("response_modes_supported")]
    public string[] ResponseModesSupported { get; init; } = ["query", "form_post"];

    [JsonPropertyName("subject_types_supported")]
    public string[] SubjectTypesSupported { get; init; } = ["pairwise"];

    [JsonPropertyName("id_token_signing_alg_values_supported")]
    public string[] SigningAlgorithms { get; init; } = ["RS256"];

    [JsonPropertyName("code_challenge_methods_supported")]
    public string[] CodeChallengeMethods { get; init; } = ["S256"];

    [JsonPropertyName("scopes_supported")]
    public string[] ScopesSupported { get; init; } = ["openid", "profile", "offline_access"];

    [JsonPropertyName("grant_types_supported")]
    public string[] GrantTypesSupported { get; init; } =
        ["authorization_code", "refresh_token", "urn:ietf:params:oauth:grant-type:device_code"];

    [JsonPropertyName("tenant_region_scope")]
    public string? TenantRegionScope { get; init; }
}

internal sealed class JwksResponse
{
    [JsonPropertyName("keys")]
    public List<JwkResponse> Keys { get; init; } = [];
}

internal sealed class JwkResponse
{
    [JsonPropertyName("kty")]
    public string Kty { get; init; } = "RSA";

    [JsonPropertyName("use")]
    public string Use { get; init; } = "sig";

    [JsonPropertyName("alg")]
    public string Alg { get; init; } = "RS256";

    [JsonPropertyName("kid")]
    public string Kid { get; init; } = "";

    [JsonPropertyName("n")]
    public string N { get; init; } = "";

    [JsonPropertyName("e")]
    public string E { get; init; } = "";
}

internal sealed class DeviceCodeResponse
{
    [JsonPropertyName("device_code")]
    public string DeviceCode { get; init; } = "";

    [JsonPropertyName("user_code")]
    public string UserCode { get; init; } = "";

    [JsonPropertyName("verification_uri")]
    public string VerificationUri { get; init; } = "";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("interval")]
    public int Interval { get; init; }

    [JsonPropertyName("message")]
    public string Message { get; init; } = "";
}

internal sealed class OAuthTokenResponse
{
    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "Bearer";

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("ext_expires_in")]
    public int ExtExpiresIn { get; init; }

    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    [JsonPropertyName("refresh_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; init; }

    [JsonPropertyName("id_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? IdToken { get; init; }

    [JsonPropertyName("client_info")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ClientInfo { get; init; }
}

internal sealed class OAuthError
{
    [JsonPropertyName("error")]
    public string Error { get; init; } = "";

    [JsonPropertyName("error_description")]
    public string ErrorDescription { get; init; } = "";
}

internal sealed class ExchangeResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    [JsonPropertyName("issued_token_type")]
    public string IssuedTokenType { get; init; } = "urn:ietf:params:oauth:token-type:access_token";

    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "Bearer";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }
}

internal sealed class PlatformTokenResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "Bearer";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("session_expires_in")]
    public int SessionExpiresIn { get; init; }

    [JsonPropertyName("scope")]
    public string Scope { get; init; } = "xpmheadless";
}

internal sealed class VaultsResponse
{
    public List<VaultEntry> Vaults { get; init; } = [];
}

internal sealed class VaultEntry
{
    public string VaultId { get; init; } = "";

    public string Name { get; init; } = "";

    public string Type { get; init; } = "SecretServer";

    public bool IsDefault { get; init; }

    public bool IsGlobalDefault { get; init; }

    public bool IsActive { get; init; }

    public VaultConnection Connection { get; init; } = new();
}

internal sealed class VaultConnection
{
    public string Url { get; init; } = "";

    public string OAuthProfileId { get; init; } = "";
}

internal sealed class PlatformHealth
{
    public bool Healthy { get; init; } = true;
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(OpenIdConfiguration))]
[JsonSerializable(typeof(JwksResponse))]
[JsonSerializable(typeof(DeviceCodeResponse))]
[JsonSerializable(typeof(OAuthTokenResponse))]
[JsonSerializable(typeof(OAuthError))]
[JsonSerializable(typeof(ExchangeResponse))]
[JsonSerializable(typeof(PlatformTokenResponse))]
[JsonSerializable(typeof(VaultsResponse))]
[JsonSerializable(typeof(PlatformHealth))]
internal sealed partial class IdentityJsonContext : JsonSerializerContext;
