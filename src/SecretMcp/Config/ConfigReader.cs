using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace SecretMcp.Config;

/// <summary>
/// Reads the merged configuration key by key (no reflection binding, so it stays AOT-safe) and
/// collects one problem per bad key, named the way the user wrote it in the file:
/// <c>policy.rules[0].action</c>. Keys are matched case-insensitively, as environment variables are.
/// </summary>
internal sealed class ConfigReader
{
    private readonly IConfiguration _root;
    private readonly IReadOnlyDictionary<string, string> _environmentNames;
    private readonly IReadOnlySet<string> _hidden;
    private readonly IReadOnlySet<string> _fileKeys;

    /// <param name="fileKeys">Every key the file sets (lower case): its typos are errors, other keys are not.</param>
    /// <param name="environmentNames">Config path (lower case) → the environment variable that set it.</param>
    /// <param name="hidden">Config paths (lower case) whose values looked like secrets; never quoted or read.</param>
    public ConfigReader(
        IConfiguration root,
        IReadOnlySet<string> fileKeys,
        IReadOnlyDictionary<string, string> environmentNames,
        IReadOnlySet<string> hidden)
    {
        _root = root;
        _fileKeys = fileKeys;
        _environmentNames = environmentNames;
        _hidden = hidden;
    }

    public List<string> Problems { get; } = [];

    public ConfigNode Root => new(this, _root, "", "");

    internal bool IsHidden(string path) => _hidden.Contains(path.ToLowerInvariant());

    /// <summary>
    /// True when the file sets this key or something below it. Unknown keys are reported only from the
    /// file: other SECRET_MCP__ environment variables may belong to code that reads them directly.
    /// </summary>
    internal bool IsInFile(string path)
    {
        var key = path.ToLowerInvariant();
        var prefix = key + ConfigurationPath.KeyDelimiter;
        return _fileKeys.Contains(key) || _fileKeys.Any(k => k.StartsWith(prefix, StringComparison.Ordinal));
    }

    internal void Report(string path, string display, string problem)
    {
        var origin = _environmentNames.TryGetValue(path.ToLowerInvariant(), out var variable)
            ? $" (set by the environment variable {variable})"
            : "";
        Problems.Add($"{display}{origin}: {problem}");
    }

    /// <summary>Shows a value in a message: short, printable, quoted.</summary>
    internal static string Quote(string value)
    {
        var printable = new string(value.Where(c => !char.IsControl(c)).Take(60).ToArray());
        return "\"" + printable + (value.Length > 60 ? "…" : "") + "\"";
    }
}

