using System.Diagnostics;
using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The same flow driven by a third-party client: the official TypeScript SDK (tests/clients, pinned
/// in its package.json and installed by the README's test command).
/// </summary>
public sealed class TypeScriptClientTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    private static string ClientsFolder => Path.Combine(Sandbox.RepositoryRoot, "tests", "clients");

    [Fact]
    public async Task The_typescript_sdk_client_gets_the_secret_into_bash_once()
    {
        File.Exists(Path.Combine(ClientsFolder, "node_modules", "@modelcontextprotocol", "sdk", "package.json"))
            .Should().BeTrue("the npm clients must be installed: run ./test.sh, or 'npm ci' in tests/clients");
        var seed = _sandbox.WriteFile("seed.json", Canary.SeedJson);

        var start = new ProcessStartInfo("node", [Path.Combine(ClientsFolder, "bash-flow.mjs"), Sandbox.ToolPath, seed, "/e2e/db"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ClientsFolder,
        };
        _sandbox.ApplyEnvironment(start);

        using var process = Process.Start(start)!;
        var stdoutTask = process.StandardOutput.ReadToEndAsync();
        var stderrTask = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(90));
        var stdout = await stdoutTask;
        var stderr = await stderrTask;
        process.ExitCode.Should().Be(0, stderr);

        var summary = JsonDocument.Parse(stdout).RootElement;
        summary.GetProperty("tools").EnumerateArray().Select(t => t.GetString())
            .Should().Contain(["get_secret_environment_variable", "cleanup"]);
        summary.GetProperty("isError").GetBoolean().Should().BeFalse();
        summary.GetProperty("first").GetProperty("code").GetInt32().Should().Be(0);
        summary.GetProperty("first").GetProperty("sha256").GetString().Should().Be(Canary.Sha256(Canary.DbPassword));
        summary.GetProperty("second").GetProperty("code").GetInt32().Should().NotBe(0);
        summary.GetProperty("second").GetProperty("stdout").GetString().Should().Be("rc=1 set=\n");
        summary.GetProperty("cleanup").GetProperty("unset").GetString().Should().Be("rc=0 set=\n");

        Canary.AssertAbsent("the TypeScript client's view of the session", stdout);
        Canary.AssertAbsent("the TypeScript client's stderr", stderr);
        foreach (var (path, content) in _sandbox.FilesUnderHome())
        {
            Canary.AssertAbsent(path, content);
        }
    }
}
