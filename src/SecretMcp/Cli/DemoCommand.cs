using System.CommandLine;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Text.Json;
using ModelContextProtocol;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SecretMcp.DevVault;
using SecretMcp.Shells;

namespace SecretMcp.Cli;

/// <summary>
/// Shows the product working end to end on the dev vault: acts as an MCP client of 'serve --dev',
/// runs the snippet in a real bash and reports the variable's length and hash, never its value.
/// </summary>
internal static class DemoCommand
{
    private const string Secret = "db/prod";

    public static Command Create()
    {
        var command = new Command("demo",
            "Start 'serve --dev', ask it for a secret as an agent would, run the snippet in bash and show that "
            + "the variable arrived (its length and hash, not its value).");
        command.SetAction(async (_, cancellationToken) =>
        {
            try
            {
                return await RunAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or InvalidOperationException or McpException or
                System.ComponentModel.Win32Exception)
            {
                CommandLine.Fail($"the demo failed: {e.Message}");
                return ExitCodes.SecretServerUnavailable;
            }
        });
        return command;
    }

    private static async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var self = HelperCommand.Self();
        Console.WriteLine(
            "1. Starting 'secret-mcp serve --dev' as an agent would (stdio MCP, dev vault on 127.0.0.1)");
        var transport = new StdioClientTransport(new StdioClientTransportOptions
        {
            Name = "secret-mcp",
            Command = self[0],
            Arguments = [.. self.Skip(1), "serve", "--dev"],
            EnvironmentVariables = new Dictionary<string, string?> { ["SECRET_MCP_LOG_LEVEL"] = "Warning" },
        });
        await using var client = await McpClient.CreateAsync(
            transport, DemoClientOptions(), cancellationToken: cancellationToken).ConfigureAwait(false);

        var tools = await client.ListToolsAsync(cancellationToken: cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"   tools: {string.Join(", ", tools.Select(t => t.Name))}");

        var result = await client.CallToolAsync("get_secret_environment_variable",
            new Dictionary<string, object?> { ["secret"] = Secret, ["shell"] = "bash" },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        if (result.IsError == true || result.StructuredContent is not { } structured)
        {
            var refusal = string.Join(" ", result.Content.OfType<TextContentBlock>().Select(t => t.Text));
            CommandLine.Fail("the tool refused: " + refusal);
            return ExitCodes.TicketProblem;
        }

        var variable = structured.GetProperty("variable").GetString()!;
        var snippet = structured.GetProperty("snippet").GetString()!;
        Console.WriteLine($"2. Asked for '{Secret}' in bash: variable {variable}, ticket "
            + $"{structured.GetProperty("ticketId").GetString()}, "
            + $"expires {structured.GetProperty("expiresAt").GetString()}");
        Console.WriteLine("   The snippet the agent sees (a one-time ticket, no value):");
        Console.WriteLine("  " + snippet);

        var expected = Convert.ToHexStringLower(SHA256.HashData(SeedFile.LoadDefault().ValueOf(10, "password")));
        var probe = $"\nprintf '%s' \"${variable}\" | wc -c; printf '%s' \"${variable}\" | sha256sum";
        var (code, output, _) = await RunBashAsync(snippet + probe, cancellationToken).ConfigureAwait(false);
        var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var arrivedHash = lines.Length > 1 ? lines[1].Split(' ')[0] : "";
        var bytes = lines.Length > 0 ? lines[0] : "?";
        Console.WriteLine($"3. Ran it in bash (exit {code}): {variable} holds {bytes} bytes, "
            + $"sha256 {arrivedHash}");
        Console.WriteLine($"   matches the dev vault's value: {(arrivedHash == expected ? "yes" : "NO")}");

        var (again, _, error) = await RunBashAsync(
            snippet + $"\nstatus=$?; [ -z \"${{{variable}+set}}\" ] && echo unset; exit $status",
            cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"4. Ran the same snippet again (a ticket works once): exit {again}");
        foreach (var line in error.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Console.WriteLine("   " + line);
        }


        var cleanup = await client.CallToolAsync("cleanup", new Dictionary<string, object?> { ["shell"] = "bash" },
            cancellationToken: cancellationToken).ConfigureAwait(false);
        var unset = cleanup.StructuredContent?.GetProperty("snippet").GetString() ?? "";
        Console.WriteLine($"5. cleanup returned: {unset.Trim()}");

        var passed = code == 0 && arrivedHash == expected && again != 0;
        Console.WriteLine(passed ? "The secret reached the shell intact and never passed through the chat."
            : "Something did not work as it should; see above.");
        return passed ? ExitCodes.Ok : ExitCodes.TicketProblem;
    }

    /// <summary>
    /// Without a config file the dev vault's secrets need no approval. Where the user's config says
    /// "ask", the demo shows the question the server puts and approves it once, as a user would.
    /// </summary>
    private static McpClientOptions DemoClientOptions() => new()
    {
        ClientInfo = new Implementation { Name = "secret-mcp-demo", Version = "1" },
        Capabilities = new ClientCapabilities
        {
            Elicitation = new ElicitationCapability { Form = new FormElicitationCapability() },
        },
        Handlers = new McpClientHandlers
        {
            ElicitationHandler = (request, _) =>
            {
                Console.WriteLine("   The server asks for approval (your config says \"ask\"); the demo approves:");
                foreach (var line in (request?.Message ?? "").Split('\n'))
                {
                    Console.WriteLine("   | " + line);
                }

                return ValueTask.FromResult(new ElicitResult
                {
                    Action = "accept",
                    Content = new Dictionary<string, JsonElement>
                    {
                        ["decision"] = JsonSerializer.SerializeToElement(
                            Mcp.ApprovalPrompt.Once, DemoJsonContext.Default.String),
                    },
                });
            },
        },
    };

    private static async Task<(int Code, string Output, string Error)> RunBashAsync(
        string script, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo("bash", ["-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
        return (process.ExitCode, await output.ConfigureAwait(false), await error.ConfigureAwait(false));
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class DemoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
