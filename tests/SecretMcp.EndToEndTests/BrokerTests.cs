using System.Net.Sockets;
using System.Security.Cryptography;
using System.Text;

namespace SecretMcp.EndToEndTests;

/// <summary>
/// The broker of a real serve process, reached the ways a user or an attacker would: many clients
/// at once, curl, another OS user, a killed or stopped server, a client that never speaks.
/// </summary>
public sealed class BrokerTests : IDisposable
{
    private readonly Sandbox _sandbox = new();

    public void Dispose() => _sandbox.Dispose();

    [Fact]
    public async Task One_ticket_redeemed_by_1000_clients_at_once_gives_one_value_and_999_ticket_used()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, _, _) = await session.MintAsync();
        using var http = UnixSocketHttp.Create(_sandbox.SocketOf(ticket));
        using var start = new SemaphoreSlim(0);

        var attempts = Enumerable.Range(0, 1000).Select(async _ =>
        {
            await start.WaitAsync();
            using var response = await http.SendAsync(UnixSocketHttp.Redeem(ticket));
            var code = await UnixSocketHttp.CodeOfAsync(response);
            return (code, code == "200" ? await response.Content.ReadAsByteArrayAsync() : null);
        }).ToList();
        start.Release(1000);
        var results = await Task.WhenAll(attempts);

        results.Count(r => r.code == "200").Should().Be(1);
        results.Count(r => r.code == "ticket_used").Should().Be(999);
        results.Single(r => r.code == "200").Item2.Should().Equal(Encoding.UTF8.GetBytes(Canary.DbPassword));
    }

    [Fact]
    public async Task Curl_redeems_a_ticket_without_the_tool_on_PATH_and_only_once()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, _, _) = await session.MintAsync();
        var socket = _sandbox.SocketOf(ticket);

        // The documented command, verbatim apart from the values.
        var curl = $"curl -sS --unix-socket '{socket}' -X POST -H 'Authorization: Bearer {ticket}' http://localhost/v1/redeem";
        var first = await _sandbox.RunAsync("bash", $"set -o pipefail; {curl} | sha256sum");
        var second = await _sandbox.RunAsync("bash", $"{curl} -w '\\n%{{http_code}} %{{content_type}}'");

        first.Code.Should().Be(0, first.Stderr);
        first.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword), "curl gets the exact bytes");
        second.Stdout.Should().Contain("\"code\":\"ticket_used\"").And.EndWith("401 application/problem+json");
        Canary.AssertAbsent("the refusal", second.Stdout + second.Stderr);
    }

    [Fact]
    public async Task Another_os_user_is_stopped_by_the_folder_then_the_socket_mode_then_the_peer_check()
    {
        PrerequisitesForOtherUser();

        // A runtime folder whose parents anyone may pass through, so each wall is tested alone.
        var runtime = Path.Combine(_sandbox.Root, "run");
        _sandbox.SetEnvironment("SECRET_MCP_RUNTIME_DIR", runtime);
        File.SetUnixFileMode(_sandbox.Root, (UnixFileMode)0b111_101_101);
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, ticketId, _) = await session.MintAsync();
        var socket = _sandbox.SocketOf(ticket);
        var asNobody = $"runuser -u nobody -- curl -sS -v --max-time 10 --unix-socket '{socket}' -X POST "
            + $"-H 'Authorization: Bearer {ticket}' http://localhost/v1/redeem";

        // 1. The folder is 0700: nobody cannot even reach the socket.
        File.GetUnixFileMode(runtime).Should().Be((UnixFileMode)0b111_000_000);
        var folderWall = await _sandbox.RunAsync("bash", asNobody);
        folderWall.Code.Should().Be(7, folderWall.Stderr);
        folderWall.Stderr.Should().Contain("Permission denied");

        // 2. With the folder opened (by the test, as its owner), the socket's 0600 still stops it.
        File.SetUnixFileMode(runtime, (UnixFileMode)0b111_001_001);
        File.GetUnixFileMode(socket).Should().Be((UnixFileMode)0b110_000_000);
        var socketWall = await _sandbox.RunAsync("bash", asNobody);
        socketWall.Code.Should().Be(7, socketWall.Stderr);
        socketWall.Stderr.Should().Contain("Permission denied");

        // 3. With the socket opened too, the connection succeeds and SO_PEERCRED drops it unread.
        File.SetUnixFileMode(socket, (UnixFileMode)0b110_110_110);
        var peerWall = await _sandbox.RunAsync("bash", asNobody);
        peerWall.Code.Should().BeOneOf([52, 56], "the broker closes the connection without an answer: " + peerWall.Stderr);
        peerWall.Stderr.Should().NotContain("Permission denied").And.Contain("Connected to");
        await WaitForAsync(() => session.Stderr.Contains("from another user (uid 65534", StringComparison.Ordinal));

        // None of that used the ticket: its owner still gets the value.
        var owner = await _sandbox.RunAsync("bash",
            $"curl -sS --unix-socket '{socket}' -X POST -H 'Authorization: Bearer {ticket}' http://localhost/v1/redeem | sha256sum");
        owner.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword));

        var audit = await File.ReadAllTextAsync(_sandbox.AuditLogPath);
        audit.Should().Contain("\"event\":\"connection_refused\"").And.Contain("uid 65534");
        audit.Should().Contain($"\"event\":\"redeemed\"").And.Contain(ticketId);
    }

    [Theory]
    [InlineData("SIGTERM")]
    [InlineData("SIGINT")]
    [InlineData("stdin closed")]
    public async Task When_serve_stops_every_ticket_is_revoked_and_the_socket_removed(string how)
    {
        var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, ticketId, snippet) = await session.MintAsync();
        var socket = _sandbox.SocketOf(ticket);
        File.Exists(socket).Should().BeTrue();

        if (how == "stdin closed")
        {
            await session.DisposeAsync();
        }
        else
        {
            var kill = await _sandbox.RunAsync("bash", $"kill -{how[3..]} {session.Pid}");
            kill.Code.Should().Be(0, kill.Stderr);
        }

        await session.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await session.DisposeAsync();

        File.Exists(socket).Should().BeFalse("serve removes its socket when it stops");
        Directory.EnumerateFileSystemEntries(_sandbox.RuntimeFolder).Should().BeEmpty("the lock goes too");
        var redeem = await _sandbox.RunAsync("bash", snippet + "\nrc=$?; echo \"rc=$rc set=${E2E_DB_PASSWORD+yes}\"");
        redeem.Stdout.Should().Be("rc=1 set=\n");
        redeem.Stderr.Should().Contain("not running");
        var curl = await _sandbox.RunAsync("bash",
            $"curl -sS --unix-socket '{socket}' -X POST -H 'Authorization: Bearer {ticket}' http://localhost/v1/redeem");
        curl.Code.Should().Be(7, "nothing listens any more");

        var revoked = File.ReadAllLines(_sandbox.AuditLogPath)
            .Where(l => l.Contains("\"event\":\"revoked\"", StringComparison.Ordinal)).ToList();
        revoked.Should().ContainSingle().Which.Should().Contain(ticketId).And.Contain("\"reason\":\"shutdown\"");
    }

    [Fact]
    public async Task A_socket_left_by_a_killed_serve_does_not_block_the_next_start()
    {
        var first = await ToolSession.StartAsync(_sandbox);
        var (oldTicket, _, _) = await first.MintAsync();
        (await _sandbox.RunAsync("bash", $"kill -KILL {first.Pid}")).Code.Should().Be(0);
        await first.WaitForExitAsync(TimeSpan.FromSeconds(20));
        await first.DisposeAsync();
        var leftover = _sandbox.SocketOf(oldTicket);
        File.Exists(leftover).Should().BeTrue("kill -9 leaves the socket behind");
        File.Exists(Path.ChangeExtension(leftover, ".lock")).Should().BeTrue();

        await using var second = await ToolSession.StartAsync(_sandbox);
        var (_, _, snippet) = await second.MintAsync();
        var run = await _sandbox.RunAsync("bash", snippet + "\nprintf '%s' \"$E2E_DB_PASSWORD\" | sha256sum");

        run.Stdout.Split(' ')[0].Should().Be(Canary.Sha256(Canary.DbPassword), run.Stderr);
        File.Exists(leftover).Should().BeFalse("the dead instance's leftovers were removed at start");
        File.Exists(Path.ChangeExtension(leftover, ".lock")).Should().BeFalse();
    }

    [Fact]
    public async Task A_client_that_never_speaks_is_disconnected_and_does_not_hold_the_broker()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, _, _) = await session.MintAsync();
        var socketPath = _sandbox.SocketOf(ticket);
        using var silent = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await silent.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        using var stalled = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await stalled.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
        await stalled.SendAsync("POST /v1/redeem HTTP/1.1\r\nHost: localhost\r\n"u8.ToArray());

        // Meanwhile the broker serves others.
        using var http = UnixSocketHttp.Create(socketPath);
        using var response = await http.SendAsync(UnixSocketHttp.Redeem(ticket));
        (await UnixSocketHttp.CodeOfAsync(response)).Should().Be("200");

        // Both are cut off by the broker's timeouts (5 s); the bound here is only against hanging.
        (await ReadUntilClosedAsync(silent, TimeSpan.FromSeconds(30))).Should().BeTrue("a silent client is disconnected");
        (await ReadUntilClosedAsync(stalled, TimeSpan.FromSeconds(30))).Should().BeTrue("a stalled request is disconnected");
    }

    [Theory]
    [InlineData("header", 16 * 1024, "431")]
    [InlineData("request line", 4 * 1024, "414")]
    [InlineData("header count", 64, "431")]
    public async Task Oversized_requests_are_refused_and_the_broker_keeps_working(string what, int size, string status)
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, _, _) = await session.MintAsync();
        var socketPath = _sandbox.SocketOf(ticket);
        var request = what switch
        {
            "header" => $"POST /v1/redeem HTTP/1.1\r\nHost: localhost\r\nX-Pad: {new string('a', size)}\r\n\r\n",
            "request line" => $"POST /v1/redeem?{new string('a', size)} HTTP/1.1\r\nHost: localhost\r\n\r\n",
            _ => "POST /v1/redeem HTTP/1.1\r\nHost: localhost\r\n"
                + string.Concat(Enumerable.Range(0, size).Select(i => $"X-H{i}: 1\r\n")) + "\r\n",
        };

        using (var raw = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified))
        {
            await raw.ConnectAsync(new UnixDomainSocketEndPoint(socketPath));
            await raw.SendAsync(Encoding.ASCII.GetBytes(request));
            var answer = new byte[1024];
            var read = await raw.ReceiveAsync(answer).WaitAsync(TimeSpan.FromSeconds(30));
            Encoding.ASCII.GetString(answer, 0, read).Should().StartWith($"HTTP/1.1 {status}");
        }

        using var http = UnixSocketHttp.Create(socketPath);
        using var response = await http.SendAsync(UnixSocketHttp.Redeem(ticket));
        (await UnixSocketHttp.CodeOfAsync(response)).Should().Be("200", "the ticket was not touched");
    }

    [Fact]
    public async Task A_request_with_a_body_is_refused_before_the_ticket_is_touched()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        var (ticket, _, _) = await session.MintAsync();
        using var http = UnixSocketHttp.Create(_sandbox.SocketOf(ticket));
        var request = UnixSocketHttp.Redeem(ticket);
        request.Content = new ByteArrayContent(new byte[4 * 1024 * 1024]);

        string code;
        try
        {
            using var response = await http.SendAsync(request);
            code = await UnixSocketHttp.CodeOfAsync(response);
        }
        catch (HttpRequestException)
        {
            // The broker answered and closed while the body was still being sent.
            code = "closed";
        }

        code.Should().BeOneOf("request_invalid", "closed");
        using var again = await http.SendAsync(UnixSocketHttp.Redeem(ticket));
        (await UnixSocketHttp.CodeOfAsync(again)).Should().Be("200");
    }

    [Fact]
    public async Task Serve_runs_with_dotnet_diagnostics_off_even_when_the_agent_did_not_ask()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        await session.MintAsync();
        var pid = session.Pid;

        var environment = (await File.ReadAllTextAsync($"/proc/{pid}/environ")).Split('\0');
        environment.Should().Contain("DOTNET_EnableDiagnostics=0", "serve re-executed itself with diagnostics off");
        var temp = Environment.GetEnvironmentVariable("TMPDIR") is { Length: > 0 } t ? t : "/tmp";
        Directory.EnumerateFileSystemEntries(temp, $"dotnet-diagnostic-{pid}-*").Should().BeEmpty();
        Directory.EnumerateFileSystemEntries(temp, $"clr-debug-pipe-{pid}-*").Should().BeEmpty();
        (await File.ReadAllTextAsync("/proc/net/unix")).Should().NotContain($"dotnet-diagnostic-{pid}-");
    }

    [Fact]
    public async Task A_session_holds_at_most_32_unused_tickets()
    {
        await using var session = await ToolSession.StartAsync(_sandbox);
        for (var i = 0; i < 32; i++)
        {
            await session.MintAsync();
        }

        var refused = await session.CallAsync("get_secret_environment_variable", new() { ["secret"] = "e2e/db", ["shell"] = "bash" });
        refused.IsError.Should().BeTrue();
        ToolSession.TextOf(refused).Should().Contain("32 unused tickets").And.Contain("cleanup");

        await session.CallAsync("cleanup", new() { ["shell"] = "bash" });
        await session.MintAsync();
    }

    private static void PrerequisitesForOtherUser()
    {
        // The tests run as root here and in CI; runuser needs it, and only root can act as nobody.
        Environment.UserName.Should().Be("root", "the other-user test switches to 'nobody' with runuser");
        File.Exists("/usr/sbin/runuser").Should().BeTrue("runuser (util-linux) is needed");
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (var i = 0; i < 100 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        condition().Should().BeTrue();
    }

    private static async Task<bool> ReadUntilClosedAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var buffer = new byte[1024];
        try
        {
            while (await socket.ReceiveAsync(buffer, cancel.Token) > 0)
            {
                // A 408 may come first; what matters is that the broker closes the connection.
            }

            return true;
        }
        catch (SocketException)
        {
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }
}
