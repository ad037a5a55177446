using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SecretMcp.DevVault;

/// <summary>The seed file: users and secrets the dev vault starts with (docs/dev-vault.md).</summary>
public sealed class SeedFile
{
    public List<SeedUser> Users { get; set; } = [];

    public List<SeedSecret> Secrets { get; set; } = [];

    /// <summary>How the vault behaves: token lifetime, refreshes, version. All optional.</summary>
    public SeedSettings Settings { get; set; } = new();

    /// <summary>Faults injected from the start (latency, 5xx, 429, HTML, cut-off answers, expired tokens).</summary>
    public List<DevVaultFault> Faults { get; set; } = [];

    /// <summary>The seed that ships with the tool: a database login, an API key and a PEM key.</summary>
    public static SeedFile LoadDefault()
    {
        using var stream = typeof(SeedFile).Assembly.GetManifestResourceStream("SecretMcp.DevVault.dev-seed.json")
            ?? throw new InvalidOperationException("The built-in dev seed is missing from the assembly.");
        return Parse(stream, "the built-in dev seed");
    }

    /// <summary>Reads a seed file, with an error that names the file and the problem.</summary>
    public static SeedFile LoadFile(string path)
    {
        Stream stream;
        try
        {
            stream = File.OpenRead(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedException($"Cannot read the seed file '{path}': {e.Message}", e);
        }

        using (stream)
        {
            return Parse(stream, $"the seed file '{path}'");
        }
    }

    /// <summary>The bytes of one seeded field, for tests and the demo to compare hashes against.</summary>
    public byte[] ValueOf(int secretId, string slug)
    {
        var secret = Secrets.FirstOrDefault(s => s.Id == secretId)
            ?? throw new ArgumentException($"The seed has no secret {secretId}.", nameof(secretId));
        var field = secret.Fields.FirstOrDefault(f => f.Slug == slug)
            ?? throw new ArgumentException($"Secret {secretId} has no field '{slug}'.", nameof(slug));
        return field.GetBytes($"secret {secretId}");
    }

    public static SeedFile Parse(Stream json, string origin)
    {
        SeedFile? seed;
        try
        {
            seed = JsonSerializer.Deserialize(json, DevVaultJsonContext.Default.SeedFile);
        }
        catch (JsonException e)
        {
            // JsonException messages carry a path and a line number, never the offending value.
            throw new SeedException($"{origin} is not valid seed JSON: {e.Message}", e);
        }

        if (seed is null)
        {
            throw new SeedException($"{origin} is empty; it must be an object with 'users' and 'secrets'.");
        }

        seed.Validate(origin);
        return seed;
    }

    private void Validate(string origin)
    {
        if (Users.Count == 0)
        {
            throw new SeedException($"{origin} has no users; add one under 'users' with a username and password.");
        }

        var usernames = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var user in Users)
        {
            if (string.IsNullOrEmpty(user.Username) || string.IsNullOrEmpty(user.Password))
            {
                throw new SeedException($"{origin}: every user needs a non-empty 'username' and 'password'.");
            }

            if (!usernames.Add(user.Username))
            {
                throw new SeedException($"{origin}: the user name '{user.Username}' is used twice.");
            }
        }

        if (Settings.TokenLifetimeSeconds is < 1 or > 86400)
        {
            throw new SeedException($"{origin}: settings.tokenLifetimeSeconds must be from 1 to 86400.");
        }

        if (Settings.MaxTokenRefreshes is < 0)
        {
            throw new SeedException($"{origin}: settings.maxTokenRefreshes must be 0 or more.");
        }

        foreach (var fault in Faults)
        {
            if (fault.Validate() is { } problem)
            {
                throw new SeedException($"{origin}, fault on '{fault.Path}': {problem}");
            }
        }

        var ids = new HashSet<int>();
        var paths = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        foreach (var secret in Secrets)
        {
            var where = $"{origin}, secret {secret.Id}";
            if (secret.Id <= 0 || !ids.Add(secret.Id))
            {
                throw new SeedException($"{where}: 'id' must be a positive number used by one secret only.");
            }

            var path = VaultPath.Normalize(secret.Path);
            if (path is null || !paths.Add(path))
            {
                throw new SeedException($"{where}: 'path' must be a unique folder path plus name, such as \\db\\prod.");
            }

            foreach (var (user, permission) in secret.Permissions ?? [])
            {
                if (!usernames.Contains(user) || !Enum.TryParse<SeedPermission>(permission, true, out _))
                {
                    throw new SeedException(
                        $"{where}: 'permissions' maps seeded user names to List, View, Edit or Owner "
                        + $"('{user}' is not a user or '{permission}' is not one of those).");
                }
            }

            if (secret.CheckOutIntervalMinutes is < 1)
            {
                throw new SeedException($"{where}: 'checkOutIntervalMinutes' must be 1 or more.");
            }

            var slugs = new HashSet<string>(StringComparer.Ordinal);
            foreach (var field in secret.Fields)
            {
                if (string.IsNullOrEmpty(field.Slug) || !slugs.Add(field.Slug))
                {
                    throw new SeedException($"{where}: every field needs a unique 'slug'.");
                }

                if ((field.Value is null) == (field.ValueBase64 is null))
                {
                    throw new SeedException(
                        $"{where}, field '{field.Slug}': give exactly one of 'value' and 'valueBase64'.");
                }

                // Decoding now turns a broken seed into an error at start rather than at the first read.
                _ = field.GetBytes(where);
            }
        }
    }
}

