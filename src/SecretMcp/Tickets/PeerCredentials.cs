using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace SecretMcp.Tickets;

/// <summary>
/// Who is on the other end of a Unix socket. The broker accepts only its own user: the socket's
/// file mode is one wall, this check is the second.
/// </summary>
public static partial class PeerCredentials
{
    private const int SolSocket = 1;
    private const int SoPeerCred = 17;

    /// <summary>The peer's uid, or null when it cannot be told (then the caller refuses).</summary>
    public static uint? PeerUid(Socket socket)
    {
        if (OperatingSystem.IsLinux())
        {
            // struct ucred { pid_t pid; uid_t uid; gid_t gid; }
            Span<byte> credentials = stackalloc byte[12];
            var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
            return length < 12 ? null : MemoryMarshal.Read<uint>(credentials[4..]);
        }

        if (OperatingSystem.IsMacOS() || OperatingSystem.IsFreeBSD())
        {
            var fd = (int)socket.SafeHandle.DangerousGetHandle();
            return GetPeerEid(fd, out var uid, out _) == 0 ? uid : null;
        }

        return null;
    }

    /// <summary>The peer's pid at connect time on Linux, for the log only: access is decided on the uid.</summary>
    public static int? PeerPid(Socket socket)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        Span<byte> credentials = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, credentials);
        return length < 12 ? null : MemoryMarshal.Read<int>(credentials);
    }

    public static uint CurrentUid() => OperatingSystem.IsWindows() ? 0 : GetEuid();

    /// <summary>True when the peer runs as this process's user; false when that cannot be told.</summary>
    public static bool IsSameUser(Socket? socket)
    {
        if (socket is null)
        {
            return false;
        }

        if (OperatingSystem.IsWindows())
        {
            // Not run in CI (Linux): compiled on every build; the folder's ACL is the first wall.
            return WindowsPeer.IsSameUser(socket);
        }

        return PeerUid(socket) is { } uid && uid == GetEuid();
    }

    [LibraryImport("libc", EntryPoint = "geteuid")]
    private static partial uint GetEuid();

    [LibraryImport("libc", EntryPoint = "getpeereid")]
    private static partial int GetPeerEid(int socket, out uint euid, out uint egid);
}
