using System.Diagnostics;
using System.Net.Http.Headers;
using System.Text.Json;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// Aliases that set several variables at once, in a real bash, byte-exact; and rotation after use,
/// on cleanup and when serve ends, checked against the vault itself.
/// </summary>
public sealed class AliasAndRotationTests : IDisposable
{
    private static readonly string[] s_pgVariables = ["PGHOST", "PGUSER", "PGPASSWORD"];

    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task An_alias_sets_every_variable_exactly_through_its_own_ticket()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-session"));
        var results = new List<string>();
        ShellRun run, again, inline, cleanupRun;
        string transcriptPath, stderr;
        await using (var session = await PolicyFixtures.StartAsync(_sandbox, client.Options))
        {
            transcriptPath = session.TranscriptPath;
            var issued = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pg", ["shell"] = "bash", ["reason"] = "psql smoke test" });
            results.Add(JsonSerializer.Serialize(issued));
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));

            // One question covers the three variables.
            client.Asked.Should().ContainSingle().Which.Message.Should().Contain("$PGHOST").And.Contain("$PGUSER")
                .And.Contain("$PGPASSWORD");

            var structured = ToolSession.StructuredOf(issued);
            structured.TryGetProperty("variable", out _).Should().BeFalse("an alias that sets several has 'variables'");
            var variables = structured.GetProperty("variables").EnumerateArray().ToList();
            variables.Select(v => v.GetProperty("variable").GetString()).Should().BeEquivalentTo(s_pgVariables);
            variables.Select(v => v.GetProperty("field").GetString()).Should().BeEquivalentTo(["server", "username", "password"]);
            var ticketIds = variables.Select(v => v.GetProperty("ticketId").GetString()).ToList();
            ticketIds.Should().OnlyHaveUniqueItems().And.HaveCount(3);
            structured.GetProperty("ticketIds").EnumerateArray().Select(t => t.GetString()).Should().Equal(ticketIds);
            structured.GetProperty("alias").GetString().Should().Be("pg");
            structured.GetProperty("cleanup").GetProperty("variables").EnumerateArray().Select(v => v.GetString())
                .Should().BeEquivalentTo(s_pgVariables);

            var snippet = structured.GetProperty("snippet").GetString()!;
            var probe = "\nrc=$?; for v in PGHOST PGUSER PGPASSWORD; do printf '%s' \"${!v}\" | sha256sum | cut -c1-64; done; "
                + "echo \"rc=$rc\"";
            run = await _sandbox.RunAsync("bash", snippet + probe);
            run.Stdout.Should().Be(string.Join("\n",
                PolicyFixtures.Sha256(PolicyFixtures.PgHost),
                PolicyFixtures.Sha256(PolicyFixtures.PgUser),
                PolicyFixtures.Sha256(PolicyFixtures.PgPassword),
                "rc=0") + "\n", run.Stderr);

            // The tickets are used: all or nothing, so none of the three is set.
            again = await _sandbox.RunAsync("bash",
                snippet + "\nrc=$?; echo \"rc=$rc host=${PGHOST+set} user=${PGUSER+set} pass=${PGPASSWORD+set}\"");
            again.Stdout.Should().Be("rc=1 host= user= pass=\n");
            again.Stderr.Should().Contain("ticket_used").And.MatchRegex("none of (PG[A-Z]+ ){3}is set");

            // The inline form runs one command with all three, and leaves the caller's shell without them.
            var second = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pg", ["shell"] = "bash" });
            client.Asked.Should().ContainSingle("approved for the session");
            var inlineForm = ToolSession.StructuredOf(second).GetProperty("inline").GetString()!;
            inline = await _sandbox.RunAsync("bash", inlineForm.Replace("{command}",
                "printf '%s' \"$PGPASSWORD\" | sha256sum | cut -c1-64; printf '%s\\n' \"$PGUSER\" | wc -l")
                + "\necho \"after=${PGPASSWORD+set}\"");
            inline.Stdout.Should().Be($"{PolicyFixtures.Sha256(PolicyFixtures.PgPassword)}\n1\nafter=\n", inline.Stderr);

            var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
            results.Add(JsonSerializer.Serialize(cleanup));
            var cleanupResult = ToolSession.StructuredOf(cleanup);
            cleanupResult.GetProperty("variables").EnumerateArray().Select(v => v.GetString()).Should().BeEquivalentTo(s_pgVariables);
            cleanupRun = await _sandbox.RunAsync("bash", "PGHOST=1 PGUSER=2 PGPASSWORD=3; export PGHOST PGUSER PGPASSWORD\n"
                + cleanupResult.GetProperty("snippet").GetString() + "\necho \"${PGHOST+set}${PGUSER+set}${PGPASSWORD+set}.\"");
            cleanupRun.Stdout.Should().Be(".\n");
            await session.DisposeAsync();
            stderr = session.Stderr;
        }

        var transcript = await File.ReadAllTextAsync(transcriptPath);
        Canary.AssertAbsent("serve's stdout", transcript);
        Canary.AssertAbsent("tool results", string.Join("\n", results));
        Canary.AssertAbsent("the elicitation", string.Join("\n", client.Asked.Select(a => a.Message)));
        Canary.AssertAbsent("serve's stderr", stderr);
        Canary.AssertAbsent("shell errors", run.Stderr + again.Stdout + again.Stderr + inline.Stderr + cleanupRun.Stderr);
    }

    [Fact]
    public async Task A_single_variable_alias_uses_its_variable_and_fixes_its_field()
    {
        var client = new ApprovingClient(_ => ApprovingClient.Choose("approve-once"));
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client.Options);

        var issued = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "db-pass", ["shell"] = "bash" });
        issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
        var structured = ToolSession.StructuredOf(issued);
        structured.GetProperty("variable").GetString().Should().Be("DB_PASS");
        structured.GetProperty("field").GetString().Should().Be("password");
        var run = await _sandbox.RunAsync("bash",
            structured.GetProperty("snippet").GetString() + "\nprintf '%s' \"$DB_PASS\" | sha256sum");
        run.Stdout.Should().StartWith(PolicyFixtures.Sha256(PolicyFixtures.PgPassword));

        var withField = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "db-pass", ["shell"] = "bash", ["field"] = "username" });
        withField.IsError.Should().BeTrue();
        ToolSession.TextOf(withField).Should().Contain("'db-pass' is an alias");
    }

    [Fact]
    public async Task Cleanup_rotates_a_secret_whose_value_was_delivered()
    {
        await using var session = await PolicyFixtures.StartAsync(_sandbox, client: null);
        var probe = "\nprintf '%s' \"$POL_ROTATING_PASSWORD\" | sha256sum | cut -c1-64; printf '%s' \"$POL_ROTATING_PASSWORD\" | wc -c";

        // Issued but never used: nothing to rotate.
        await session.CallAsync("get_secret_environment_variable", new() { ["secret"] = "pol/rotating", ["shell"] = "bash" });
        var unused = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        ToolSession.StructuredOf(unused).TryGetProperty("rotations", out _).Should().BeFalse();

        var first = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/rotating", ["shell"] = "bash" });
        var run = await _sandbox.RunAsync("bash", ToolSession.StructuredOf(first).GetProperty("snippet").GetString() + probe);
        run.Stdout.Should().StartWith(PolicyFixtures.Sha256(PolicyFixtures.RotatingPassword));

        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        var rotation = ToolSession.StructuredOf(cleanup).GetProperty("rotations").EnumerateArray().Should().ContainSingle().Subject;
        rotation.GetProperty("secretId").GetInt32().Should().Be(55);
        rotation.GetProperty("rotated").GetBoolean().Should().BeTrue();
        ToolSession.TextOf(cleanup).Should().Contain("Secret Server changed the password");

        var second = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "pol/rotating", ["shell"] = "bash" });
        var after = await _sandbox.RunAsync("bash", ToolSession.StructuredOf(second).GetProperty("snippet").GetString() + probe);
        after.Code.Should().Be(0, after.Stderr);
        var lines = after.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines[0].Should().NotBe(PolicyFixtures.Sha256(PolicyFixtures.RotatingPassword), "the old value is dead");
        lines[1].Trim().Should().Be("24", "Secret Server generated a new password");
    }

    [Fact]
    public async Task Serve_ending_rotates_what_was_delivered_and_the_vault_holds_a_new_value()
    {
        var seed = _sandbox.WriteFile("vault-seed.json", PolicyFixtures.SeedJson);
        using var vault = await DevServer.StartAsync(_sandbox, seed);

        // The connection comes from the config file (the keys SECRET_MCP__SecretServer__BaseUrl and
        // SECRET_MCP__Auth__Username override); the password only ever from the environment.
        var config = PolicyFixtures.ConfigJson.Replace("\"$schema\": \"./config.schema.json\",",
            $"\"secretServer\": {{ \"baseUrl\": \"{vault.Url}\" }}, \"auth\": {{ \"username\": \"{vault.Username}\" }},",
            StringComparison.Ordinal);
        _sandbox.SetEnvironment("SECRET_MCP_CONFIG", _sandbox.WriteFile("config.json", config));
        _sandbox.SetEnvironment("SECRET_MCP_PASSWORD", vault.Password);

        (await vault.ReadPasswordAsync(55)).Should().Be(PolicyFixtures.RotatingPassword);
        string stderr;
        await using (var session = await ToolSession.StartAsync(_sandbox, "serve"))
        {
            var issued = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "pol/rotating", ["shell"] = "bash" });
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued));
            var run = await _sandbox.RunAsync("bash",
                ToolSession.StructuredOf(issued).GetProperty("snippet").GetString() + "\nprintf '%s' \"$POL_ROTATING_PASSWORD\" | sha256sum");
            run.Stdout.Should().StartWith(PolicyFixtures.Sha256(PolicyFixtures.RotatingPassword));
            await session.DisposeAsync();
            stderr = session.Stderr;
        }

        var now = await vault.ReadPasswordAsync(55);
        now.Should().NotBe(PolicyFixtures.RotatingPassword, "serve rotated the password when it ended").And.HaveLength(24);
        stderr.Should().Contain("password changed in Secret Server after use");
        Canary.AssertAbsent("serve's stderr", stderr);
    }
}

