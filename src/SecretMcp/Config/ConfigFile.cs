using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Configuration;

namespace SecretMcp.Config;

/// <summary>
/// Reads the config file: JSON with comments and trailing commas allowed, flattened into
/// configuration keys (<c>policy:rules:0:action</c>) the way Microsoft.Extensions.Configuration's
/// JSON provider does, but with errors that give the line and never echo the file's content.
/// </summary>
internal static class ConfigFile
{
    private const int MaxBytes = 1024 * 1024;

    private static readonly JsonDocumentOptions s_options = new()
    {
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 32,
    };

    /// <summary>The flattened keys and values; duplicate keys are added to <paramref name="problems"/>.</summary>
    public static Dictionary<string, string?> Read(string path, List<string> problems)
    {
        byte[] bytes;
        try
        {
            var info = new FileInfo(path);
            if (info.Length > MaxBytes)
            {
                throw new ConfigException(path,
                    [$"the file is larger than {MaxBytes / 1024} KiB; it is not a config file"]);
            }

            bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, [$"cannot be read ({e.GetType().Name}: {e.Message})"]);
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(bytes, s_options);
        }
        catch (JsonException e)
        {
            // The line and position are enough to find the mistake; the parser's text could quote the file.
            throw new ConfigException(path,
                [$"is not valid JSON near line {e.LineNumber + 1}, position {e.BytePositionInLine + 1}; "
                    + "check for a missing comma, quote or brace there (comments and trailing commas are allowed)"]);
        }

        using (document)
        {
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new ConfigException(path, ["must hold one JSON object ({ ... }) at the top"]);
            }

            var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
            Flatten(document.RootElement, "", "", values, problems);
            return values;
        }
    }

    private static void Flatten(
        JsonElement element, string path, string display, Dictionary<string, string?> values, List<string> problems)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object or JsonValueKind.Array when IsEmpty(element):
                // Kept as a key, as the JSON provider keeps it, so an empty misspelt section is still reported.
                if (path.Length > 0)
                {
                    values[path] = null;
                }

                break;

            case JsonValueKind.Object:
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var property in element.EnumerateObject())
                {
                    var childDisplay = display.Length == 0 ? property.Name : display + "." + property.Name;
                    if (property.Name.Contains(ConfigurationPath.KeyDelimiter, StringComparison.Ordinal))
                    {
                        problems.Add($"{childDisplay}: a key cannot contain ':'; rename it");
                        continue;
                    }

                    if (!seen.Add(property.Name))
                    {
                        // Keys are case-insensitive, as environment overrides are: Policy and policy are one key.
                        problems.Add($"{childDisplay}: the key appears twice (keys ignore case); keep one");
                        continue;
                    }

                    Flatten(property.Value, Join(path, property.Name), childDisplay, values, problems);
                }

                break;

            case JsonValueKind.Array:
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    var key = index.ToString(CultureInfo.InvariantCulture);
                    Flatten(item, Join(path, key), $"{display}[{key}]", values, problems);
                    index++;
                }

                break;

            case JsonValueKind.String:
                values[path] = element.GetString();
                break;

            case JsonValueKind.Null:
                values[path] = null;
                break;

            default:
                // Numbers and booleans keep their JSON spelling, as the JSON provider does.
                values[path] = element.GetRawText();
                break;
        }
    }

    private static bool IsEmpty(JsonElement element) => element.ValueKind == JsonValueKind.Object
        ? !element.EnumerateObject().Any()
        : element.GetArrayLength() == 0;

    private static string Join(string path, string key) =>
        path.Length == 0 ? key : path + ConfigurationPath.KeyDelimiter + key;
}
