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

    private readonly string _pidPath;

    private ToolSession(Sandbox sandbox, string transcriptPath)
    {
        Sandbox = sandbox;
        TranscriptPath = transcriptPath;
        _pidPath = transcriptPath + ".pid";
    }

    public Sandbox Sandbox { get; }

    public McpClient Client { get; private set; } = null!;

    public string TranscriptPath { get; }

    public string Stderr => string.Join('\n', _stderr);

    public static Task<ToolSession> StartAsync(Sandbox sandbox, params string[] serveArguments) =>
        StartCoreAsync(sandbox, Canary.SeedJson, new McpClientOptions(), serveArguments);

    /// <summary>
    /// With the client's own options, such as the capabilities and handlers it declares (null: the
    /// defaults); ClientInfo is filled in when missing.
    /// </summary>
    public static Task<ToolSession> StartAsync(
        Sandbox sandbox, McpClientOptions? clientOptions, params string[] serveArguments) =>
        StartCoreAsync(sandbox, Canary.SeedJson, clientOptions ?? new McpClientOptions(), serveArguments);

    /// <summary>Starts 'serve --dev' on a seed of the test's own.</summary>
    public static Task<ToolSession> StartWithSeedAsync(Sandbox sandbox, string seedJson, params string[] serveArguments) =>
        StartCoreAsync(sandbox, seedJson, new McpClientOptions(), serveArguments);

    private static async Task<ToolSession> StartCoreAsync(
        Sandbox sandbox, string seedJson, McpClientOptions clientOptions, string[] serveArguments)
    {
        var seed = sandbox.WriteFile("seed.json", seedJson);
        var transcript = Path.Combine(sandbox.Root, "stdout.jsonl");
        var session = new ToolSession(sandbox, transcript);

        var arguments = serveArguments.Length > 0 ? serveArguments : ["serve", "--dev", "--seed", seed];
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "secret-mcp",
            Command = "bash",
            // exec keeps the shell's pid, which is written down first; tee copies every byte of the
            // tool's stdout to the transcript.
            Arguments = ["-c", "out=$1; shift; echo $$ > \"$out.pid\"; exec \"$@\" > >(tee \"$out\")", "bash",
                transcript, Sandbox.ToolPath, .. arguments],
            EnvironmentVariables = sandbox.Environment,
            WorkingDirectory = sandbox.Root,
            StandardErrorLines = session._stderr.Enqueue,
        });

        clientOptions.ClientInfo ??= new Implementation { Name = "secret-mcp-e2e", Version = "1.0" };
        session.Client = await McpClient.CreateAsync(transport, clientOptions);
        return session;
    }

    /// <summary>The serve process's id (the same after it re-execs itself with diagnostics off).</summary>
    public int Pid => int.Parse(File.ReadAllText(_pidPath).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Asks for a secret in bash and returns the ticket inside the snippet, and its short id.</summary>
    public async Task<(string Ticket, string TicketId, string Snippet)> MintAsync(string secret = "e2e/db")
    {
        var result = await CallAsync("get_secret_environment_variable", new() { ["secret"] = secret, ["shell"] = "bash" });
        result.IsError.Should().NotBe(true, TextOf(result));
        var structured = StructuredOf(result);
        var snippet = structured.GetProperty("snippet").GetString()!;
        var ticket = System.Text.RegularExpressions.Regex.Match(snippet, @"smt1\.[0-9a-f]{12}\.[A-Za-z0-9_-]{43}").Value;
        ticket.Should().NotBeEmpty();
        return (ticket, structured.GetProperty("ticketId").GetString()!, snippet);
    }

    /// <summary>Waits until the serve process has ended (it may linger as a zombie until reaped).</summary>
    public async Task WaitForExitAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            var stat = $"/proc/{Pid}/stat";
            if (!File.Exists(stat) || File.ReadAllText(stat).Split(' ')[2] is "Z" or "X")
            {
                return;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"serve (pid {Pid}) did not end within {timeout}.");
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
