using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretMcp.DevVault;

// The dev vault's own JSON: its seed format and Secret Server's wire shapes as the reference
// describes them. Nothing here is shared with the client in src/SecretMcp.
[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    ReadCommentHandling = JsonCommentHandling.Skip,
    AllowTrailingCommas = true)]
[JsonSerializable(typeof(SeedFile))]
[JsonSerializable(typeof(DevVaultFault))]
[JsonSerializable(typeof(SecretResponse))]
[JsonSerializable(typeof(SecretSummaryResponse))]
[JsonSerializable(typeof(PagingResponse<SecretSummaryResponse>))]
[JsonSerializable(typeof(PagingResponse<LookupRecord>))]
[JsonSerializable(typeof(PagingResponse<AuditResponse>))]
[JsonSerializable(typeof(LookupRecord))]
[JsonSerializable(typeof(StateResponse))]
[JsonSerializable(typeof(FolderResponse))]
[JsonSerializable(typeof(TemplateResponse))]
[JsonSerializable(typeof(CheckOutResponse))]
[JsonSerializable(typeof(CurrentUserResponse))]
[JsonSerializable(typeof(RestrictedArgs))]
[JsonSerializable(typeof(InvalidRequestResponse))]
[JsonSerializable(typeof(InternalErrorResponse))]
[JsonSerializable(typeof(TokenResponse))]
[JsonSerializable(typeof(TokenError))]
[JsonSerializable(typeof(ApiError))]
[JsonSerializable(typeof(HealthResponse))]
[JsonSerializable(typeof(VersionResponse))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(int))]
[JsonSerializable(typeof(bool))]
internal sealed partial class DevVaultJsonContext : JsonSerializerContext;
