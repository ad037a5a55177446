using SecretMcp.Policy;
using SecretMcp.SecretServer;

namespace SecretMcp.Mcp;

/// <summary>
/// What the policy rules see of a secret Secret Server described: its id, its template, and its
/// folder path plus name as Secret Server reports it, so a deny rule cannot be dodged by naming the
/// secret by id or by a bare name. Only when the folder could not be read is the path the one the
/// agent used (null for an id), which path rules read cautiously.
/// </summary>
internal static class PolicyFacts
{
    public static SecretFacts Of(SecretMetadata metadata, SecretReference reference) =>
        Of(metadata.Id, metadata.FolderPath, metadata.Path, metadata.Template, reference.Path);

    public static SecretFacts Of(SecretCandidate candidate) =>
        Of(candidate.Id, candidate.FolderPath, candidate.Path, candidate.Template, fallbackPath: null);

    private static SecretFacts Of(int id, string folderPath, string path, string template, string? fallbackPath)
    {
        // The client writes an unreadable folder as "\(folder 12)": its path is not known.
        var known = folderPath.Length > 0 && !folderPath.StartsWith("\\(folder ", StringComparison.Ordinal);
        return new SecretFacts(id, known ? path : fallbackPath, string.IsNullOrEmpty(template) ? null : template);
    }
}
