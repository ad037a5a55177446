using System.Text.Json.Serialization;

namespace SecretMcp.DevVault;

// The wire shapes of Secret Server as shared/reference/secret-server-api.md describes them (sections
// 1.2, 2.2, 4 and 6). They belong to the dev vault alone; the client has its own.

internal sealed class SecretResponse
{
    public int Id { get; init; }

    public string Name { get; init; } = "";

    public int FolderId { get; init; }

    public int SecretTemplateId { get; init; }

    public string SecretTemplateName { get; init; } = "";

    public int SiteId { get; init; } = 1;

    public bool Active { get; init; } = true;

    public bool CheckedOut { get; init; }

    public bool CheckOutEnabled { get; init; }

    public bool RequiresComment { get; init; }

    public bool RequiresApprovalForAccess { get; init; }

    public bool IsRestricted { get; init; }

    public List<SecretItemResponse> Items { get; init; } = [];
}

internal sealed class SecretItemResponse
{
    public int ItemId { get; init; }

    public int FieldId { get; init; }

    public string FieldName { get; init; } = "";

    public string Slug { get; init; } = "";

    public string FieldDescription { get; init; } = "";

    public string ItemValue { get; init; } = "";

    public bool IsFile { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public int? FileAttachmentId { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Filename { get; init; }

    public bool IsPassword { get; init; }

    public bool IsNotes { get; init; }

    public bool IsList { get; init; }

    public string ListType { get; init; } = "None";
}

internal sealed class TokenResponse
{
    [JsonPropertyName("access_token")]
    public string AccessToken { get; init; } = "";

    [JsonPropertyName("token_type")]
    public string TokenType { get; init; } = "bearer";

    [JsonPropertyName("expires_in")]
    public int ExpiresIn { get; init; }

    [JsonPropertyName("refresh_token")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? RefreshToken { get; init; }
}

internal sealed class TokenError
{
    [JsonPropertyName("error")]
    public string Error { get; init; } = "";
}

internal sealed class ApiError
{
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? ErrorCode { get; init; }

    public string Message { get; init; } = "";
}

internal sealed class HealthResponse
{
    public bool Healthy { get; init; } = true;

    public bool DatabaseHealthy { get; init; } = true;

    public bool ServiceBusHealthy { get; init; } = true;

    public bool StorageAccountHealthy { get; init; } = true;

    public bool ScheduledForDeletion { get; init; }
}

internal sealed class VersionResponse
{
    public string Version { get; init; } = "";
}
