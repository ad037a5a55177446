using System.Net;

namespace SecretMcp.SecretServer;

/// <summary>
/// The proxy for Secret Server traffic: an explicit one, or <c>HTTPS_PROXY</c> / <c>HTTP_PROXY</c>
/// from the environment, with <c>NO_PROXY</c> exceptions in the syntax curl and Go share: <c>*</c>,
/// host names (which also cover their subdomains, with or without a leading dot), <c>host:port</c>,
/// IP addresses and CIDR ranges. Loopback is never proxied. Only the Secret Server client uses
/// this; the broker's Unix socket never goes through a proxy.
/// </summary>
public sealed class EnvironmentProxy : IWebProxy
{
    private readonly Uri? _httpsProxy;
    private readonly Uri? _httpProxy;
    private readonly List<string> _noProxy;

    private EnvironmentProxy(Uri? httpsProxy, Uri? httpProxy, string? noProxy)
    {
        _httpsProxy = httpsProxy;
        _httpProxy = httpProxy;
        _noProxy = (noProxy ?? "")
            .Split([',', ' '], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .ToList();

        // A user name and password in the proxy URL become the proxy's credentials.
        var withCredentials = httpsProxy ?? httpProxy;
        if (withCredentials is { UserInfo.Length: > 0 })
        {
            var parts = withCredentials.UserInfo.Split(':', 2);
            Credentials = new NetworkCredential(
                Uri.UnescapeDataString(parts[0]), parts.Length > 1 ? Uri.UnescapeDataString(parts[1]) : "");
        }
    }

    public ICredentials? Credentials { get; set; }

    /// <summary>The proxy for the options, or null when every request goes direct.</summary>
    public static EnvironmentProxy? Create(SecretServerOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        environment ??= Environment.GetEnvironmentVariable;
        if (options.DirectConnection)
        {
            return null;
        }

        var noProxy = options.NoProxy ?? FirstSet(environment, "NO_PROXY", "no_proxy");
        if (options.Proxy is { } explicitProxy)
        {
            return new EnvironmentProxy(explicitProxy, explicitProxy, noProxy);
        }

        var https = FirstSet(environment, "HTTPS_PROXY", "https_proxy", "ALL_PROXY", "all_proxy");
        var http = FirstSet(environment, "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy");
        if (string.IsNullOrWhiteSpace(https) && string.IsNullOrWhiteSpace(http))
        {
            return null;
        }

        return new EnvironmentProxy(
            string.IsNullOrWhiteSpace(https) ? null : ParseProxyUri(https, "HTTPS_PROXY"),
            string.IsNullOrWhiteSpace(http) ? null : ParseProxyUri(http, "HTTP_PROXY"),
            noProxy);
    }

    /// <summary>Parses a proxy address; a bare <c>host:port</c> means http.</summary>
    public static Uri ParseProxyUri(string text, string settingName)
    {
        ArgumentNullException.ThrowIfNull(text);

        var trimmed = text.Trim();
        if (!trimmed.Contains("://", StringComparison.Ordinal))
        {
            trimmed = "http://" + trimmed;
        }

        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")
            || string.IsNullOrEmpty(uri.Host))
        {
            // Not echoed: a proxy URL may carry a password.
            throw new SecretServerConfigurationException(
                $"{settingName} is not a proxy address such as http://proxy.example:3128.");
        }

        return uri;
    }

    public Uri? GetProxy(Uri destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return IsBypassed(destination) ? null : ProxyFor(destination);
    }

    public bool IsBypassed(Uri host)
    {
        ArgumentNullException.ThrowIfNull(host);

        if (ProxyFor(host) is null || host.IsLoopback)
        {
            return true;
        }

        var name = host.IdnHost.Trim('[', ']');
        if (IPAddress.TryParse(name, out var address) && IPAddress.IsLoopback(address))
        {
            return true;
        }

        foreach (var entry in _noProxy)
        {
            if (Matches(entry, name, address, host.Port))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>A proxy URL for logs: scheme, host and port only, never its credentials.</summary>
    public string Describe(Uri destination) =>
        GetProxy(destination) is { } proxy ? $"{proxy.Scheme}://{proxy.Host}:{proxy.Port}" : "direct";

    private Uri? ProxyFor(Uri destination) => destination.Scheme == "https" ? _httpsProxy : _httpProxy;

    private static bool Matches(string entry, string host, IPAddress? address, int port)
    {
        if (entry == "*")
        {
            return true;
        }

        // CIDR ranges and plain addresses apply to hosts given as IP addresses.
        if (entry.Contains('/', StringComparison.Ordinal))
        {
            return address is not null && IPNetwork.TryParse(entry, out var network) && network.Contains(address);
        }

        var entryHost = entry;
        var entryPort = -1;
        var colon = entry.LastIndexOf(':');
        if (colon > 0 && !entry.EndsWith(']') && entry.Count(c => c == ':') == 1
            && int.TryParse(entry.AsSpan(colon + 1), out var parsedPort))
        {
            entryHost = entry[..colon];
            entryPort = parsedPort;
        }

        if (entryPort >= 0 && entryPort != port)
        {
            return false;
        }

        entryHost = entryHost.Trim('[', ']').TrimStart('*').TrimStart('.');
        if (entryHost.Length == 0)
        {
            return false;
        }

        return string.Equals(host, entryHost, StringComparison.OrdinalIgnoreCase)
            || host.EndsWith("." + entryHost, StringComparison.OrdinalIgnoreCase);
    }

    private static string? FirstSet(Func<string, string?> environment, params string[] names)
    {
        foreach (var name in names)
        {
            if (environment(name) is { Length: > 0 } value)
            {
                return value;
            }
        }

        return null;
    }
}
