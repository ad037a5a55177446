using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretMcp.Auth;
using SecretMcp.DevVault;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>
/// The real Secret Server client, wired as serve wires it (IHttpClientFactory, resilience, TLS,
/// proxy), talking over loopback to a running dev vault. Every log line is kept for leak scans.
/// </summary>
internal sealed class ClientHarness : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private bool _ownsVault;

    private ClientHarness(DevVaultServer vault, ServiceProvider services, PasswordGrantSession session, LogCapture logs)
    {
        Vault = vault;
        _services = services;
        Session = session;
        Logs = logs;
        Client = new SecretServerClient(
            services.GetRequiredService<IHttpClientFactory>(), session,
            services.GetRequiredService<ILogger<SecretServerClient>>());
    }

    public DevVaultServer Vault { get; }

    public SecretServerClient Client { get; }

    public PasswordGrantSession Session { get; }

    public LogCapture Logs { get; }

    public static async Task<ClientHarness> StartAsync(
        DevVaultOptions? vaultOptions = null,
        Func<Uri, SecretServerOptions>? options = null,
        string username = "dev",
        string password = ContractSeed.DevPassword,
        TimeProvider? clock = null,
        Func<string, string?>? environment = null)
    {
        vaultOptions ??= new DevVaultOptions();
        var vault = await DevVaultServer.StartAsync(new DevVaultOptions
        {
            Seed = vaultOptions.Seed ?? ContractSeed.Load(),
            TokenLifetimeSeconds = vaultOptions.TokenLifetimeSeconds,
            MaxTokenRefreshes = vaultOptions.MaxTokenRefreshes,
            RefreshTokensEnabled = vaultOptions.RefreshTokensEnabled,
            Faults = vaultOptions.Faults,
            Certificate = vaultOptions.Certificate,
            HostName = vaultOptions.HostName,
            TimeProvider = vaultOptions.TimeProvider,
        });

        var clientOptions = options?.Invoke(vault.BaseUri) ?? Fast(vault.BaseUri);
        var harness = Create(vault, clientOptions, username, password, clock, environment);
        harness._ownsVault = true;
        return harness;
    }

    /// <summary>A second client on a running vault (another user, other options); it leaves the vault running.</summary>
    public static ClientHarness Create(
        DevVaultServer vault,
        SecretServerOptions clientOptions,
        string username = "dev",
        string password = ContractSeed.DevPassword,
        TimeProvider? clock = null,
        Func<string, string?>? environment = null)
    {
        var logs = new LogCapture();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        services.AddSecretServerHttpClient(clientOptions, environment ?? NoEnvironment);
        var provider = services.BuildServiceProvider();

        // No token cache: each harness signs in afresh, in memory only.
        var session = new PasswordGrantSession(
            provider.GetRequiredService<IHttpClientFactory>(),
            new PasswordAccount(clientOptions.BaseUri, username, Domain: null), password, store: null,
            clock ?? TimeProvider.System, provider.GetRequiredService<ILogger<PasswordGrantSession>>());
        return new ClientHarness(vault, provider, session, logs);
    }

    /// <summary>Short waits, so fault tests do not idle; the retry rules are the real ones.</summary>
    public static SecretServerOptions Fast(Uri baseUri) => new()
    {
        BaseUri = baseUri,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        AttemptTimeout = TimeSpan.FromSeconds(10),
        TotalTimeout = TimeSpan.FromSeconds(30),
    };

    public static string? NoEnvironment(string name) => null;

    /// <summary>How many requests the vault answered for this method and path.</summary>
    public int Count(string method, string path) =>
        Vault.Requests.Count(r => r.Method == method && string.Equals(r.Path, path, StringComparison.OrdinalIgnoreCase));

    /// <summary>A plain HTTP call to the vault as another seeded user (to set the scene), outside the client.</summary>
    public async Task<HttpResponseMessage> AsUserAsync(string username, string password, HttpMethod method, string path)
    {
        using var http = new HttpClient { BaseAddress = Vault.BaseUri };
        using var grant = await http.PostAsync("oauth2/token", new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", username), new("password", password)]));
        grant.EnsureSuccessStatusCode();
        var token = JsonDocument.Parse(await grant.Content.ReadAsStringAsync()).RootElement
            .GetProperty("access_token").GetString();

        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return await http.SendAsync(request);
    }

    /// <summary>No log line may hold a value, the login password or anything that looks like a bearer.</summary>
    public void AssertLogsClean()
    {
        var all = Logs.Text;
        all.Should().NotContain(ContractSeed.Marker, "no log line may hold a secret value or the password");
        all.Should().NotContainEquivalentOf("Bearer ", "no log line may hold an Authorization header");
    }

    public async ValueTask DisposeAsync()
    {
        Session.Dispose();
        await _services.DisposeAsync();
        if (_ownsVault)
        {
            await Vault.DisposeAsync();
        }
    }
}

/// <summary>Keeps every log line (message and exception) for scans.</summary>
internal sealed class LogCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _lines = new();

    public string Text => string.Join('\n', _lines);

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(
            LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            owner._lines.Enqueue($"{logLevel} {category}: {formatter(state, exception)} {exception}");
    }
}
