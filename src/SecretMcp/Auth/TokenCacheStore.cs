using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Microsoft.Identity.Client;
using LogLevel = Microsoft.Extensions.Logging.LogLevel;
using Microsoft.Identity.Client.Extensions.Msal;

namespace SecretMcp.Auth;

/// <summary>
/// Where sign-ins persist between processes: the MSAL token cache and the password provider's
/// Secret Server session. The OS keyring where it verifies; otherwise, when allowed, a 0600
/// plaintext file in a 0700 folder, with a warning; otherwise memory only.
/// </summary>
public sealed partial class TokenCacheStore
{
    public const string MsalCacheFile = "msal-cache.bin";
    public const string SessionFile = "session.bin";

    private const string KeyringSchema = "io.github.secretmcp.tokencache";

    private readonly AuthSettings _settings;
    private readonly ILogger<TokenCacheStore> _logger;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly TraceSource _quiet = new("secret-mcp.cache", SourceLevels.Off);

    private Persistence? _persistence;

    public TokenCacheStore(AuthSettings settings, ILogger<TokenCacheStore> logger)
    {
        _settings = settings;
        _logger = logger;
        Directory = settings.CacheDirectory ?? DefaultDirectory();
    }

    public string Directory { get; }

    /// <summary>How the sign-in is kept, in words for status and warnings.</summary>
    public string Describe() => _persistence switch
    {
        Persistence.Keyring => "the OS keyring",
        Persistence.File => $"a plaintext file readable only by you ({Path.Combine(Directory, MsalCacheFile)})",
        Persistence.Memory => "memory only (it ends with the process)",
        _ => "not decided yet",
    };

    /// <summary>Registers MSAL's user token cache with the chosen persistence.</summary>
    public async Task RegisterAsync(ITokenCache cache)
    {
        var persistence = await DecideAsync().ConfigureAwait(false);
        if (persistence == Persistence.Memory)
        {
            return;
        }

        var helper = await MsalCacheHelper.CreateAsync(Properties(MsalCacheFile, persistence), _quiet)
            .ConfigureAwait(false);
        helper.RegisterCache(cache);
    }

    /// <summary>Reads the stored Secret Server session; null when there is none or nothing persists.</summary>
    public async Task<byte[]?> ReadSessionAsync()
    {
        var storage = await SessionStorageAsync().ConfigureAwait(false);
        var data = storage?.ReadData();
        return data is { Length: > 0 } ? data : null;
    }

    public async Task WriteSessionAsync(byte[] data)
    {
        var storage = await SessionStorageAsync().ConfigureAwait(false);
        storage?.WriteData(data);
    }

    /// <summary>Forgets everything: both caches, whichever store holds them.</summary>
    public async Task ClearAsync()
    {
        var persistence = await DecideAsync().ConfigureAwait(false);
        if (persistence == Persistence.Memory)
        {
            return;
        }

        foreach (var file in new[] { MsalCacheFile, SessionFile })
        {
            Storage.Create(Properties(file, persistence), _quiet).Clear(ignoreExceptions: true);
        }
    }

    private async Task<Storage?> SessionStorageAsync()
    {
        var persistence = await DecideAsync().ConfigureAwait(false);
        return persistence == Persistence.Memory ? null : Storage.Create(Properties(SessionFile, persistence), _quiet);
    }

    private async Task<Persistence> DecideAsync()
    {
        if (_persistence is { } decided)
        {
            return decided;
        }

        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            _persistence ??= Decide();
            return _persistence.Value;
        }
        finally
        {
            _gate.Release();
        }
    }

    private Persistence Decide()
    {
        if (_settings.TokenCache == TokenCacheMode.None)
        {
            return Persistence.Memory;
        }

        EnsurePrivateDirectory();
        if (_settings.TokenCache != TokenCacheMode.File)
        {
            var problem = TryKeyring();
            if (problem is null)
            {
                LogCache(_logger, "the OS keyring");
                return Persistence.Keyring;
            }

            if (_settings.TokenCache == TokenCacheMode.Keyring)
            {
                LogKeyringOnly(_logger, problem, AuthSettings.EnvironmentName("Auth:TokenCache"));
                return Persistence.Memory;
            }

            LogPlaintextFallback(_logger, problem, Path.Combine(Directory, MsalCacheFile),
                AuthSettings.EnvironmentName("Auth:TokenCache"));
        }

        return Persistence.File;
    }

    private string? TryKeyring()
    {
        try
        {
            Storage.Create(Properties(MsalCacheFile, Persistence.Keyring), _quiet).VerifyPersistence();
            return null;
        }
        catch (MsalCachePersistenceException e)
        {
            // The inner exception says why: no libsecret, no D-Bus session, no secret service.
            return e.InnerException is DllNotFoundException
                ? "libsecret is not installed"
                : "the keyring service did not answer: " + (e.InnerException ?? e).GetType().Name;
        }
    }

    private StorageCreationProperties Properties(string file, Persistence persistence)
    {
        var builder = new StorageCreationPropertiesBuilder(file, Directory);
        if (persistence == Persistence.File)
        {
            var plaintext = OperatingSystem.IsLinux()
                ? builder.WithLinuxUnprotectedFile()
                : builder.WithUnprotectedFile();
            return plaintext.Build();
        }

        // Two entries in the keyring: the attributes tell them apart.
        return builder
            .WithLinuxKeyring(KeyringSchema, MsalCacheHelper.LinuxKeyRingDefaultCollection, $"secret-mcp {file}",
                new KeyValuePair<string, string>("product", "secret-mcp"),
                new KeyValuePair<string, string>("entry", file))
            .WithMacKeyChain("secret-mcp", file)
            .Build();
    }

    private void EnsurePrivateDirectory()
    {
        System.IO.Directory.CreateDirectory(Directory);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Directory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    private static string DefaultDirectory() =>
        UserFolders.Resolve(null, "XDG_CACHE_HOME", [".cache", "secret-mcp"], ["secret-mcp"])
        ?? throw new InvalidOperationException(
            "Cannot tell this user's home folder; set SECRET_MCP__Auth__CacheDirectory to a private folder.");

    private enum Persistence
    {
        Keyring,
        File,
        Memory,
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "The sign-in is kept in {Where}")]
    private static partial void LogCache(ILogger logger, string where);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No OS keyring could keep the sign-in ({Reason}), and {Setting}=keyring forbids a plaintext file: "
            + "the sign-in lasts only as long as this process")]
    private static partial void LogKeyringOnly(ILogger logger, string reason, string setting);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "No OS keyring could keep the sign-in ({Reason}); it is kept in {Path}, a plaintext file readable "
            + "only by you (0600). Set {Setting}=keyring to forbid this")]
    private static partial void LogPlaintextFallback(ILogger logger, string reason, string path, string setting);
}
