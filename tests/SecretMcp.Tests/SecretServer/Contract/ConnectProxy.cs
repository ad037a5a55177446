using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>
/// A tiny HTTPS proxy on loopback: it answers CONNECT host:port by tunnelling to 127.0.0.1:port,
/// whatever the host, and remembers every target. A base URL whose host only this proxy can reach
/// proves that the client went through it.
/// </summary>
internal sealed class ConnectProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public ConnectProxy()
    {
        _listener.Start();
        _loop = AcceptAsync();
    }

    public Uri Uri => new($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}");

    public ConcurrentQueue<string> Targets { get; } = new();

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            _ = TunnelAsync(client);
        }
    }

    private async Task TunnelAsync(TcpClient client)
    {
        using (client)
        {
            var stream = client.GetStream();
            var head = await ReadHeadAsync(stream);
            var parts = head.Split(' ');
            if (parts.Length < 2 || parts[0] != "CONNECT")
            {
                await stream.WriteAsync("HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n"u8.ToArray());
                return;
            }

            Targets.Enqueue(parts[1]);
            var port = int.Parse(parts[1][(parts[1].LastIndexOf(':') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
            using var upstream = new TcpClient();
            await upstream.ConnectAsync(IPAddress.Loopback, port, _stop.Token);
            await stream.WriteAsync("HTTP/1.1 200 Connection Established\r\n\r\n"u8.ToArray(), _stop.Token);

            var remote = upstream.GetStream();
            using var done = CancellationTokenSource.CreateLinkedTokenSource(_stop.Token);
            var up = stream.CopyToAsync(remote, done.Token);
            var down = remote.CopyToAsync(stream, done.Token);
            await Task.WhenAny(up, down);
            await done.CancelAsync();
        }
    }

    /// <summary>The request line of the proxy request; the headers after it are read and dropped.</summary>
    private static async Task<string> ReadHeadAsync(NetworkStream stream)
    {
        var bytes = new List<byte>();
        var one = new byte[1];
        while (await stream.ReadAsync(one) == 1)
        {
            bytes.Add(one[0]);
            if (bytes.Count >= 4 && bytes[^4] == '\r' && bytes[^3] == '\n' && bytes[^2] == '\r' && bytes[^1] == '\n')
            {
                break;
            }
        }

        var text = Encoding.ASCII.GetString([.. bytes]);
        return text.Split("\r\n")[0];
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        try
        {
            await _loop;
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        _stop.Dispose();
    }
}