/// <summary>One place in the configuration tree: an object, a list, or a value.</summary>
internal readonly record struct ConfigNode(ConfigReader Reader, IConfiguration Section, string Path, string Display)
{
    public string? Value => Section is IConfigurationSection s && !Reader.IsHidden(Path) ? s.Value : null;

    public bool Exists => Section is not IConfigurationSection s || s.Exists();

    /// <summary>The file sets this key to an empty list, an empty object or null: present, holding nothing.</summary>
    public bool IsSetToEmpty => !Exists && Reader.IsInFile(Path);

    public ConfigNode Child(string key)
    {
        var path = Path.Length == 0 ? key : Path + ConfigurationPath.KeyDelimiter + key;
        var display = Display.Length == 0 ? key : Display + "." + key;
        return new ConfigNode(Reader, Section.GetSection(key), path, display);
    }

    public void Problem(string problem) => Reader.Report(Path, Display, problem);

    /// <summary>Reports keys this build does not know, so a typo is not silently ignored.</summary>
    public bool CheckObject(string what, IReadOnlyCollection<string> known)
    {
        if (!Exists)
        {
            return false;
        }

        if (Section is IConfigurationSection { Value: not null })
        {
            Problem($"must be an object ({what}), not a single value");
            return false;
        }

        foreach (var child in Section.GetChildren())
        {
            var node = Child(child.Key);
            if (known.Contains(child.Key, StringComparer.OrdinalIgnoreCase) || !Reader.IsInFile(node.Path))
            {
                continue;
            }

            var credential = SecretLikeness.KeyReason(child.Key);
            node.Problem(credential is not null
                ? $"{credential}, and the config file must never hold a secret; remove it (secrets stay in Secret "
                    + "Server, and sign-in secrets in the sign-in cache or the environment)"
                : $"unknown key; {what} takes {string.Join(", ", known)}");
        }

        return true;
    }

    /// <summary>The items of a list, in order; reports a map or a value where a list belongs.</summary>
    public IReadOnlyList<ConfigNode> Items(string what)
    {
        if (!Exists)
        {
            return [];
        }

        var children = Section.GetChildren().ToList();
        if (Section is IConfigurationSection { Value: not null } || children.Any(c => !IsIndex(c.Key)))
        {
            Problem($"must be a list of {what} ([ ... ])");
            return [];
        }

        var self = this;
        return children
            .OrderBy(c => int.Parse(c.Key, CultureInfo.InvariantCulture))
            .Select(c => new ConfigNode(
                self.Reader, c, self.Path + ConfigurationPath.KeyDelimiter + c.Key, $"{self.Display}[{c.Key}]"))
            .ToList();
    }

    /// <summary>The entries of a map whose keys the user chooses (alias names, variable names).</summary>
    public IReadOnlyList<(string Key, ConfigNode Node)> Entries(string what)
    {
        if (!Exists)
        {
            return [];
        }

        if (Section is IConfigurationSection { Value: not null })
        {
            Problem($"must be an object of {what} ({{ \"name\": ... }})");
            return [];
        }

        var self = this;
        return Section.GetChildren()
            .Select(c => (c.Key, new ConfigNode(
                self.Reader, c, self.Path + ConfigurationPath.KeyDelimiter + c.Key, $"{self.Display}.{c.Key}")))
            .ToList();
    }

    public string? String(string key, int maxLength = 1024)
    {
        var node = Child(key);
        if (!node.IsScalar())
        {
            return null;
        }

        var value = node.Value;
        if (value is null)
        {
            return null;
        }

        if (value.Length > maxLength || value.Any(char.IsControl))
        {
            node.Problem($"must be text of at most {maxLength} characters without control characters");
            return null;
        }

        return value.Length == 0 ? null : value;
    }

    public int? Int(string key, int min, int max, string unit)
    {
        var node = Child(key);
        if (!node.IsScalar() || node.Value is not { Length: > 0 } text)
        {
            return null;
        }

        if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            || value < min || value > max)
        {
            node.Problem($"is {ConfigReader.Quote(text)}; use a whole number of {unit} from {min} to {max}");
            return null;
        }

        return value;
    }

    public bool? Bool(string key)
    {
        var node = Child(key);
        if (!node.IsScalar() || node.Value is not { Length: > 0 } text)
        {
            return null;
        }

        if (!bool.TryParse(text, out var value))
        {
            node.Problem($"is {ConfigReader.Quote(text)}; use true or false");
            return null;
        }

        return value;
    }

    public T? Choice<T>(string key, IReadOnlyDictionary<string, T> choices)
        where T : struct
    {
        var node = Child(key);
        if (!node.IsScalar() || node.Value is not { Length: > 0 } text)
        {
            return null;
        }

        foreach (var (name, value) in choices)
        {
            if (string.Equals(name, text.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        var names = string.Join(", ", choices.Keys.Select(k => "\"" + k + "\""));
        node.Problem($"is {ConfigReader.Quote(text)}; use one of {names}");
        return null;
    }

    /// <summary>An absolute http(s) URL without a password in it.</summary>
    public Uri? Url(string key, string example)
    {
        var text = String(key, 2048);
        if (text is null)
        {
            return null;
        }

        var node = Child(key);
        if (!Uri.TryCreate(text.Trim(), UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || string.IsNullOrEmpty(uri.Host))
        {
            node.Problem($"is {ConfigReader.Quote(text)}, which is not an http(s) URL; use one such as {example}");
            return null;
        }

        if (uri.UserInfo.Length > 0)
        {
            node.Problem("must not hold a user name or password; remove the part before '@'");
            return null;
        }

        return uri;
    }

    /// <summary>A list of strings; a single string is accepted as a list of one.</summary>
    public IReadOnlyList<string>? StringList(string key, string what)
    {
        var node = Child(key);
        if (!node.Exists)
        {
            // "shells": [] means no shell at all, which is not the same as leaving the key out.
            return node.IsSetToEmpty ? [] : null;
        }

        if (node.Value is { } single)
        {
            return single.Length == 0 ? [] : [single];
        }

        var items = new List<string>();
        foreach (var item in node.Items(what))
        {
            if (item.IsScalar() && item.Value is { Length: > 0 } value)
            {
                items.Add(value);
            }
        }

        return items;
    }

    private bool IsScalar()
    {
        if (Section is IConfigurationSection s && s.Value is null && s.GetChildren().Any())
        {
            Problem("must be a single value, not an object or a list");
            return false;
        }

        return true;
    }

    private static bool IsIndex(string key) =>
        key.Length is > 0 and < 6 && key.All(char.IsAsciiDigit);
}
