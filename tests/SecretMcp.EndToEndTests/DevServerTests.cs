using System.Diagnostics;
using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// <c>secret-mcp dev-server</c> on its own: it prints its settings, and a plain HTTP client (curl)
/// can sign in and read a field with them, at the root and under /SecretServer/.
/// </summary>
public sealed class DevServerTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task Curl_signs_in_and_reads_a_field_with_the_printed_settings()
    {
        var seed = _sandbox.WriteFile("seed.json", Canary.SeedJson);
        var start = new ProcessStartInfo(Sandbox.ToolPath, ["dev-server", "--seed", seed, "--port", "0"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["HOME"] = _sandbox.Home;

        using var server = Process.Start(start)!;
        try
        {
            var settings = new Dictionary<string, string>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            while (settings.Count < 3)
            {
                var line = await server.StandardOutput.ReadLineAsync(timeout.Token)
                    ?? throw new InvalidOperationException("dev-server ended early: " + await server.StandardError.ReadToEndAsync());
                var cut = line.IndexOf('=', StringComparison.Ordinal);
                settings[line[..cut]] = line[(cut + 1)..];
            }

            settings["username"].Should().Be("e2e");
            settings["password"].Should().Be(Canary.LoginPassword);
            var url = settings["url"];
            url.Should().MatchRegex(@"^http://127\.0\.0\.1:\d+/$");

            foreach (var baseUrl in new[] { url, url + "SecretServer/" })
            {
                _sandbox.WriteFile("pw", settings["password"]);
                var token = await _sandbox.RunAsync("bash",
                    $"curl -sS --fail-with-body -d grant_type=password -d username=e2e --data-urlencode 'password@pw' "
                    + $"'{baseUrl}oauth2/token'",
                    TimeSpan.FromSeconds(30));
                token.Code.Should().Be(0, token.Stderr);
                var accessToken = JsonDocument.Parse(token.Stdout).RootElement.GetProperty("access_token").GetString();

                _sandbox.WriteFile("tok", accessToken!);
                var field = await _sandbox.RunAsync("bash",
                    $"curl -sS --fail-with-body -H \"Authorization: Bearer $(cat tok)\" "
                    + $"'{baseUrl}api/v1/secrets/0/fields/api-key?secretPath=%5Ce2e%5Capi'",
                    TimeSpan.FromSeconds(30));
                field.Code.Should().Be(0, field.Stderr);
                JsonSerializer.Deserialize<string>(field.Stdout).Should().Be(Canary.ApiKey);
            }
        }
        finally
        {
            server.Kill(entireProcessTree: true);
            await server.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        }
    }
}
