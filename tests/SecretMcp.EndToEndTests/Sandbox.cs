using System.Diagnostics;
using System.Text;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// A private HOME for one test: everything the tool writes lands here, so the canary scan can read
/// every file it made. Also runs shells with that environment.
/// </summary>
public sealed class Sandbox : IDisposable
{
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

    /// <summary>Settings a test adds (such as SECRET_MCP__Auth__Provider) for every process it starts.</summary>
    public Dictionary<string, string?> Extra { get; } = [];

    /// <summary>What the tool and every shell of the test see, on top of the inherited environment.</summary>
    public IDictionary<string, string?> Environment
    {
        get
        {
            var environment = new Dictionary<string, string?>
            {
                ["HOME"] = Home,
                ["XDG_RUNTIME_DIR"] = null,
                ["XDG_CACHE_HOME"] = null,
                ["SECRET_MCP_RUNTIME_DIR"] = null,
                // Verbose on purpose: no level may print a value or a token.
                ["SECRET_MCP_LOG_LEVEL"] = "Trace",
                ["DOTNET_NOLOGO"] = "1",
            };
            foreach (var (key, value) in Extra)
            {
                environment[key] = value;
            }

            return environment;
        }
    }

    public string RuntimeFolder => Path.Combine(Home, ".local", "state", "secret-mcp", "run");

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

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(60));
        return new ShellRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>Every file below HOME, as bytes: what the tool left on disk.</summary>
    public IEnumerable<(string Path, byte[] Content)> FilesUnderHome() =>
        Directory.EnumerateFiles(Home, "*", SearchOption.AllDirectories)
            .Where(p => new FileInfo(p).Attributes.HasFlag(FileAttributes.Normal) || File.Exists(p))
            .Select(p => (p, SafeRead(p)));

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