public sealed class SeedUser
{
    public string Username { get; set; } = "";

    public string Password { get; set; } = "";

    public string? DisplayName { get; init; }

    /// <summary>When set, the password grant also needs this code in the <c>OTP</c> header (two-factor).</summary>
    public string? Otp { get; init; }

    /// <summary>Whether <c>/secret-templates/{id}</c> answers this user; many real accounts may not.</summary>
    public bool CanViewTemplates { get; set; } = true;
}

public sealed class SeedSettings
{
    /// <summary>Access token lifetime; Secret Server's default session timeout is 20 minutes.</summary>
    public int? TokenLifetimeSeconds { get; init; }

    /// <summary>"Enable Refresh Tokens for Web Services" (default on).</summary>
    public bool? RefreshTokens { get; init; }

    /// <summary>"Maximum Token Refreshes Allowed" (default 3).</summary>
    public int? MaxTokenRefreshes { get; init; }

    /// <summary>What <c>/api/v1/version</c> reports.</summary>
    public string? Version { get; init; }

    /// <summary>
    /// Whether the <c>autoComment</c> query parameter of a plain GET satisfies "requires comment".
    /// The reference leaves it open (section 7, question 7); the default is the safe answer, no.
    /// </summary>
    public bool AutoCommentSatisfiesComment { get; init; }
}

/// <summary>Secret Server's permission levels on a secret, lowest first.</summary>
public enum SeedPermission
{
    None,
    List,
    View,
    Edit,
    Owner,
}

public sealed class SeedSecret
{
    public int Id { get; init; }

    public string Path { get; set; } = "";

    public string Template { get; set; } = "Password";

    public List<SeedField> Fields { get; set; } = [];

    public bool RequiresComment { get; init; }

    public bool CheckOutEnabled { get; init; }

    /// <summary>Minutes a check-out lasts before Secret Server checks the secret in by itself (default 30).</summary>
    public int? CheckOutIntervalMinutes { get; init; }

    /// <summary>Reading needs an approved access request; users in <see cref="ApprovedUsers"/> have one.</summary>
    public bool RequiresApproval { get; init; }

    public List<string> ApprovedUsers { get; set; } = [];

    /// <summary>False for a deactivated secret, which only <c>includeInactive</c> reads see.</summary>
    public bool Active { get; set; } = true;

    /// <summary>
    /// User name to List, View, Edit or Owner. Absent: every user may view the secret. Present: users
    /// not named may not even see that it exists.
    /// </summary>
    public Dictionary<string, string>? Permissions { get; init; }
}

public sealed class SeedField
{
    public string Slug { get; set; } = "";

    public string? Name { get; init; }

    public string? Value { get; init; }

    public string? ValueBase64 { get; init; }

    public bool IsPassword { get; init; }

    public bool IsNotes { get; init; }

    public bool IsFile { get; init; }

    public string? Filename { get; init; }

    /// <summary>The stored bytes. Text fields must be UTF-8, as Secret Server text fields hold strings.</summary>
    internal byte[] GetBytes(string where)
    {
        if (Value is not null)
        {
            return Encoding.UTF8.GetBytes(Value);
        }

        byte[] bytes;
        try
        {
            bytes = Convert.FromBase64String(ValueBase64!);
        }
        catch (FormatException e)
        {
            throw new SeedException($"{where}, field '{Slug}': 'valueBase64' is not valid base64.", e);
        }

        if (!IsFile && !IsValidUtf8(bytes))
        {
            throw new SeedException(
                $"{where}, field '{Slug}': a text field must hold UTF-8; mark binary content with \"isFile\": true.");
        }

        return bytes;
    }

    private static bool IsValidUtf8(byte[] bytes)
    {
        try
        {
            _ = new UTF8Encoding(false, true).GetString(bytes);
            return true;
        }
        catch (DecoderFallbackException)
        {
            return false;
        }
    }
}

public sealed class SeedException : Exception
{
    public SeedException(string message)
        : base(message)
    {
    }

    public SeedException(string message, Exception inner)
        : base(message, inner)
    {
    }
}

/// <summary>Folder paths the way Secret Server spells them: a leading backslash, backslash separators.</summary>
internal static class VaultPath
{
    public static string? Normalize(string? path)
    {
        if (string.IsNullOrWhiteSpace(path))
        {
            return null;
        }

        var segments = path.Split(['\\', '/'], StringSplitOptions.RemoveEmptyEntries);
        return segments.Length == 0 ? null : "\\" + string.Join('\\', segments);
    }
}
