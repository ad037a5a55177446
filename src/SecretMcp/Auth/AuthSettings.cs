using SecretMcp.Hosting;

namespace SecretMcp.Auth;

/// <summary>Which way serve turns a sign-in into a Secret Server session (DESIGN section 7).</summary>
public enum SessionProviderKind
{
    /// <summary>Secret Server's own /oauth2/token password grant; on-prem and development.</summary>
    Password,

    /// <summary>
    /// RFC 8693: the MSAL access token exchanged for a Secret Server bearer at a broker the
    /// organisation runs.
    /// </summary>
    TokenExchange,

    /// <summary>The MSAL access token as is, for a Secret Server behind a gateway that validates it.</summary>
    Bearer,

    /// <summary>Delinea Platform client credentials; Secret Server then audits a service identity.</summary>
    Platform,

    /// <summary>A pre-issued Secret Server bearer from an environment variable (CI).</summary>
    Token,
}

/// <summary>Where the sign-in state persists between processes.</summary>
public enum TokenCacheMode
{
    /// <summary>The OS keyring where it works, else a 0600 plaintext file in a 0700 folder, with a warning.</summary>
    Auto,

    /// <summary>The OS keyring only; without one the sign-in lasts as long as the process.</summary>
    Keyring,

    /// <summary>The 0600 plaintext file, without trying a keyring (CI, tests).</summary>
    File,

    /// <summary>Nothing persists; every process signs in anew.</summary>
    None,
}

/// <summary>
/// Sign-in settings. They hold no secret: passwords, client secrets and tokens come only from the
/// environment (<see cref="AuthSecrets"/>). Read with <see cref="Read"/> from any <c>Section:Key</c>
/// lookup: serve, login, logout and status pass the config file's values with the environment's
/// <c>SECRET_MCP__Section__Key</c> overrides (Config/SecretMcpSettings.Lookup).
/// </summary>
public sealed class AuthSettings
{
    public const string EnvironmentPrefix = "SECRET_MCP__";

    public const string DefaultTokenVariable = "SECRET_MCP_TOKEN";

    public SessionProviderKind Provider { get; init; }

    /// <summary>SecretServer:BaseUrl, the instance root; for platform, found by vault discovery when unset.</summary>
    public Uri? SecretServerBaseUrl { get; init; }

    /// <summary>SecretServer:PlatformUrl, the Delinea Platform tenant, such as https://tenant.delinea.app.</summary>
    public Uri? PlatformUrl { get; init; }

    /// <summary>Auth:Authority, Entra's or an Entra-shaped one: https://login.microsoftonline.com/{tenant}.</summary>
    public Uri? Authority { get; init; }

    /// <summary>Auth:ClientId, the public client's application id.</summary>
    public string? ClientId { get; init; }

    /// <summary>Auth:Scopes, separated by spaces or commas, such as api://secret-server/.default.</summary>
    public IReadOnlyList<string> Scopes { get; init; } = [];

    /// <summary>Auth:RedirectUri for the browser sign-in; a loopback http URL. Defaults to http://localhost.</summary>
    public Uri RedirectUri { get; init; } = new("http://localhost");

    /// <summary>Auth:TokenExchangeEndpoint, where RFC 8693 exchanges happen.</summary>
    public Uri? TokenExchangeEndpoint { get; init; }

    /// <summary>Auth:TokenExchangeAudience, sent as <c>audience</c> when the broker wants one.</summary>
    public string? TokenExchangeAudience { get; init; }

    /// <summary>Auth:Username and Auth:Domain for the password provider.</summary>
    public string? Username { get; init; }

    public string? Domain { get; init; }

    /// <summary>Auth:PlatformClientId, the Platform service user (secret: SECRET_MCP_PLATFORM_CLIENT_SECRET).</summary>
    public string? PlatformClientId { get; init; }

    /// <summary>Auth:TokenVariable, the environment variable that holds the token provider's bearer.</summary>
    public string TokenVariable { get; init; } = DefaultTokenVariable;

    /// <summary>Auth:TokenCache: auto, keyring (forbids the plaintext fallback), file or none.</summary>
    public TokenCacheMode TokenCache { get; init; }

    /// <summary>Auth:CacheDirectory; defaults to $XDG_CACHE_HOME/secret-mcp or ~/.cache/secret-mcp.</summary>
    public string? CacheDirectory { get; init; }

    /// <summary>
    /// Auth:DevCertificate, dev and tests only: a PEM certificate file. HTTPS to the identity
    /// provider, the token exchange and the Platform also accepts a chain that ends in exactly this
    /// certificate (the dev vault's, made at its start). Never "accept any certificate".
    /// </summary>
    public string? DevCertificate { get; init; }

    /// <summary>Whether this provider signs the user in with MSAL first.</summary>
    public bool UsesIdentityProvider => Provider is SessionProviderKind.TokenExchange or SessionProviderKind.Bearer;

    public static AuthSettings FromEnvironment() =>
        Read(key => Environment.GetEnvironmentVariable(EnvironmentName(key)));

    /// <summary>The name a key has in the environment, for messages.</summary>
    public static string EnvironmentName(string key) =>
        EnvironmentPrefix + key.Replace(":", "__", StringComparison.Ordinal);

