using System.Collections.Concurrent;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The real tool started as 'serve --dev' and a real MCP client over stdio. The server's stdout
/// passes through tee, so the test holds the exact JSON-RPC transcript as well as stderr.
/// </summary>
public sealed class ToolSession : IAsyncDisposable
{
    private readonly ConcurrentQueue<string> _stderr = new();

    private ToolSession(Sandbox sandbox, string transcriptPath)
    {
        Sandbox = sandbox;
        TranscriptPath = transcriptPath;
    }

    public Sandbox Sandbox { get; }

    public McpClient Client { get; private set; } = null!;

    public string TranscriptPath { get; }

    public string Stderr => string.Join('\n', _stderr);

    public static Task<ToolSession> StartAsync(Sandbox sandbox, params string[] serveArguments) =>
        StartWithSeedAsync(sandbox, Canary.SeedJson, serveArguments);

    /// <summary>Starts 'serve --dev' on a seed of the test's own.</summary>
    public static async Task<ToolSession> StartWithSeedAsync(Sandbox sandbox, string seedJson, params string[] serveArguments)
    {
        var seed = sandbox.WriteFile("seed.json", seedJson);
        var transcript = Path.Combine(sandbox.Root, "stdout.jsonl");
        var session = new ToolSession(sandbox, transcript);

        var arguments = serveArguments.Length > 0 ? serveArguments : ["serve", "--dev", "--seed", seed];
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "secret-mcp",
            Command = "bash",
            // exec keeps the tool's pid; tee copies every byte of its stdout to the transcript.
            Arguments = ["-c", "out=$1; shift; exec \"$@\" > >(tee \"$out\")", "bash", transcript, Sandbox.ToolPath, .. arguments],
            EnvironmentVariables = sandbox.Environment,
            WorkingDirectory = sandbox.Root,
            StandardErrorLines = session._stderr.Enqueue,
        });

        session.Client = await McpClient.CreateAsync(transport, new McpClientOptions
        {
            ClientInfo = new Implementation { Name = "secret-mcp-e2e", Version = "1.0" },
        });
        return session;
    }

    public Task<CallToolResult> CallAsync(string tool, Dictionary<string, object?> arguments) =>
        Client.CallToolAsync(tool, arguments).AsTask();

    public static string TextOf(CallToolResult result) =>
        string.Join("\n", result.Content.OfType<TextContentBlock>().Select(t => t.Text));

    public static JsonElement StructuredOf(CallToolResult result) =>
        result.StructuredContent ?? throw new InvalidOperationException("The result has no structured content.");

    /// <summary>Closes stdin, as an agent does when it ends, and waits for tee to finish the transcript.</summary>
    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        for (var i = 0; i < 50 && Directory.Exists(Sandbox.RuntimeFolder)
            && Directory.EnumerateFiles(Sandbox.RuntimeFolder, "*.sock").Any(); i++)
        {
            await Task.Delay(100);
        }
    }
}
