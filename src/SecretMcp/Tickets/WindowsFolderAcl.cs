using System.Runtime.Versioning;
using System.Security.AccessControl;
using System.Security.Principal;

namespace SecretMcp.Tickets;

/// <summary>
/// Windows has no file modes: the runtime folder gets a protected ACL (no inherited entries) that
/// names the current user as owner and as the only principal with access. AF_UNIX on Windows needs
/// write access to the socket file to connect, and the socket inherits this ACL, so this is the
/// Windows counterpart of the 0700 folder and the 0600 socket.
/// </summary>
public static class WindowsFolderAcl
{
    /// <summary>The security descriptor, in SDDL: owner and group the user, one full-control entry.</summary>
    public static string PrivateSddl(string userSid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(userSid);
        if (!userSid.StartsWith("S-1-", StringComparison.Ordinal) || userSid.Any(c => c is not ('-' or 'S') && !char.IsAsciiDigit(c)))
        {
            throw new ArgumentException($"'{userSid}' is not a SID.", nameof(userSid));
        }

        // P: protected, so entries inherited from %LOCALAPPDATA% are dropped; OICI: files and
        // folders created inside (the sockets) inherit the entry; FA: full access.
        return $"O:{userSid}G:{userSid}D:P(A;OICI;FA;;;{userSid})";
    }

    /// <summary>
    /// What is wrong with a folder's ACL, read back after it was set. Empty when only the user has
    /// access and nothing is inherited. Pure, so it is tested on every platform.
    /// </summary>
    public static IReadOnlyList<string> Problems(string ownerSid, IEnumerable<AclEntry> entries, string userSid)
    {
        var problems = new List<string>();
        if (ownerSid != userSid)
        {
            problems.Add($"the folder is owned by {ownerSid}, not by the current user {userSid}");
        }

        foreach (var entry in entries)
        {
            if (entry.Inherited)
            {
                problems.Add($"an inherited entry for {entry.Sid} remains");
            }
            else if (entry.Allow && entry.Sid != userSid)
            {
                problems.Add($"{entry.Sid} is allowed access");
            }
        }

        return problems;
    }

    [SupportedOSPlatform("windows")]
    public static void MakePrivate(string folder)
    {
        var user = WindowsIdentity.GetCurrent().User
            ?? throw new UnauthorizedAccessException("The current Windows user has no SID.");
        var security = new DirectorySecurity();
        security.SetSecurityDescriptorSddlForm(PrivateSddl(user.Value));

        // CreateDirectory with a security descriptor returns an existing folder unchanged, so the
        // ACL is set again on every start, as chmod is on Unix.
        var directory = FileSystemAclExtensions.CreateDirectory(security, folder);
        directory.SetAccessControl(security);

        var applied = directory.GetAccessControl();
        var owner = applied.GetOwner(typeof(SecurityIdentifier))?.Value ?? "";
        var entries = applied.GetAccessRules(includeExplicit: true, includeInherited: true, typeof(SecurityIdentifier))
            .Cast<FileSystemAccessRule>()
            .Select(r => new AclEntry(r.IdentityReference.Value, r.AccessControlType == AccessControlType.Allow, r.IsInherited));
        var problems = Problems(owner, entries, user.Value);
        if (problems.Count > 0)
        {
            throw new UnauthorizedAccessException(
                $"The folder '{folder}' could not be made private: {string.Join("; ", problems)}.");
        }
    }
}

/// <summary>One access rule of an ACL, reduced to what the privacy check needs.</summary>
public sealed record AclEntry(string Sid, bool Allow, bool Inherited);