/// <summary>'secret-mcp dev-server' as a separate process, and a plain HTTP look at what it holds.</summary>
public sealed class DevServer : IDisposable
{
    private readonly Process _process;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(30) };

    private DevServer(Process process, string url, string username, string password)
    {
        _process = process;
        Url = url;
        Username = username;
        Password = password;
    }

    public string Url { get; }

    public string Username { get; }

    public string Password { get; }

    public static async Task<DevServer> StartAsync(Sandbox sandbox, string seedPath)
    {
        var start = new ProcessStartInfo(Sandbox.ToolPath, ["dev-server", "--seed", seedPath])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in sandbox.Environment)
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

        var process = Process.Start(start)!;
        process.ErrorDataReceived += (_, _) => { };
        process.BeginErrorReadLine();
        var settings = new Dictionary<string, string>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!settings.ContainsKey("password"))
        {
            var line = await process.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException("dev-server ended before printing its settings");
            var cut = line.IndexOf('=', StringComparison.Ordinal);
            settings[line[..cut]] = line[(cut + 1)..];
        }

        return new DevServer(process, settings["url"], settings["username"], settings["password"]);
    }

    /// <summary>The secret's password field as the vault holds it now, read with the dev login.</summary>
    public async Task<string> ReadPasswordAsync(int secretId)
    {
        using var token = await _http.PostAsync(new Uri(new Uri(Url), "oauth2/token"), new FormUrlEncodedContent(
            new Dictionary<string, string> { ["grant_type"] = "password", ["username"] = Username, ["password"] = Password }));
        var access = JsonDocument.Parse(await token.Content.ReadAsStringAsync()).RootElement.GetProperty("access_token").GetString();

        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(new Uri(Url), $"api/v1/secrets/{secretId}/fields/password"));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", access);
        using var response = await _http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Deserialize<string>(await response.Content.ReadAsStringAsync())!;
    }

    public void Dispose()
    {
        _http.Dispose();
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }

        _process.Dispose();
    }
}
