namespace SecretMcp.SecretServer;

/// <summary>A secret as the tools see it: names, template and field slugs. It has no values by design.</summary>
public sealed record SecretMetadata(
    int Id,
    string Name,
    int FolderId,
    string Template,
    IReadOnlyList<FieldMetadata> Fields,
    bool RequiresComment,
    bool CheckOutEnabled)
{
    /// <summary>The field to use when none is named: the template's password field.</summary>
    public FieldMetadata? DefaultField => Fields.FirstOrDefault(f => f.IsPassword);

    public FieldMetadata? FindField(string slugOrName) =>
        Fields.FirstOrDefault(f => string.Equals(f.Slug, slugOrName, StringComparison.Ordinal))
        ?? Fields.FirstOrDefault(f => string.Equals(f.Slug, slugOrName, StringComparison.OrdinalIgnoreCase))
        ?? Fields.FirstOrDefault(f => string.Equals(f.Name, slugOrName, StringComparison.OrdinalIgnoreCase));
}

public sealed record FieldMetadata(string Slug, string Name, bool IsPassword, bool IsFile, bool IsNotes);
