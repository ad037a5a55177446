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

    public int CheckOutIntervalMinutes { get; init; }

    public int CheckOutMinutesRemaining { get; init; }

    public int CheckOutUserId { get; init; } = -1;

    public string? CheckOutUserDisplayName { get; init; }

    public bool CheckOutChangePasswordEnabled { get; init; }

    public bool IsDoubleLock { get; init; }

    public bool AutoChangeEnabled { get; init; }

    public bool EnableInheritPermissions { get; init; } = true;

    public bool EnableInheritSecretPolicy { get; init; } = true;

    public List<string> ResponseCodes { get; init; } = [];

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

/// <summary>SecretSummary (reference 2.4): the summary endpoint and the records of search.</summary>
internal sealed class SecretSummaryResponse
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

    public bool RequiresApproval { get; init; }

    public bool IsRestricted { get; init; }

    public bool DoubleLockEnabled { get; init; }

    public bool AutoChangeEnabled { get; init; }

    public bool HidePassword { get; init; }

    public bool HasLauncher { get; init; }

    public bool InheritsPermissions { get; init; } = true;

    public bool IsOutOfSync { get; init; }

    public string OutOfSyncReason { get; init; } = "";

    public string CreateDate { get; init; } = "";

    public int DaysUntilExpiration { get; init; }

    public string? LastAccessed { get; init; }

    public string LastHeartBeatStatus { get; init; } = "Pending";

    public string? LastPasswordChangeAttempt { get; init; }

    public List<string> ResponseCodes { get; init; } = [];

    public List<ExtendedField> ExtendedFields { get; init; } = [];
}

internal sealed class ExtendedField
{
    public string Name { get; init; } = "";

    public string Value { get; init; } = "";
}

/// <summary>The paging envelope of search, lookup and audits (reference 3.1).</summary>
internal sealed class PagingResponse<T>
{
    public List<T> Records { get; init; } = [];

    public int Total { get; init; }

    public int Skip { get; init; }

    public int Take { get; init; }

    public int BatchCount { get; init; }

    public int CurrentPage { get; init; }

    public int PageCount { get; init; }

    public bool HasNext { get; init; }

    public bool HasPrev { get; init; }

    public int NextSkip { get; init; }

    public int PrevSkip { get; init; }

    public List<SortResponse> SortBy { get; init; } = [];

    public bool Success { get; init; } = true;

    public string Severity { get; init; } = "None";
}

internal sealed class SortResponse
{
    public string Name { get; init; } = "";

    public string Direction { get; init; } = "Asc";

    public int Priority { get; init; }
}

internal sealed class LookupRecord
{
    public int Id { get; init; }

    public string Value { get; init; } = "";
}

/// <summary>SecretDetailStateViewModel (reference 2.5).</summary>
internal sealed class StateResponse
{
    public int Id { get; init; }

    public string SecretName { get; init; } = "";

    public int FolderId { get; init; }

    public string? FolderName { get; init; }

    public string SecretState { get; init; } = "None";

    public bool IsActive { get; init; } = true;

    public bool IsCheckedOut { get; init; }

    public bool IsCheckedOutByCurrentUser { get; init; }

    public int? CheckedOutUserId { get; init; }

    public string? CheckedOutUserDisplayName { get; init; }

    public int CheckOutIntervalMinutes { get; init; }

    public int CheckOutMinutesRemaining { get; init; }

    public bool PasswordChangePending { get; init; }

    public string? ApprovalEnd { get; init; }

    public string Role { get; init; } = "View";

    public List<string> Actions { get; init; } = [];

    public List<string> AvailableActions { get; init; } = [];
}

/// <summary>FolderModel (reference 3.4).</summary>
internal sealed class FolderResponse
{
    public int Id { get; init; }

    public string FolderName { get; init; } = "";

    public string FolderPath { get; init; } = "";

    public int ParentFolderId { get; init; }

    public int FolderTypeId { get; init; } = 1;

    public bool InheritPermissions { get; init; } = true;

    public bool InheritSecretPolicy { get; init; } = true;

    public int SecretPolicyId { get; init; } = -1;

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<FolderResponse>? ChildFolders { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public List<TemplateSummaryResponse>? SecretTemplates { get; init; }
}

internal sealed class TemplateSummaryResponse
{
    public int Id { get; init; }

    public string Name { get; init; } = "";
}

/// <summary>
/// SecretTemplateModel: not in the reference's section 6, but the client reads it to list a secret's
/// fields without viewing the secret. Shape from the generated 11.2 client and the PowerShell module.
/// </summary>
internal sealed class TemplateResponse
{
    public int Id { get; init; }

    public string Name { get; init; } = "";

    public int PasswordTypeId { get; init; } = 1;

    public string ConcurrencyId { get; init; } = "";

    public List<TemplateFieldResponse> Fields { get; init; } = [];
}

internal sealed class TemplateFieldResponse
{
    public int SecretTemplateFieldId { get; init; }

    public string FieldSlugName { get; init; } = "";

    public string DisplayName { get; init; } = "";

    public string Name { get; init; } = "";

    public string Description { get; init; } = "";

    public bool IsPassword { get; init; }

    public bool IsFile { get; init; }

    public bool IsNotes { get; init; }

    public bool IsUrl { get; init; }

    public bool IsRequired { get; init; }

    public bool IsIndexable { get; init; }

    public bool HideOnView { get; init; }

    public bool MustEncrypt { get; init; }

    public string EditRequires { get; init; } = "Edit";

    public int SortOrder { get; init; }
}

/// <summary>One audit record (reference section 5).</summary>
internal sealed class AuditResponse
{
    public int Id { get; init; }

    public string Action { get; init; } = "";

    public string ActionForDisplay { get; init; } = "";

    public string ByUserDisplayName { get; init; } = "";

    public string Username { get; init; } = "";

    public string DateRecorded { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? Notes { get; init; }

    public string Status { get; init; } = "";

    [JsonIgnore(Condition = JsonIgnoreCondition.Never)]
    public string? TicketNumber { get; init; }

    public string? DatabaseName { get; init; }

    public bool HasProxySessionData { get; init; }
}

internal sealed class CheckOutResponse
{
    public List<string> ResponseCodes { get; init; } = [];
}

/// <summary>CurrentUserModel (reference 1.2).</summary>
internal sealed class CurrentUserResponse
{
    public int Id { get; init; }

    public string UserName { get; init; } = "";

    public string DisplayName { get; init; } = "";

    public string EmailAddress { get; init; } = "";

    public bool Enabled { get; init; } = true;
}

/// <summary>SecretRestrictedArgs (reference 2.1), as a request body.</summary>
internal sealed class RestrictedArgs
{
    public string? Comment { get; init; }

    public string? TicketNumber { get; init; }

    public int? TicketSystemId { get; init; }

    public string? DoubleLockPassword { get; init; }

    public bool? ForceCheckIn { get; init; }

    public bool? IncludeInactive { get; init; }

    public bool? NoAutoCheckout { get; init; }

    public string? NewPassword { get; init; }
}

/// <summary>BadRequestResponse for validation failures (reference section 4).</summary>
internal sealed class InvalidRequestResponse
{
    public string Message { get; init; } = "The request is invalid.";

    public Dictionary<string, List<string>> ModelState { get; init; } = [];
}

/// <summary>InternalServerErrorResponse (reference section 4), for injected 500s.</summary>
internal sealed class InternalErrorResponse
{
    public string Message { get; init; } = "An error has occurred.";

    public string ExceptionMessage { get; init; } = "";

    public string ExceptionType { get; init; } = "";

    public string StackTrace { get; init; } = "";
}
