using System.Text.RegularExpressions;

namespace SecretMcp.Audit;

/// <summary>
/// Cleans free text before it enters the log: an agent writes the reason and names the secret, and
/// may paste anything there, including a ticket. Tickets are cut out, control characters dropped
/// and the length bounded, so one line stays one short line.
/// </summary>
public static partial class AuditText
{
    public const int MaxLength = 200;

    public static string? Clean(string? text)
    {
        if (text is null)
        {
            return null;
        }

        var cleaned = TicketPattern().Replace(text, "smt1.[ticket removed]");
        cleaned = new string(cleaned.Where(c => !char.IsControl(c)).ToArray());
        return cleaned.Length > MaxLength ? cleaned[..MaxLength] + "…" : cleaned;
    }

    // Generous on purpose: anything that starts like a ticket goes, even if cut short or altered.
    [GeneratedRegex(@"smt1\.[0-9A-Za-z_\-]*\.?[0-9A-Za-z_\-]*", RegexOptions.CultureInvariant)]
    private static partial Regex TicketPattern();
}
