using System.Net.Sockets;

namespace SecretMcp.EndToEndTests;

/// <summary>An HttpClient that talks to the broker's Unix socket, as any HTTP client could.</summary>
public static class UnixSocketHttp
{
    public static HttpClient Create(string socketPath, int maxConnections = int.MaxValue) =>
        new(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = maxConnections,
            ConnectCallback = async (_, cancellationToken) =>
            {
                // A full accept queue answers EAGAIN on a Unix socket (TCP would wait); like the
                // redeem helper, try again shortly.
                for (var attempt = 0; ; attempt++)
                {
                    var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                    try
                    {
                        await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                        return new NetworkStream(socket, ownsSocket: true);
                    }
                    catch (SocketException e) when (e.SocketErrorCode is SocketError.TryAgain or SocketError.WouldBlock
                        && attempt < 500)
                    {
                        socket.Dispose();
                        await Task.Delay(10, cancellationToken);
                    }
                    catch
                    {
                        socket.Dispose();
                        throw;
                    }
                }
            },
        })
        {
            BaseAddress = new Uri("http://localhost"),
            Timeout = TimeSpan.FromSeconds(60),
        };

    public static HttpRequestMessage Redeem(string ticket)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/v1/redeem");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ticket);
        return request;
    }

    /// <summary>The problem code of a refusal, or "200" for a value.</summary>
    public static async Task<string> CodeOfAsync(HttpResponseMessage response)
    {
        if (response.IsSuccessStatusCode)
        {
            return "200";
        }

        response.Content.Headers.ContentType?.MediaType.Should().Be("application/problem+json");
        using var problem = System.Text.Json.JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return problem.RootElement.GetProperty("code").GetString()!;
    }
}
