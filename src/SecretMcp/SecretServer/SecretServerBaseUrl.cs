using System.Net;

namespace SecretMcp.SecretServer;

/// <summary>
/// Turns what a user pastes as "the Secret Server URL" into the instance root the API hangs off:
/// <c>https://host/SecretServer/</c> on-prem, <c>https://tenant.secretservercloud.com/</c> in the
/// cloud. Suffixes people copy from docs or the browser (<c>/api/v1</c>, <c>/oauth2/token</c>, a
/// page name) are removed, and every change is reported so the user learns what was used.
/// </summary>
public static class SecretServerBaseUrl
{
    // Longest first: "/api/v1" must go before "/api" gets a chance to match.
    private static readonly string[] s_apiSuffixes =
    [
        "/oauth2/token", "/oauth2", "/api/v1", "/api/v2", "/api", "/restapidocs.ashx", "/app",
    ];

    /// <summary>Normalises <paramref name="text"/>; throws with a message naming the problem.</summary>
    /// <exception cref="SecretServerConfigurationException">The text is not a usable Secret Server URL.</exception>
    public static Uri Normalize(string text, string settingName, out IReadOnlyList<string> notes)
    {
        ArgumentNullException.ThrowIfNull(text);

        var changes = new List<string>();
        notes = changes;
        var trimmed = text.Trim();
        if (trimmed.Length == 0)
        {
            throw new SecretServerConfigurationException(
                $"{settingName} is empty; set it to the instance root, such as https://host/SecretServer.");
        }

        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            trimmed = "https://" + trimmed;
            changes.Add("no scheme was given, so https:// was assumed");
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("https" or "http")
            || string.IsNullOrEmpty(uri.Host))
        {
            throw new SecretServerConfigurationException(
                $"{settingName} is not an http(s) URL; set it to the instance root, such as "
                + "https://host/SecretServer or https://tenant.secretservercloud.com.");
        }

        if (uri.UserInfo.Length > 0)
        {
            // The text is not echoed: it holds a password.
            throw new SecretServerConfigurationException(
                $"{settingName} contains a user name or password; remove it (credentials come from the sign-in, "
                + "never from the URL).");
        }

        if (uri.Scheme == "http" && !IsLoopback(uri))
        {
            throw new SecretServerConfigurationException(
                $"{settingName} uses plain http for {uri.Host}; Secret Server must be reached over https so the "
                + "sign-in and the secrets are encrypted (plain http is accepted only on this machine's loopback).");
        }

        if (uri.Query.Length > 0 || uri.Fragment.Length > 0)
        {
            changes.Add("the query and fragment were removed");
        }

        var path = StripSuffixes(uri.AbsolutePath, changes);
        if (uri.Host.EndsWith(".delinea.app", StringComparison.OrdinalIgnoreCase)
            || uri.Host.EndsWith(".secureplatform.com", StringComparison.OrdinalIgnoreCase))
        {
            changes.Add(
                $"{uri.Host} looks like a Delinea Platform address; the Secret Server API is usually at the vault "
                + "address instead, such as https://tenant.secretservercloud.com");
        }

        var builder = new UriBuilder(uri.Scheme, uri.Host, uri.Port, path + "/");
        return builder.Uri;
    }

    private static string StripSuffixes(string path, List<string> changes)
    {
        var current = path.TrimEnd('/');
        var stripped = true;
        while (stripped)
        {
            stripped = false;
            foreach (var suffix in s_apiSuffixes)
            {
                if (current.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                {
                    changes.Add($"'{current[^suffix.Length..]}' was removed from the end: the base URL is the "
                        + "instance root, and secret-mcp adds the API paths itself");
                    current = current[..^suffix.Length].TrimEnd('/');
                    stripped = true;
                    break;
                }
            }

            // A page copied from the browser's address bar: Login.aspx, Dashboard.aspx, ...
            var lastSlash = current.LastIndexOf('/');
            var last = lastSlash >= 0 ? current[(lastSlash + 1)..] : "";
            if (last.EndsWith(".aspx", StringComparison.OrdinalIgnoreCase)
                || last.EndsWith(".ashx", StringComparison.OrdinalIgnoreCase))
            {
                changes.Add($"the page '{last}' was removed from the end: the base URL is the instance root");
                current = current[..lastSlash].TrimEnd('/');
                stripped = true;
            }
        }

        return current;
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback
        || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out var address) && IPAddress.IsLoopback(address));
}
