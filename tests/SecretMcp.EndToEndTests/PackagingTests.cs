using System.IO.Compression;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The tool as users get it: packed as a .NET tool (also typed as an MCP server package),
/// installed with dotnet tool install, and run from its shim with ~/.dotnet/tools off PATH.
/// </summary>
public sealed class PackagingTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task The_tool_packs_installs_and_works_from_its_shim()
    {
        var project = Path.Combine(Sandbox.RepositoryRoot, "src", "SecretMcp");
        var feed = Path.Combine(_sandbox.Root, "feed");
        var tools = Path.Combine(_sandbox.Root, "tools");
        // Only the local feed: a package of the same name elsewhere must not be picked up.
        var config = _sandbox.WriteFile("nuget.config",
            $"<configuration><packageSources><clear /><add key=\"local\" value=\"{feed}\" /></packageSources></configuration>");

        var pack = await _sandbox.RunAsync("bash",
            $"dotnet pack '{project}' -c Release -o '{feed}' --nologo -v:q", TimeSpan.FromMinutes(5));
        pack.Code.Should().Be(0, pack.Stdout + pack.Stderr);

        var package = Directory.GetFiles(feed, "SecretMcp.*.nupkg").Should().ContainSingle().Subject;
        using (var zip = ZipFile.OpenRead(package))
        {
            zip.GetEntry(".mcp/server.json").Should().NotBeNull();
            using var nuspec = new StreamReader(zip.Entries.Single(e => e.FullName.EndsWith(".nuspec", StringComparison.Ordinal)).Open());
            var text = await nuspec.ReadToEndAsync();
            text.Should().Contain("<packageType name=\"DotnetTool\" />").And.Contain("<packageType name=\"McpServer\" />");
        }

        var install = await _sandbox.RunAsync("bash",
            $"dotnet tool install --tool-path '{tools}' --configfile '{config}' SecretMcp", TimeSpan.FromMinutes(3));
        install.Code.Should().Be(0, install.Stdout + install.Stderr);

        // A PATH without the tool folder, as in an agent's shell: the snippet must name the shim itself.
        var shim = Path.Combine(tools, "secret-mcp");
        var demo = await _sandbox.RunAsync("bash",
            $"PATH=/usr/local/bin:/usr/bin:/bin:$(dirname \"$(command -v dotnet)\") '{shim}' demo", TimeSpan.FromMinutes(2));
        demo.Code.Should().Be(0, demo.Stdout + demo.Stderr);
        demo.Stdout.Should().Contain($"'{shim}' 'redeem'").And.Contain("matches the dev vault's value: yes");
    }
}
