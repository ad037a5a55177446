namespace SecretMcp.Config;

/// <summary>
/// Spots what looks like a secret in the config file, which must never hold one: keys named like a
/// credential, and values shaped like one (a private key, a JWT, a URL with a password, a long
/// random string). The reasons never quote the value.
/// </summary>
public static class SecretLikeness
{
    private const int RandomMinLength = 20;

    // Normalised key names (lower case, no '-', '_' or '.') that hold credentials.
    private static readonly HashSet<string> s_secretKeys = new(StringComparer.Ordinal)
    {
        "password", "passwd", "pwd", "pass", "passphrase", "secret", "clientsecret", "token", "accesstoken",
        "refreshtoken", "idtoken", "bearer", "bearertoken", "apikey", "privatekey", "otp", "credential",
        "credentials", "sessiontoken", "cookie", "connectionstring",
    };

    private static readonly string[] s_secretKeySuffixes =
        ["password", "passwd", "secret", "token", "apikey", "privatekey"];

    private static readonly string[] s_tokenPrefixes =
    [
        "ghp_", "gho_", "ghs_", "ghu_", "github_pat_", "glpat-", "xoxb-", "xoxp-", "sk-", "sk_live_", "AKIA", "ASIA",
        "AIza",
    ];

    /// <summary>Null when the key name is fine; otherwise why it may not be in the file.</summary>
    public static string? KeyReason(string key)
    {
        var normal = new string(key.Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
        if (s_secretKeys.Contains(normal) || s_secretKeySuffixes.Any(s => normal.EndsWith(s, StringComparison.Ordinal)))
        {
            return $"a key named '{key}' would hold a credential";
        }

        return null;
    }

    /// <summary>Null when the value does not look like a secret; otherwise what it looks like.</summary>
    public static string? ValueReason(string? value)
    {
        var text = value?.Trim() ?? "";
        if (text.Length == 0)
        {
            return null;
        }

        if (text.Contains("-----BEGIN", StringComparison.Ordinal))
        {
            return "the value looks like a PEM key or certificate";
        }

        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.UserInfo.Contains(':', StringComparison.Ordinal))
        {
            return "the value is a URL with a password in it";
        }

        if (LooksLikeJwt(text))
        {
            return "the value looks like a JSON Web Token";
        }

        if (s_tokenPrefixes.Any(p => text.StartsWith(p, StringComparison.Ordinal)) && text.Length >= RandomMinLength
            && !text.Any(char.IsWhiteSpace))
        {
            return "the value looks like an API token";
        }

        if (LooksRandom(text))
        {
            return $"the value looks like a key or password (a random-looking string of {text.Length} characters)";
        }

        return null;
    }

    private static bool LooksLikeJwt(string text)
    {
        var parts = text.Split('.');
        return parts.Length == 3 && text.StartsWith("eyJ", StringComparison.Ordinal)
            && parts.All(p => p.Length > 0 && p.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '='));
    }

    /// <summary>
    /// Long, no spaces, letters mixed with digits, and high character entropy: what generated keys
    /// look like. GUIDs (client and tenant ids), URLs and paths are not secrets and are let through.
    /// </summary>
    private static bool LooksRandom(string text)
    {
        if (text.Length < RandomMinLength || text.Any(char.IsWhiteSpace) || Guid.TryParse(text, out _))
        {
            return false;
        }

        if (text.Contains("://", StringComparison.Ordinal) || text.Contains('/', StringComparison.Ordinal)
            || text.Contains('\\', StringComparison.Ordinal) || text.StartsWith('~'))
        {
            return false;
        }

        var letters = text.Count(char.IsAsciiLetter);
        var digits = text.Count(char.IsAsciiDigit);
        if (letters == 0 || digits == 0)
        {
            return false;
        }

        return Entropy(text) >= 3.5;
    }

    /// <summary>Shannon entropy in bits per character.</summary>
    private static double Entropy(string text)
    {
        var entropy = 0.0;
        foreach (var group in text.GroupBy(c => c))
        {
            var p = (double)group.Count() / text.Length;
            entropy -= p * Math.Log2(p);
        }

        return entropy;
    }
}
