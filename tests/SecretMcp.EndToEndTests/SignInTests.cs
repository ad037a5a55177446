using System.Text;
using System.Text.Json;
using ModelContextProtocol.Client;
using ModelContextProtocol.Protocol;
using SecretMcp.DevVault;
using SecretMcp.DevVault.Identity;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// Sign-in end to end: the real tool's login, status, logout and serve against the dev vault and
/// its Entra-shaped identity provider over HTTPS, each session provider down to a redeemed ticket
/// in bash, and every output, log and file scanned for the tokens the providers issued.
/// </summary>
public sealed class SignInTests : IAsyncLifetime
{
    private const string User = "e2e";

    private readonly Sandbox _sandbox = new();
    private readonly List<string> _outputs = [];
    private DevSignInStack _stack = null!;
    private string _certificate = null!;

    private static readonly ClientCapabilities UrlElicitation = new()
    {
        Elicitation = new ElicitationCapability { Url = new UrlElicitationCapability() },
    };

    private string CacheFolder => Path.Combine(_sandbox.Home, ".cache", "secret-mcp");

    public async Task InitializeAsync()
    {
        var seed = SeedFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(Canary.SeedJson)), "e2e seed");
        _stack = await DevSignInStack.StartAsync(seed);
        _certificate = _stack.Identity.WriteCertificate(Path.Combine(_sandbox.Root, "dev-idp.pem"));

        // This vault is not serve's own dev vault, so the policy asks about its secrets by default; the
        // tests' client cannot be asked, so the user's config allows the sample secrets (login reads it too).
        _sandbox.SetEnvironment("SECRET_MCP_CONFIG", _sandbox.WriteFile("config.json", """
            { "policy": { "rules": [ { "name": "e2e samples", "action": "allow", "path": "e2e/**" } ] } }
            """));
    }

    public async Task DisposeAsync()
    {
        await _stack.DisposeAsync();
        _sandbox.Dispose();
    }

    [Fact]
    public async Task Device_code_login_then_serve_redeems_through_token_exchange_from_the_cache()
    {
        ConfigureIdentity("token-exchange");

        var login = ToolProcess.Start(_sandbox, "login", "--device-code");
        var codeLine = await login.WaitForStderrAsync(IsCodeLine);
        var verification = await login.WaitForStderrAsync(
            line => line.Contains("/devicelogin", StringComparison.Ordinal));
        await ApproveOnTheVerificationPageAsync(new Uri(verification.Trim()), codeLine.Split(':', 2)[1].Trim());
        login.CloseInput();
        await login.WaitAsync();
        Keep(login);
        login.ExitCode.Should().Be(0, login.Stderr);
        login.Stderr.Should().Contain($"signed in as {User}").And.Contain("through the token-exchange provider: ready");

        // serve is a second process: it signs in silently from the persisted cache.
        await RedeemThroughServeAsync();

        using var status = await ToolProcess.RunAsync(_sandbox, null, "status");
        Keep(status);
        status.ExitCode.Should().Be(0, status.Stdout + status.Stderr);
        status.Stdout.Should().Contain("token-exchange").And.Contain($"signed in as:           {User}")
            .And.Contain("accepted by Secret Server").And.Contain("valid until");

        if (login.Stderr.Contains("plaintext file", StringComparison.Ordinal))
        {
            // No keyring on this machine (CI): the fallback is a 0600 file in a 0700 folder, with a warning.
            const UnixFileMode Private = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            File.GetUnixFileMode(CacheFolder).Should().Be(Private | UnixFileMode.UserExecute);
            File.GetUnixFileMode(Path.Combine(CacheFolder, "msal-cache.bin")).Should().Be(Private);
        }

        using var logout = await ToolProcess.RunAsync(_sandbox, null, "logout");
        Keep(logout);
        logout.ExitCode.Should().Be(0, logout.Stderr);
        using var after = await ToolProcess.RunAsync(_sandbox, null, "status");
        Keep(after);
        after.ExitCode.Should().Be(2, "nobody is signed in after logout");
        after.Stdout.Should().Contain("secret-mcp login");

        AssertNoTokenLeaked();
    }

    [Fact]
    public async Task Browser_login_then_serve_redeems_with_the_identity_token_as_bearer()
    {
        ConfigureIdentity("bearer");
        var urlFile = Path.Combine(_sandbox.Root, "authorize-url");
        // The "browser" writes down the address it was asked to open; the test plays the user from there.
        var browser = _sandbox.WriteFile("browser.sh", """
            #!/bin/sh
            here=$(dirname "$0")
            printf '%s' "$1" > "$here/authorize-url.tmp" && mv "$here/authorize-url.tmp" "$here/authorize-url"
            """);
        File.SetUnixFileMode(browser, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _sandbox.Extra["BROWSER"] = browser;

        var login = ToolProcess.Start(_sandbox, "login");
        var url = await WaitForFileAsync(urlFile);
        url.Should().Contain("code_challenge_method=S256");
        await _stack.Identity.PlayBrowserAsync(new Uri(url), User, Canary.LoginPassword);
        login.CloseInput();
        await login.WaitAsync();
        Keep(login);
        login.ExitCode.Should().Be(0, login.Stderr);
        login.Stderr.Should().Contain("opening your browser").And.Contain("through the bearer provider: ready");

        await RedeemThroughServeAsync();
        AssertNoTokenLeaked();
    }

    [Fact]
    public async Task Platform_serve_signs_in_with_client_credentials_and_finds_the_vault()
    {
        _sandbox.Extra["SECRET_MCP__Auth__Provider"] = "platform";
        _sandbox.Extra["SECRET_MCP__SecretServer__PlatformUrl"] = _stack.Identity.PlatformUri.ToString();
        _sandbox.Extra["SECRET_MCP__Auth__PlatformClientId"] = _stack.Identity.PlatformClientId;
        _sandbox.Extra["SECRET_MCP_PLATFORM_CLIENT_SECRET"] = _stack.Identity.PlatformClientSecret;
        _sandbox.Extra["SECRET_MCP__Auth__DevCertificate"] = _certificate;

        var serveStderr = await RedeemThroughServeAsync();
        serveStderr.Should().Contain("service identity").And.Contain("Vault discovery");

        using var status = await ToolProcess.RunAsync(_sandbox, null, "status");
        Keep(status);
        status.ExitCode.Should().Be(0, status.Stdout + status.Stderr);
        status.Stdout.Should().Contain("from Platform vault discovery").And.Contain(_stack.Identity.PlatformClientId);

        AssertNoTokenLeaked(_stack.Identity.PlatformClientSecret);
    }

    [Fact]
    public async Task Password_login_reads_the_password_once_and_serve_uses_the_stored_session()
    {
        _sandbox.Extra["SECRET_MCP__Auth__Provider"] = "password";
        _sandbox.Extra["SECRET_MCP__SecretServer__BaseUrl"] = _stack.Vault.BaseUri.ToString();
        _sandbox.Extra["SECRET_MCP__Auth__Username"] = User;
        _sandbox.Extra["SECRET_MCP__Auth__TokenCache"] = "file";

        using var login = await ToolProcess.RunAsync(_sandbox, Canary.LoginPassword + "\n", "login");
        Keep(login);
        login.ExitCode.Should().Be(0, login.Stderr);
        login.Stderr.Should().Contain("Secret Server password for e2e").And.Contain("The password was not stored");

        await RedeemThroughServeAsync();

        // The stored session holds Secret Server tokens (by design, in the 0600 file); they must not leak elsewhere.
        var stored = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(CacheFolder, "session.bin")))
            .RootElement;
        AssertNoTokenLeaked(
            stored.GetProperty("accessToken").GetString()!, stored.GetProperty("refreshToken").GetString()!);
    }

    [Fact]
    public async Task Token_serve_uses_a_pre_issued_bearer_from_the_environment()
    {
        using var http = new HttpClient();
        using var grant = await http.PostAsync(new Uri(_stack.Vault.BaseUri, "oauth2/token"), new FormUrlEncodedContent(
            [new("grant_type", "password"), new("username", User), new("password", Canary.LoginPassword)]));
        var token = JsonDocument.Parse(await grant.Content.ReadAsStringAsync()).RootElement
            .GetProperty("access_token").GetString()!;
        _sandbox.Extra["SECRET_MCP__Auth__Provider"] = "token";
        _sandbox.Extra["SECRET_MCP__SecretServer__BaseUrl"] = _stack.Vault.BaseUri.ToString();
        _sandbox.Extra["SECRET_MCP_TOKEN"] = token;

        await RedeemThroughServeAsync();
        AssertNoTokenLeaked(token);
    }

    [Fact]
    public async Task Serve_without_a_sign_in_never_prompts_and_tells_the_agent_to_run_login()
    {
        ConfigureIdentity("token-exchange");

        await using (var session = await ToolSession.StartAsync(_sandbox, "serve"))
        {
            var result = await AskForTheDbPasswordAsync(session);
            _outputs.Add(session.Stderr);

            result.IsError.Should().BeTrue();
            ToolSession.TextOf(result).Should().Contain("not signed in").And.Contain("secret-mcp login");
            result.StructuredContent.Should().BeNull();
        }

        _stack.Identity.Grants.Should().BeEmpty("serve asked the identity provider for nothing");
    }

    [Fact]
    public async Task Serve_offers_the_sign_in_page_through_URL_elicitation_and_then_serves()
    {
        ConfigureIdentity("token-exchange");
        var offered = new List<ElicitRequestParams>();
        var browser = Task.CompletedTask;
        var options = new McpClientOptions
        {
            Capabilities = UrlElicitation,
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (request, cancellationToken) =>
                {
                    offered.Add(request!);
                    // The user consents and signs in in the browser; the client answers at once, as the spec says.
                    browser = _stack.Identity.PlayBrowserAsync(
                        new Uri(request!.Url!), User, Canary.LoginPassword, cancellationToken);
                    return ValueTask.FromResult(new ElicitResult { Action = "accept" });
                },
            },
        };

        await using (var session = await ToolSession.StartAsync(_sandbox, options, "serve"))
        {
            var issued = await AskForTheDbPasswordAsync(session);
            await browser;
            _outputs.Add(JsonSerializer.Serialize(issued) + session.Stderr);
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued) + "\n" + session.Stderr);

            var snippet = ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()!;
            var run = await _sandbox.RunAsync("bash", snippet + "\nprintf '%s' \"$E2E_DB_PASSWORD\" | sha256sum");
            run.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword));
        }

        offered.Should().ContainSingle().Which.Mode.Should().Be("url");
        offered[0].Url.Should().StartWith(_stack.Identity.Authority).And.Contain("code_challenge_method=S256");
        _outputs.Add(await File.ReadAllTextAsync(Path.Combine(_sandbox.Root, "stdout.jsonl")));
        AssertNoTokenLeaked();
    }

    [Fact]
    public async Task A_declined_sign_in_page_leaves_serve_not_signed_in()
    {
        ConfigureIdentity("token-exchange");
        var options = new McpClientOptions
        {
            Capabilities = UrlElicitation,
            Handlers = new McpClientHandlers
            {
                ElicitationHandler = (_, _) => ValueTask.FromResult(new ElicitResult { Action = "decline" }),
            },
        };

        await using var session = await ToolSession.StartAsync(_sandbox, options, "serve");
        var result = await AskForTheDbPasswordAsync(session);

        result.IsError.Should().BeTrue();
        ToolSession.TextOf(result).Should().Contain("declined").And.Contain("secret-mcp login");
    }

    [Fact]
    public async Task Without_a_browser_login_uses_a_device_code_and_keyring_only_keeps_the_sign_in_in_the_process()
    {
        ConfigureIdentity("token-exchange");
        _sandbox.Extra["SECRET_MCP__Auth__TokenCache"] = "keyring";

        // No browser and no display (a server over SSH): login falls back to a device code by itself.
        _sandbox.Extra["BROWSER"] = null;
        _sandbox.Extra["DISPLAY"] = null;
        _sandbox.Extra["WAYLAND_DISPLAY"] = null;
        var login = ToolProcess.Start(_sandbox, "login");
        await login.WaitForStderrAsync(
            line => line.Contains("signing in with a device code instead", StringComparison.Ordinal));
        var codeLine = await login.WaitForStderrAsync(IsCodeLine);
        _stack.Identity.ApproveDeviceCode(codeLine.Split(':', 2)[1].Trim(), User).Should().BeTrue();
        login.CloseInput();
        await login.WaitAsync();
        Keep(login);
        login.ExitCode.Should().Be(0, login.Stderr);

        if (!login.Stderr.Contains("forbids a plaintext file", StringComparison.Ordinal))
        {
            return; // This machine has a working keyring: the sign-in went there, as asked.
        }

        new FileInfo(Path.Combine(CacheFolder, "msal-cache.bin")).Exists
            .Should().BeFalse("nothing may be written in plaintext");
        using var status = await ToolProcess.RunAsync(_sandbox, null, "status");
        status.ExitCode.Should().Be(2, "the sign-in ended with the login process");
        AssertNoTokenLeaked();
    }

    private void ConfigureIdentity(string provider)
    {
        _sandbox.Extra["SECRET_MCP__Auth__Provider"] = provider;
        _sandbox.Extra["SECRET_MCP__SecretServer__BaseUrl"] = _stack.Vault.BaseUri.ToString();
        _sandbox.Extra["SECRET_MCP__Auth__Authority"] = _stack.Identity.Authority;
        _sandbox.Extra["SECRET_MCP__Auth__ClientId"] = _stack.Identity.ClientId;
        _sandbox.Extra["SECRET_MCP__Auth__Scopes"] = _stack.Identity.Scope;
        _sandbox.Extra["SECRET_MCP__Auth__TokenExchangeEndpoint"] = _stack.Identity.TokenExchangeEndpoint.ToString();
        _sandbox.Extra["SECRET_MCP__Auth__DevCertificate"] = _certificate;
    }

    /// <summary>The user's part of device code: the verification page, in a browser that trusts the dev CA.</summary>
    private async Task ApproveOnTheVerificationPageAsync(Uri page, string userCode)
    {
        using var browser = _stack.Identity.CreateTrustingClient();
        (await browser.GetStringAsync(page)).Should().Contain("Enter the code");
        using var response = await browser.PostAsync(page, new FormUrlEncodedContent(
            [new("user_code", userCode), new("username", User), new("password", Canary.LoginPassword)]));
        (await response.Content.ReadAsStringAsync()).Should().Contain("You are signed in");
    }

    /// <summary>serve (no --dev) as an agent starts it; a ticket for e2e/db redeemed in bash; its stderr.</summary>
    private async Task<string> RedeemThroughServeAsync()
    {
        string stderr;
        await using (var session = await ToolSession.StartAsync(_sandbox, "serve"))
        {
            var issued = await AskForTheDbPasswordAsync(session);
            _outputs.Add(JsonSerializer.Serialize(issued));
            issued.IsError.Should().NotBe(true, ToolSession.TextOf(issued) + "\n" + session.Stderr);

            var snippet = ToolSession.StructuredOf(issued).GetProperty("snippet").GetString()!;
            var run = await _sandbox.RunAsync("bash", snippet + "\nprintf '%s' \"$E2E_DB_PASSWORD\" | sha256sum");
            _outputs.Add(run.Stdout + run.Stderr);
            run.Code.Should().Be(0, run.Stderr + "\n" + session.Stderr);
            run.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword));
            stderr = session.Stderr;
        }

        _outputs.Add(stderr);
        _outputs.Add(await File.ReadAllTextAsync(Path.Combine(_sandbox.Root, "stdout.jsonl")));
        return stderr;
    }

    private static bool IsCodeLine(string line) => line.StartsWith("and enter the code:", StringComparison.Ordinal);

    private static Task<CallToolResult> AskForTheDbPasswordAsync(ToolSession session) =>
        session.CallAsync("get_secret_environment_variable", new() { ["secret"] = "e2e/db", ["shell"] = "bash" });

    private void Keep(ToolProcess tool) => _outputs.Add(tool.Stdout + "\n" + tool.Stderr);

    /// <summary>
    /// Every token the identity provider issued (and any extra one named) is absent from every output
    /// and log, and from every file under HOME except the token cache, which holds them by design.
    /// The canary values and the login password are absent from everything, the cache included.
    /// </summary>
    private void AssertNoTokenLeaked(params string[] extra)
    {
        var tokens = _stack.Identity.IssuedTokens.Concat(extra).ToList();
        var everything = string.Join("\n", _outputs);
        foreach (var token in tokens)
        {
            everything.Contains(token, StringComparison.Ordinal)
                .Should().BeFalse("no token may appear in any output or log");
        }

        Canary.AssertAbsent("outputs and logs", everything);
        foreach (var (path, content) in _sandbox.FilesUnderHome())
        {
            Canary.AssertAbsent(path, content);
            if (path.StartsWith(CacheFolder, StringComparison.Ordinal))
            {
                continue;
            }

            var text = Encoding.UTF8.GetString(content);
            foreach (var token in tokens)
            {
                text.Contains(token, StringComparison.Ordinal).Should().BeFalse($"no token may be written to {path}");
            }
        }
    }

    private static async Task<string> WaitForFileAsync(string path)
    {
        for (var i = 0; i < 600; i++)
        {
            if (File.Exists(path))
            {
                return await File.ReadAllTextAsync(path);
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"{path} never appeared: the browser was not opened.");
    }
}
