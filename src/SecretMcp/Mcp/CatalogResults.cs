using System.Text.Json.Serialization;
using SecretMcp.SecretServer;

namespace SecretMcp.Mcp;

// Structured results of search_secrets and describe_secret. Names, paths, templates, slugs and flags;
// never a value.

public sealed record SearchSecretsResult(string Query, IReadOnlyList<SecretListing> Secrets, int Total, bool Truncated);

public sealed record SecretListing(
    int Id, string Name, string Path, string Folder, string Template, SecretFlagsResult Flags)
{
    public static SecretListing From(SecretCandidate candidate) => new(
        candidate.Id, candidate.Name, ForModel(candidate.Path), ForModel(candidate.FolderPath), candidate.Template,
        SecretFlagsResult.From(candidate.Flags));

    /// <summary>Paths as agents type them: forward slashes (the backslash form is accepted too).</summary>
    public static string ForModel(string path) => path.Replace('\\', '/');
}

public sealed record SecretFlagsResult(
    bool RequiresComment,
    bool RequiresApproval,
    bool CheckOut,
    bool CheckedOut,
    bool Restricted,
    bool DoubleLock,
    bool Active)
{
    public static SecretFlagsResult From(SecretFlags flags) => new(
        flags.RequiresComment, flags.RequiresApproval, flags.CheckOutEnabled, flags.CheckedOut, flags.IsRestricted,
        flags.DoubleLock, flags.Active);
}

public sealed record DescribeSecretResult(
    int Id,
    string Name,
    string Path,
    string Folder,
    string Template,
    IReadOnlyList<FieldResult> Fields,
    string? DefaultField,
    string? FieldsNote,
    SecretFlagsResult Flags,
    AccessResult Access);

/// <summary>A field's slug and name, and what kind it is; file fields are marked as such.</summary>
public sealed record FieldResult(string Slug, string Name, string Kind, bool IsPassword);

public sealed record AccessResult(string State, string Description, bool ReasonRequired);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SearchSecretsResult))]
[JsonSerializable(typeof(DescribeSecretResult))]
internal sealed partial class CatalogJsonContext : JsonSerializerContext;
