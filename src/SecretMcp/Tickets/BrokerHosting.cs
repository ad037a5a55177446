using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretMcp.Audit;

namespace SecretMcp.Tickets;

/// <summary>
/// How the broker listens: Kestrel on the instance's Unix socket, HTTP/1.1 only, small limits and
/// short timeouts, and every connection from another OS user dropped before a byte is read.
/// serve and the broker tests share this, so the tests exercise what ships.
/// </summary>
public static partial class BrokerHosting
{
    /// <summary>A connection that sends nothing is closed after this long.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(5);

    /// <summary>A request's headers must arrive within this long once it has started.</summary>
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(5);

    public const int MaxHeadersBytes = 8 * 1024;
    public const int MaxHeaderCount = 32;
    public const int MaxRequestLineBytes = 1024;
    public const int MaxBodyBytes = 1024;

    public static void Listen(KestrelServerOptions kestrel, BrokerInstance instance)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(instance);

        // The broker is tiny and local: a redeem request is one line and one header. Anything
        // bigger or slower is not a redeem, and must not hold the broker.
        kestrel.Limits.MaxRequestBodySize = MaxBodyBytes;
        kestrel.Limits.MaxRequestHeadersTotalSize = MaxHeadersBytes;
        kestrel.Limits.MaxRequestHeaderCount = MaxHeaderCount;
        kestrel.Limits.MaxRequestLineSize = MaxRequestLineBytes;
        kestrel.Limits.RequestHeadersTimeout = HeadersTimeout;
        kestrel.Limits.KeepAliveTimeout = IdleTimeout;
        kestrel.AddServerHeader = false;
        kestrel.ListenUnixSocket(instance.SocketPath, listen =>
        {
            listen.Protocols = HttpProtocols.Http1;
            listen.Use(next => RejectOtherUsers(next, listen.ApplicationServices));
        });
    }

    public static void MapRedeem(WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        var endpoint = app.Services.GetRequiredService<RedeemEndpoint>();
        app.MapPost("/v1/redeem", endpoint.HandleAsync);
    }

    /// <summary>
    /// After Kestrel has bound: the socket has the umask's mode, so it is set to 0600. The 0700
    /// folder already shielded it in between; this is the second wall.
    /// </summary>
    public static void Tighten(BrokerInstance instance)
    {
        ArgumentNullException.ThrowIfNull(instance);

        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(instance.SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
    }

    /// <summary>Drops any connection from another OS user before a byte of HTTP is read.</summary>
    private static ConnectionDelegate RejectOtherUsers(ConnectionDelegate next, IServiceProvider services)
    {
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BrokerHosting).FullName!);
        var audit = services.GetService<AuditTrail>();
        return async connection =>
        {
            var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
            if (!PeerCredentials.IsSameUser(socket))
            {
                var peer = Describe(socket);
                LogRejected(logger, connection.ConnectionId, peer);
                audit?.Record(new AuditEvent
                {
                    Kind = AuditEventKind.ConnectionRefused,
                    Code = BrokerProblemCodes.AccessDenied,
                    Detail = "peer " + peer,
                });
                connection.Abort(new ConnectionAbortedException("The peer is not the user who runs secret-mcp."));
                return;
            }

            await next(connection).ConfigureAwait(false);
        };
    }

    private static string Describe(System.Net.Sockets.Socket? socket)
    {
        if (socket is null)
        {
            return "unknown";
        }

        var uid = OperatingSystem.IsWindows() ? null : PeerCredentials.PeerUid(socket);
        var pid = PeerCredentials.PeerPid(socket);
        return string.Create(CultureInfo.InvariantCulture, $"uid {uid?.ToString(CultureInfo.InvariantCulture) ?? "?"} "
            + $"pid {pid?.ToString(CultureInfo.InvariantCulture) ?? "?"}");
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Dropped broker connection {ConnectionId} from another user ({Peer})")]
    private static partial void LogRejected(ILogger logger, string connectionId, string peer);
}
