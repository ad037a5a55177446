using System.Globalization;

namespace SecretMcp.SecretServer;

/// <summary>
/// Where Secret Server is and how to reach it, read by the variable names
/// <c>SECRET_MCP__SecretServer__Key</c>: serve passes a lookup that answers them from the config file
/// (<c>secretServer.key</c>) with the environment's overrides.
/// </summary>
public sealed class SecretServerOptions
{
    public const string VariablePrefix = "SECRET_MCP__SecretServer__";
    public const string BaseUrlVariable = VariablePrefix + "BaseUrl";
    public const string CaBundleVariable = VariablePrefix + "CaBundle";
    public const string TimeoutVariable = VariablePrefix + "TimeoutSeconds";
    public const string TotalTimeoutVariable = VariablePrefix + "TotalTimeoutSeconds";
    public const string ConnectTimeoutVariable = VariablePrefix + "ConnectTimeoutSeconds";
    public const string MaxRetriesVariable = VariablePrefix + "MaxRetries";
    public const string ProxyVariable = VariablePrefix + "Proxy";
    public const string NoProxyVariable = VariablePrefix + "NoProxy";

    /// <summary>The instance root with a trailing slash, as <see cref="SecretServerBaseUrl"/> normalises it.</summary>
    public required Uri BaseUri { get; init; }

    /// <summary>What normalising the configured URL changed, to tell the user once at start.</summary>
    public IReadOnlyList<string> BaseUrlNotes { get; init; } = [];

    /// <summary>
    /// A PEM file of CA certificates that sign Secret Server's certificate (a private CA). When set,
    /// these CAs replace the system's for Secret Server traffic. Verification is always on.
    /// </summary>
    public string? CaBundlePath { get; init; }

    /// <summary>One attempt may take this long. Default 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>One call, retries and their waits included, may take this long. Default 90 seconds.</summary>
    public TimeSpan TotalTimeout { get; init; } = TimeSpan.FromSeconds(90);

    /// <summary>Opening a connection (TCP and TLS) may take this long. Default 10 seconds.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>Retries after the first attempt, for reads and token grants only. Default 2 (3 attempts).</summary>
    public int MaxRetries { get; init; } = 2;

    /// <summary>The first retry waits about this long; each next one twice as long. Default 200 ms.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromMilliseconds(200);

    /// <summary>No wait between attempts is longer, even when Secret Server asks for more with Retry-After.</summary>
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// An explicit proxy for Secret Server traffic. When null, HTTPS_PROXY (HTTP_PROXY for an http
    /// base URL) and NO_PROXY from the environment apply. <see cref="DirectConnection"/> turns proxies off.
    /// </summary>
    public Uri? Proxy { get; init; }

    /// <summary>Hosts that bypass the proxy, in NO_PROXY syntax; null means the NO_PROXY variable.</summary>
    public string? NoProxy { get; init; }

    /// <summary>True when proxies are off even if the environment names one.</summary>
    public bool DirectConnection { get; init; }

    /// <summary>A response larger than this is refused rather than held in memory. Default 16 MiB.</summary>
    public long MaxResponseBytes { get; init; } = 16 * 1024 * 1024;

    /// <summary>Reads the options by variable name (the environment by default); null when no base URL is set.</summary>
    /// <exception cref="SecretServerConfigurationException">A variable holds an unusable value.</exception>
    public static SecretServerOptions? FromEnvironment(Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        var url = environment(BaseUrlVariable);
        if (string.IsNullOrWhiteSpace(url))
        {
            return null;
        }

        var baseUri = SecretServerBaseUrl.Normalize(url, BaseUrlVariable, out var notes);
        var caBundle = environment(CaBundleVariable);
        var proxyText = environment(ProxyVariable)?.Trim();
        Uri? proxy = null;
        var direct = string.Equals(proxyText, "none", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(proxyText) && !direct)
        {
            proxy = EnvironmentProxy.ParseProxyUri(proxyText, ProxyVariable);
        }

        var defaults = new SecretServerOptions { BaseUri = baseUri };
        return new SecretServerOptions
        {
            BaseUri = baseUri,
            BaseUrlNotes = notes,
            CaBundlePath = string.IsNullOrWhiteSpace(caBundle) ? null : caBundle.Trim(),
            AttemptTimeout = Seconds(environment, TimeoutVariable, defaults.AttemptTimeout, 1, 600),
            TotalTimeout = Seconds(environment, TotalTimeoutVariable, defaults.TotalTimeout, 1, 3600),
            ConnectTimeout = Seconds(environment, ConnectTimeoutVariable, defaults.ConnectTimeout, 1, 600),
            MaxRetries = WholeNumber(environment, MaxRetriesVariable, defaults.MaxRetries, 0, 10),
            Proxy = proxy,
            DirectConnection = direct,
            NoProxy = environment(NoProxyVariable),
        };
    }

    private static TimeSpan Seconds(
        Func<string, string?> environment, string name, TimeSpan fallback, int min, int max) =>
        TimeSpan.FromSeconds(Number(environment, name, fallback.TotalSeconds, min, max));

    private static int WholeNumber(Func<string, string?> environment, string name, int fallback, int min, int max)
    {
        var value = Number(environment, name, fallback, min, max);
        return value == Math.Floor(value)
            ? (int)value
            : throw new SecretServerConfigurationException($"{name} must be a whole number from {min} to {max}.");
    }

    private static double Number(Func<string, string?> environment, string name, double fallback, int min, int max)
    {
        var text = environment(name);
        if (string.IsNullOrWhiteSpace(text))
        {
            return fallback;
        }

        if (!double.TryParse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            || double.IsNaN(value) || value < min || value > max)
        {
            throw new SecretServerConfigurationException($"{name} must be a number from {min} to {max}.");
        }

        return value;
    }
}
