namespace SecretMcp.EndToEndTests;

/// <summary>The README's first command: the demo must work on a fresh machine and show no value.</summary>
public sealed class DemoTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Demo_shows_the_variable_arrived_intact_without_showing_it()
    {
        var run = await _sandbox.RunAsync("bash", $"'{Sandbox.ToolPath}' demo", TimeSpan.FromSeconds(90));

        run.Code.Should().Be(0, run.Stdout + run.Stderr);
        run.Stdout.Should().Contain("matches the dev vault's value: yes");
        run.Stdout.Should().Contain("ticket_used");

        // The built-in seed's database password, which the demo fetches, must not be printed.
        var value = System.Text.Encoding.UTF8.GetString(SecretMcp.DevVault.SeedFile.LoadDefault().ValueOf(10, "password"));
        (run.Stdout + run.Stderr).Should().NotContain(value.TrimEnd('\n'));
    }
}