    /// <summary>Reads and validates the settings; a problem names the key.</summary>
    public static AuthSettings Read(Func<string, string?> lookup)
    {
        ArgumentNullException.ThrowIfNull(lookup);

        string? Get(string key) => lookup(key) is { } value && !string.IsNullOrWhiteSpace(value) ? value.Trim() : null;

        var settings = new AuthSettings
        {
            Provider = ParseProvider(Get("Auth:Provider")),
            SecretServerBaseUrl = ParseUrl("SecretServer:BaseUrl", Get, allowHttp: true, asBase: true),
            PlatformUrl = ParseUrl("SecretServer:PlatformUrl", Get, allowHttp: false, asBase: true),
            Authority = ParseUrl("Auth:Authority", Get, allowHttp: false, asBase: false),
            ClientId = Get("Auth:ClientId"),
            Scopes = (Get("Auth:Scopes") ?? "").Split([' ', ','], StringSplitOptions.RemoveEmptyEntries),
            RedirectUri = ParseRedirect(Get("Auth:RedirectUri")),
            TokenExchangeEndpoint = ParseUrl("Auth:TokenExchangeEndpoint", Get, allowHttp: false, asBase: false),
            TokenExchangeAudience = Get("Auth:TokenExchangeAudience"),
            Username = Get("Auth:Username"),
            Domain = Get("Auth:Domain"),
            PlatformClientId = Get("Auth:PlatformClientId"),
            TokenVariable = Get("Auth:TokenVariable") ?? DefaultTokenVariable,
            TokenCache = ParseCacheMode(Get("Auth:TokenCache")),
            CacheDirectory = Get("Auth:CacheDirectory"),
            DevCertificate = Get("Auth:DevCertificate"),
        };
        return settings;
    }

    /// <summary>What is missing for the chosen provider, as one message naming the keys; null when complete.</summary>
    public string? Problem()
    {
        var missing = new List<string>();
        void Need(bool present, string key)
        {
            if (!present)
            {
                missing.Add(EnvironmentName(key));
            }
        }

        if (Provider != SessionProviderKind.Platform)
        {
            Need(SecretServerBaseUrl is not null, "SecretServer:BaseUrl");
        }

        switch (Provider)
        {
            case SessionProviderKind.TokenExchange or SessionProviderKind.Bearer:
                Need(Authority is not null, "Auth:Authority");
                Need(ClientId is not null, "Auth:ClientId");
                Need(Scopes.Count > 0, "Auth:Scopes");
                if (Provider == SessionProviderKind.TokenExchange)
                {
                    Need(TokenExchangeEndpoint is not null, "Auth:TokenExchangeEndpoint");
                }

                break;
            case SessionProviderKind.Password:
                Need(Username is not null, "Auth:Username");
                break;
            case SessionProviderKind.Platform:
                Need(PlatformUrl is not null, "SecretServer:PlatformUrl");
                Need(PlatformClientId is not null, "Auth:PlatformClientId");
                break;
        }

        return missing.Count == 0
            ? null
            : $"the {ProviderName(Provider)} sign-in needs {string.Join(", ", missing)}; set "
                + (missing.Count == 1 ? "it" : "them") + " for the user who runs secret-mcp.";
    }

    public static string ProviderName(SessionProviderKind kind) => kind switch
    {
        SessionProviderKind.TokenExchange => "token-exchange",
        SessionProviderKind.Bearer => "bearer",
        SessionProviderKind.Platform => "platform",
        SessionProviderKind.Token => "token",
        _ => "password",
    };

    private static SessionProviderKind ParseProvider(string? value) => value?.ToLowerInvariant() switch
    {
        null or "password" => SessionProviderKind.Password,
        "token-exchange" => SessionProviderKind.TokenExchange,
        "bearer" => SessionProviderKind.Bearer,
        "platform" => SessionProviderKind.Platform,
        "token" => SessionProviderKind.Token,
        _ => throw new ConfigurationProblemException(
            $"{EnvironmentName("Auth:Provider")} must be one of token-exchange, bearer, platform, password, token."),
    };

    private static TokenCacheMode ParseCacheMode(string? value) => value?.ToLowerInvariant() switch
    {
        null or "auto" => TokenCacheMode.Auto,
        "keyring" => TokenCacheMode.Keyring,
        "file" => TokenCacheMode.File,
        "none" => TokenCacheMode.None,
        _ => throw new ConfigurationProblemException(
            $"{EnvironmentName("Auth:TokenCache")} must be one of auto, keyring, file, none."),
    };

    private static Uri? ParseUrl(string key, Func<string, string?> get, bool allowHttp, bool asBase)
    {
        if (get(key) is not { } value)
        {
            return null;
        }

        var text = asBase ? value.TrimEnd('/') + "/" : value;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri)
            || !(uri.Scheme == "https" || (allowHttp && uri.Scheme == "http")))
        {
            throw new ConfigurationProblemException(
                $"{EnvironmentName(key)} is not an {(allowHttp ? "http(s)" : "https")} URL.");
        }

        return uri;
    }

    private static Uri ParseRedirect(string? value)
    {
        if (value is null)
        {
            return new Uri("http://localhost");
        }

        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != "http" || !uri.IsLoopback)
        {
            throw new ConfigurationProblemException(
                $"{EnvironmentName("Auth:RedirectUri")} must be a loopback http URL such as http://localhost.");
        }

        return uri;
    }
}

/// <summary>Secrets for signing in. They come from the environment only, never from a config file.</summary>
public sealed record AuthSecrets(string? Password, string? PlatformClientSecret, string? Token)
{
    public const string PasswordVariable = "SECRET_MCP_PASSWORD";
    public const string PlatformClientSecretVariable = "SECRET_MCP_PLATFORM_CLIENT_SECRET";

    public static AuthSecrets FromEnvironment(AuthSettings settings) => new(
        NullIfEmpty(Environment.GetEnvironmentVariable(PasswordVariable)),
        NullIfEmpty(Environment.GetEnvironmentVariable(PlatformClientSecretVariable)),
        NullIfEmpty(Environment.GetEnvironmentVariable(settings.TokenVariable)));

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
