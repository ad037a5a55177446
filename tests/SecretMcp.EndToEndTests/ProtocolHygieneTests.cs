using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// What reaches the agent when it gets something wrong: a typo in its MCP config must not put text
/// on serve's stdout, and arguments of the wrong type get a message that says how to call again.
/// </summary>
public sealed class ProtocolHygieneTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Theory]
    [InlineData("serve --bogus")]
    [InlineData("serve extra-argument")]
    [InlineData("no-such-command")]
    public async Task A_command_line_typo_leaves_stdout_empty_and_explains_on_stderr(string arguments)
    {
        var run = await _sandbox.RunAsync("bash", $"'{Sandbox.ToolPath}' {arguments} </dev/null");

        run.Code.Should().Be(1);
        run.Stdout.Should().BeEmpty("in serve, stdout carries JSON-RPC only");
        run.Stderr.Should().NotBeEmpty();
    }

    [Fact]
    public async Task Help_still_goes_to_stdout()
    {
        var run = await _sandbox.RunAsync("bash", $"'{Sandbox.ToolPath}' --help");

        run.Code.Should().Be(0);
        run.Stdout.Should().Contain("serve");
    }

    [Fact]
    public async Task Arguments_of_the_wrong_type_get_a_message_naming_them()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);

        var numeric = await session.Client.CallToolAsync("get_secret_environment_variable",
            new Dictionary<string, object?> { ["secret"] = 41, ["shell"] = "bash" });
        var missing = await session.Client.CallToolAsync("get_secret_environment_variable",
            new Dictionary<string, object?> { ["secret"] = "e2e/db" });

        numeric.IsError.Should().BeTrue();
        ToolSession.TextOf(numeric).Should().Contain("'secret' must be string, not number").And.Contain("\"10\"");
        missing.IsError.Should().BeTrue();
        ToolSession.TextOf(missing).Should().Contain("'shell' is required");

        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        ToolSession.StructuredOf(cleanup).GetProperty("variables").GetArrayLength().Should().Be(0, "nothing was issued");
        JsonSerializer.Serialize(numeric).Should().NotContain(Canary.Marker);
    }
}
