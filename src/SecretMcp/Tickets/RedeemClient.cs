using System.Buffers;
using System.Globalization;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace SecretMcp.Tickets;

/// <summary>
/// The client side of <c>secret-mcp redeem</c>: one HTTP/1.1 request over the broker's Unix socket,
/// written by hand because this runs inside every agent command that needs a secret and must start
/// in milliseconds (no HttpClient, no host, no DI).
/// </summary>
public static class RedeemClient
{
    private const int MaxResponseBytes = 1024 * 1024;
    private const int MaxConnectAttempts = 300;

    public static async Task<RedeemResult> RedeemAsync(string ticket, TimeSpan timeout, CancellationToken cancellationToken)
    {
        if (!TicketFormat.TryParse(ticket, out var instance))
        {
            return RedeemResult.Failure(RedeemFailure.Ticket,
                "this is not a secret-mcp ticket; copy the snippet the tool returned unchanged");
        }

        var socketPath = RuntimeFolder.SocketPath(RuntimeFolder.Resolve(), instance);
        if (!File.Exists(socketPath))
        {
            return RedeemResult.Failure(RedeemFailure.Ticket,
                "the secret-mcp server that issued this ticket is not running (it may have ended); ask for a new one");
        }

        using var timeoutSource = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeoutSource.CancelAfter(timeout);
        try
        {
            using var socket = await ConnectAsync(socketPath, timeoutSource.Token).ConfigureAwait(false);

            var codePage = ConsoleCodePage.OfThisProcess() is { } number
                ? $"{ConsoleCodePage.Header}: {number.ToString(CultureInfo.InvariantCulture)}\r\n"
                : "";
            var request = Encoding.ASCII.GetBytes(
                "POST /v1/redeem HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + ticket
                + "\r\n" + codePage + "Content-Length: 0\r\nConnection: close\r\n\r\n");
            await socket.SendAsync(request, SocketFlags.None, timeoutSource.Token).ConfigureAwait(false);

            var response = await ReadToEndAsync(socket, timeoutSource.Token).ConfigureAwait(false);
            return Parse(response);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return RedeemResult.Failure(RedeemFailure.Unavailable,
                $"the secret-mcp server did not answer within {timeout.TotalSeconds:0} seconds");
        }
        catch (SocketException e)
        {
            return RedeemResult.Failure(RedeemFailure.Ticket,
                $"cannot reach the secret-mcp server that issued this ticket ({e.SocketErrorCode}); ask for a new one");
        }
    }

    /// <summary>
    /// Connects, waiting out a full accept queue: on a Unix socket that answers EAGAIN at once
    /// instead of queueing the caller, which happens when many agent commands redeem together.
    /// </summary>
    private static async Task<Socket> ConnectAsync(string socketPath, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                var endpoint = new UnixDomainSocketEndPoint(socketPath);
                await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
                return socket;
            }
            catch (SocketException e) when (e.SocketErrorCode is SocketError.TryAgain or SocketError.WouldBlock
                && attempt < MaxConnectAttempts)
            {
                socket.Dispose();
                await Task.Delay(10, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }
    }

    private static async Task<byte[]> ReadToEndAsync(Socket socket, CancellationToken cancellationToken)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        while (true)
        {
            var memory = buffer.GetMemory(4096);
            var read = await socket.ReceiveAsync(memory, SocketFlags.None, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return buffer.WrittenSpan.ToArray();
            }

            buffer.Advance(read);
            if (buffer.WrittenCount > MaxResponseBytes)
            {
                throw new SocketException((int)SocketError.MessageSize);
            }
        }
    }

    /// <summary>Parses the broker's reply: status line, headers, then exactly Content-Length bytes.</summary>
    internal static RedeemResult Parse(ReadOnlySpan<byte> response)
    {
        var headerEnd = response.IndexOf("\r\n\r\n"u8);
        if (headerEnd < 0 || !response.StartsWith("HTTP/1.1 "u8) || response.Length < 12)
        {
            return RedeemResult.Failure(RedeemFailure.Unavailable, "the secret-mcp server sent a malformed answer");
        }

        var head = Encoding.ASCII.GetString(response[..headerEnd]);
        var body = response[(headerEnd + 4)..];
        var status = int.Parse(head.AsSpan(9, 3), NumberStyles.None, CultureInfo.InvariantCulture);

        var contentLength = -1;
        foreach (var line in head.Split("\r\n").Skip(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim().Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                contentLength = int.Parse(line[(colon + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
            }
        }

        if (contentLength < 0 || body.Length < contentLength)
        {
            return RedeemResult.Failure(RedeemFailure.Unavailable,
                "the secret-mcp server's answer was cut short; nothing was set");
        }

        body = body[..contentLength];
        if (status == 200)
        {
            return RedeemResult.Success(body.ToArray());
        }

        BrokerProblem? problem = null;
        try
        {
            problem = JsonSerializer.Deserialize(body, BrokerJsonContext.Default.BrokerProblem);
        }
        catch (JsonException)
        {
            // Reported below as an unexplained status.
        }

        var failure = problem?.Code switch
        {
            BrokerProblemCodes.AccessDenied or BrokerProblemCodes.SecretNotFound => RedeemFailure.AccessDenied,
            BrokerProblemCodes.NotSignedIn or BrokerProblemCodes.SecretServerMisconfigured => RedeemFailure.NotSignedIn,
            BrokerProblemCodes.SecretServerUnavailable => RedeemFailure.Unavailable,
            _ => RedeemFailure.Ticket,
        };
        var detail = problem is null ? $"the secret-mcp server answered HTTP {status}" : $"{problem.Detail} ({problem.Code})";
        return RedeemResult.Failure(failure, detail);
    }
}

public enum RedeemFailure
{
    None,
    Ticket,
    AccessDenied,
    NotSignedIn,
    Unavailable,
}

public sealed record RedeemResult(byte[]? Value, RedeemFailure Kind, string Error)
{
    public static RedeemResult Success(byte[] value) => new(value, RedeemFailure.None, "");

    public static RedeemResult Failure(RedeemFailure kind, string error) => new(null, kind, error);
}
