using System.Globalization;

namespace SecretMcp.SecretServer;

/// <summary>
/// How the agent names a secret: a numeric id, or a folder path plus the secret's name
/// (<c>db/prod</c>, <c>/db/prod</c>, <c>\Infra\db\prod</c>), normalised to Secret Server's
/// backslash form. A bare name (one segment) is looked up as an exact secret name anywhere, and a
/// path that is not complete from the root as a name in a folder ending with the given folders.
/// </summary>
public sealed record SecretReference
{
    private SecretReference(int? id, string? path)
    {
        Id = id;
        Path = path;
    }

    public int? Id { get; }

    /// <summary>The backslash form with a leading backslash, e.g. <c>\db\prod</c>.</summary>
    public string? Path { get; }

    /// <summary>For messages and default variable names: the path without its leading backslash, or the id.</summary>
    public string Label => Path is null ? Id!.Value.ToString(CultureInfo.InvariantCulture) : Path[1..].Replace('\\', '/');

    public static SecretReference FromId(int id) => new(id, null);

    public static bool TryParse(string? text, out SecretReference reference, out string error)
    {
        reference = new SecretReference(null, null);
        error = "";
        var trimmed = text?.Trim() ?? "";
        if (trimmed.Length == 0)
        {
            error = "secret is empty: give a numeric id or a folder path such as db/prod";
            return false;
        }

        if (trimmed.Length > 1024 || trimmed.Any(char.IsControl))
        {
            error = "secret must be a numeric id or a folder path of printable characters, at most 1024 long";
            return false;
        }

        if (trimmed.All(char.IsAsciiDigit))
        {
            if (!int.TryParse(trimmed, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                error = $"secret id '{trimmed}' is not a valid Secret Server id (a positive number)";
                return false;
            }

            reference = new SecretReference(id, null);
            return true;
        }

        var segments = trimmed.Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (segments.Length == 0 || segments.Any(s => s is "." or ".."))
        {
            error = $"secret path '{trimmed}' has no secret name; use a folder path such as db/prod";
            return false;
        }

        reference = new SecretReference(null, "\\" + string.Join('\\', segments));
        return true;
    }

    /// <summary>True when the reference is a single name without folders.</summary>
    public bool IsBareName => Path is not null && Path.LastIndexOf('\\') == 0;

    /// <summary>A folder path as Secret Server spells it (<c>\a\b</c>); the root folder is <c>\</c>.</summary>
    public static string NormalizeFolderPath(string? path)
    {
        var segments = (path ?? "").Split(
            ['/', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return segments.Length == 0 ? "\\" : "\\" + string.Join('\\', segments);
    }
}
