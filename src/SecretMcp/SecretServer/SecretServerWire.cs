using System.Text.Json.Serialization;

namespace SecretMcp.SecretServer;

// The client's own view of Secret Server's JSON (shared/reference/secret-server-api.md). Field values
// are deliberately absent from every type here (no itemValue): reading metadata never pulls a value
// into our objects. Every member is optional, so a server that leaves one out is still understood.

/// <summary>GET /api/v1/secrets/{id} (reference 2.2), without values.</summary>
internal sealed class SecretWire
{
    public int Id { get; init; }

    public string? Name { get; init; }

    public int? FolderId { get; init; }

    public int SecretTemplateId { get; init; }

    public string? SecretTemplateName { get; init; }

    public bool? Active { get; init; }

    public bool CheckedOut { get; init; }

    public bool CheckOutEnabled { get; init; }

    public bool RequiresComment { get; init; }

    public bool RequiresApprovalForAccess { get; init; }

    public bool IsRestricted { get; init; }

    public bool IsDoubleLock { get; init; }

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

/// <summary>SecretSummary (reference 2.4): summary endpoint and search records.</summary>
internal sealed class SecretSummaryWire
{
    public int Id { get; init; }

    public string? Name { get; init; }

    public int? FolderId { get; init; }

    public int SecretTemplateId { get; init; }

    public string? SecretTemplateName { get; init; }

    public bool? Active { get; init; }

    public bool CheckedOut { get; init; }

    public bool CheckOutEnabled { get; init; }

    public bool RequiresComment { get; init; }

    public bool RequiresApproval { get; init; }

    public bool IsRestricted { get; init; }

    public bool DoubleLockEnabled { get; init; }
}

/// <summary>The paging envelope of search (reference 3.1).</summary>
internal sealed class SecretSearchPageWire
{
    public List<SecretSummaryWire>? Records { get; init; }

    public int? Total { get; init; }

    public bool HasNext { get; init; }

    public int? NextSkip { get; init; }
}

/// <summary>GET /api/v1/secrets/{id}/state (reference 2.5).</summary>
internal sealed class SecretStateWire
{
    public int Id { get; init; }

    public string? SecretName { get; init; }

    public string? SecretState { get; init; }

    public bool? IsActive { get; init; }

    public bool IsCheckedOut { get; init; }

    public bool IsCheckedOutByCurrentUser { get; init; }

    public string? CheckedOutUserDisplayName { get; init; }

    public int? CheckOutMinutesRemaining { get; init; }
}

/// <summary>GET /api/v1/folders/{id} (reference 3.4).</summary>
internal sealed class FolderWire
{
    public int Id { get; init; }

    public string? FolderName { get; init; }

    public string? FolderPath { get; init; }
}

/// <summary>
/// GET /api/v1/secret-templates/{id}: the template's fields, so a secret's field slugs can be listed
/// without viewing it. Not in the reference; shape from the generated client and the PowerShell
/// module's TssSecretTemplateField (fieldSlugName, displayName, isPassword, isFile, isNotes).
/// </summary>
internal sealed class TemplateWire
{
    public int Id { get; init; }

    public string? Name { get; init; }

    public List<TemplateFieldWire>? Fields { get; init; }
}

internal sealed class TemplateFieldWire
{
    public string? FieldSlugName { get; init; }

    public string? DisplayName { get; init; }

    public string? Name { get; init; }

    public bool IsPassword { get; init; }

    public bool IsFile { get; init; }

    public bool IsNotes { get; init; }
}

/// <summary>SecretRestrictedArgs (reference 2.1): only the members the caller set are sent.</summary>
internal sealed class RestrictedArgsWire
{
    public string? Comment { get; init; }

    public string? TicketNumber { get; init; }
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

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    PropertyNameCaseInsensitive = true,
    NumberHandling = JsonNumberHandling.AllowReadingFromString,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SecretWire))]
[JsonSerializable(typeof(SecretSummaryWire))]
[JsonSerializable(typeof(SecretSearchPageWire))]
[JsonSerializable(typeof(SecretStateWire))]
[JsonSerializable(typeof(FolderWire))]
[JsonSerializable(typeof(TemplateWire))]
[JsonSerializable(typeof(RestrictedArgsWire))]
[JsonSerializable(typeof(TokenWire))]
[JsonSerializable(typeof(ErrorWire))]
[JsonSerializable(typeof(string))]
internal sealed partial class SecretServerJsonContext : JsonSerializerContext;
