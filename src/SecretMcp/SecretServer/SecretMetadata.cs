namespace SecretMcp.SecretServer;

/// <summary>
/// A secret as the tools see it: names, folder, template, field slugs, flags and whether this account
/// may read it now. It has no values by design.
/// </summary>
public sealed record SecretMetadata(
    int Id,
    string Name,
    int FolderId,
    string FolderPath,
    string Template,
    IReadOnlyList<FieldMetadata> Fields,
    SecretFlags Flags,
    SecretAccess Access)
{
    /// <summary>Why <see cref="Fields"/> is empty when they could not be listed without viewing the secret.</summary>
    public string? FieldsUnavailableReason { get; init; }

    /// <summary>The folder path plus the name, in Secret Server's backslash form.</summary>
    public string Path => SecretCandidate.Combine(FolderPath, Name);

    public bool RequiresComment => Flags.RequiresComment || Access.NeedsComment;

    public bool CheckOutEnabled => Flags.CheckOutEnabled;

    /// <summary>The field to use when none is named: the template's password field.</summary>
    public FieldMetadata? DefaultField => Fields.FirstOrDefault(f => f.IsPassword);

    public FieldMetadata? FindField(string slugOrName) =>
        Fields.FirstOrDefault(f => string.Equals(f.Slug, slugOrName, StringComparison.Ordinal))
        ?? Fields.FirstOrDefault(f => string.Equals(f.Slug, slugOrName, StringComparison.OrdinalIgnoreCase))
        ?? Fields.FirstOrDefault(f => string.Equals(f.Name, slugOrName, StringComparison.OrdinalIgnoreCase));
}

public sealed record FieldMetadata(string Slug, string Name, bool IsPassword, bool IsFile, bool IsNotes);

/// <summary>The secret's settings as Secret Server reports them in its summary.</summary>
public sealed record SecretFlags(
    bool RequiresComment,
    bool RequiresApproval,
    bool CheckOutEnabled,
    bool CheckedOut,
    bool IsRestricted,
    bool DoubleLock,
    bool Active);

/// <summary>One secret found by search or name: enough to tell candidates apart, never a value.</summary>
public sealed record SecretCandidate(int Id, string Name, string FolderPath, string Template, SecretFlags Flags)
{
    public string Path => Combine(FolderPath, Name);

    internal static string Combine(string folderPath, string name) =>
        folderPath is "" or "\\" ? "\\" + name : folderPath.TrimEnd('\\') + "\\" + name;
}

public sealed record SecretSearchResult(IReadOnlyList<SecretCandidate> Secrets, int Total, bool Truncated);

/// <summary>How this account may read the secret right now (Secret Server's <c>/state</c>).</summary>
public enum SecretAccessKind
{
    /// <summary>Secret Server did not say (an older server without <c>/state</c>): the flags guide the read.</summary>
    Unknown,
    Allowed,
    RequiresComment,
    RequiresCheckout,
    RequiresCheckoutAndComment,
    RequiresApproval,
    CheckedOutByOther,
    PasswordChangePending,
    DoubleLock,
    CannotView,
    Inactive,
}

public sealed record SecretAccess(SecretAccessKind Kind, string? CheckedOutBy = null, int? MinutesRemaining = null)
{
    public static SecretAccess Unknown { get; } = new(SecretAccessKind.Unknown);

    public bool NeedsComment => Kind is SecretAccessKind.RequiresComment or SecretAccessKind.RequiresCheckoutAndComment;

    public bool NeedsCheckout =>
        Kind is SecretAccessKind.RequiresCheckout or SecretAccessKind.RequiresCheckoutAndComment;

    /// <summary>For the model: what reading this secret takes, in a few words.</summary>
    public string Describe() => Kind switch
    {
        SecretAccessKind.Allowed => "readable",
        SecretAccessKind.RequiresComment => "readable with a reason (recorded in Secret Server's audit)",
        SecretAccessKind.RequiresCheckout => "readable; checked out and back in automatically",
        SecretAccessKind.RequiresCheckoutAndComment =>
            "readable with a reason; checked out and back in automatically",
        SecretAccessKind.RequiresApproval => "needs an approved access request in Secret Server",
        SecretAccessKind.CheckedOutByOther => $"checked out by {CheckedOutBy ?? "another user"}"
            + (MinutesRemaining is { } minutes ? $" for {minutes} more minute(s)" : ""),
        SecretAccessKind.PasswordChangePending => "a password change is pending; try again later",
        SecretAccessKind.DoubleLock => "protected by a double lock, which secret-mcp cannot open",
        SecretAccessKind.CannotView => "this account may list it but not view it",
        SecretAccessKind.Inactive => "deactivated",
        _ => "unknown (Secret Server did not report the access state)",
    };
}

/// <summary>What a read carries to Secret Server's audit: the caller's reason and an optional ticket number.</summary>
public sealed record FieldReadRequest(string? Reason = null, string? TicketNumber = null)
{
    public static FieldReadRequest None { get; } = new();

    public bool HasReason => !string.IsNullOrWhiteSpace(Reason);
}
