using System.Diagnostics;
using System.Text;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// A private HOME for one test: everything the tool writes lands here, so the canary scan can read
/// every file it made. Also runs shells with that environment.
/// </summary>
public sealed class Sandbox : IDisposable
{
    private readonly Dictionary<string, string?> _overrides = [];

    public Sandbox()
    {
        Root = Path.Combine(Path.GetTempPath(), "smt-e2e-" + Guid.NewGuid().ToString("N")[..10]);
        Home = Path.Combine(Root, "home");
        Directory.CreateDirectory(Home);
    }

    public string Root { get; }

    public string Home { get; }

    /// <summary>The tool as built next to the tests: the same apphost a user's install runs.</summary>
    public static string ToolPath => Path.Combine(AppContext.BaseDirectory, "secret-mcp");

    /// <summary>The checkout the tests were built from (the folder holding SecretMcp.sln).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SecretMcp.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("SecretMcp.sln not found above the tests");
        }
    }

    /// <summary>What the tool and every shell of the test see, on top of the inherited environment.</summary>
    public IDictionary<string, string?> Environment
    {
        get
        {
            var environment = new Dictionary<string, string?>
            {
                ["HOME"] = Home,
                ["XDG_RUNTIME_DIR"] = null,
                ["XDG_STATE_HOME"] = null,
                ["XDG_CACHE_HOME"] = null,
                ["SECRET_MCP_RUNTIME_DIR"] = null,
                ["SECRET_MCP_STATE_DIR"] = null,
                // The config file comes from the private HOME unless a test names one.
                ["XDG_CONFIG_HOME"] = null,
                ["SECRET_MCP_CONFIG"] = null,
                // serve must turn diagnostics off by itself, whatever the agent's environment says.
                ["DOTNET_EnableDiagnostics"] = null,
                ["SECRET_MCP_ALLOW_DIAGNOSTICS"] = null,
                // Verbose on purpose: no level may print a value or a token.
                ["SECRET_MCP_LOG_LEVEL"] = "Trace",
                ["DOTNET_NOLOGO"] = "1",
            };
            foreach (var (key, value) in _overrides)
            {
                environment[key] = value;
            }

            return environment;
        }
    }

    public string RuntimeFolder => _overrides.GetValueOrDefault("SECRET_MCP_RUNTIME_DIR")
        ?? Path.Combine(Home, ".local", "state", "secret-mcp", "run");

    /// <summary>The user's state folder, which holds the audit log.</summary>
    public string StateFolder => Path.Combine(Home, ".local", "state", "secret-mcp");

    public string AuditLogPath => Path.Combine(StateFolder, "audit.jsonl");

    /// <summary>Sets (or, with null, removes) a variable for the tool and the shells of this test.</summary>
    public void SetEnvironment(string name, string? value) => _overrides[name] = value;

    /// <summary>Settings a test adds (such as SECRET_MCP__Auth__Provider) for every process it starts.</summary>
    public Dictionary<string, string?> Extra => _overrides;

    /// <summary>The socket of the serve that minted <paramref name="ticket"/> (its middle part names it).</summary>
    public string SocketOf(string ticket) => Path.Combine(RuntimeFolder, ticket.Split('.')[1] + ".sock");

    public string WriteFile(string name, string content)
    {
        var path = Path.Combine(Root, name);
        File.WriteAllText(path, content);
        return path;
    }

    public async Task<ShellRun> RunAsync(string shell, string script, TimeSpan? timeout = null)
    {
        var start = new ProcessStartInfo(shell, ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Root,
        };
        ApplyEnvironment(start);

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return new ShellRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Gives a process the sandbox's environment (null values remove a variable).</summary>
    public void ApplyEnvironment(ProcessStartInfo start)
    {
        foreach (var (key, value) in Environment)
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }
    }

    /// <summary>Every file below HOME, as bytes: what the tool left on disk.</summary>
    public IEnumerable<(string Path, byte[] Content)> FilesUnderHome() =>
        Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories).Select(p => (p, SafeRead(p)));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, true);
        }
        catch (IOException)
        {
            // A process still closing may hold a file; the temp folder is cleaned up by the system.
        }
    }

    private static byte[] SafeRead(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (IOException)
        {
            // Sockets cannot be read as files.
            return [];
        }
    }
}

public sealed record ShellRun(int Code, string Stdout, string Stderr);

/// <summary>Recognisable secret values and the scan that proves they never leaked.</summary>
public static class Canary
{
    public const string Marker = "CANARY-7f3a9c";

    /// <summary>A value with everything a naive snippet breaks on, ending in two newlines.</summary>
    public const string DbPassword = Marker + "-p$HOME\"q\\w$(id)`x`!! 'sq' %PATH% ^&|<>\n\n";

    public const string ApiKey = Marker + "-api-0123456789abcdef";

    public const string LoginPassword = "login-" + Marker;

    public static string SeedJson => $$"""
        {
          "users": [ { "username": "e2e", "password": {{Json(LoginPassword)}} } ],
          "secrets": [
            {
              "id": 41,
              "path": "\\e2e\\db",
              "template": "SQL Server Account",
              "fields": [
                { "slug": "username", "name": "Username", "value": "e2e-user" },
                { "slug": "password", "name": "Password", "value": {{Json(DbPassword)}}, "isPassword": true }
              ]
            },
            {
              "id": 42,
              "path": "\\e2e\\api",
              "template": "API Key",
              "fields": [ { "slug": "api-key", "name": "API Key", "value": {{Json(ApiKey)}}, "isPassword": true } ]
            }
          ]
        }
        """;

    public static string Sha256(string value) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(value)));

    /// <summary>Fails naming where the marker turned up.</summary>
    public static void AssertAbsent(string where, string text) =>
        text.Should().NotContain(Marker, $"no secret value may appear in {where}");

    public static void AssertAbsent(string where, byte[] content) =>
        content.AsSpan().IndexOf(Encoding.UTF8.GetBytes(Marker)).Should().Be(-1, $"no secret value may appear in {where}");

    private static string Json(string value) => System.Text.Json.JsonSerializer.Serialize(value);
}
