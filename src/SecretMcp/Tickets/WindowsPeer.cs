using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using System.Security.Principal;

namespace SecretMcp.Tickets;

/// <summary>
/// The peer check on Windows, where SO_PEERCRED does not exist: ask the AF_UNIX socket for the
/// peer's process id (SIO_AF_UNIX_GETPEERPID), then compare that process's user SID with ours.
/// Any step that fails answers null, and the caller refuses the connection.
/// </summary>
[SupportedOSPlatform("windows")]
internal static partial class WindowsPeer
{
    // _WSAIOR(IOC_VENDOR, 256) from afunix.h.
    private const int SioAfUnixGetPeerPid = 0x58000100;
    private const uint ProcessQueryLimitedInformation = 0x1000;
    private const uint TokenQuery = 0x0008;
    private const int TokenUserClass = 1;

    public static bool IsSameUser(Socket socket)
    {
        var peer = PeerSid(socket);
        var self = WindowsIdentity.GetCurrent().User;
        return peer is not null && self is not null && peer == self;
    }

    private static SecurityIdentifier? PeerSid(Socket socket)
    {
        var pid = new byte[4];
        try
        {
            if (socket.IOControl(SioAfUnixGetPeerPid, null, pid) < 4)
            {
                return null;
            }
        }
        catch (SocketException)
        {
            return null;
        }

        var process = OpenProcess(ProcessQueryLimitedInformation, false, BitConverter.ToUInt32(pid));
        if (process == IntPtr.Zero)
        {
            return null;
        }

        try
        {
            return SidOfProcess(process);
        }
        finally
        {
            CloseHandle(process);
        }
    }

    private static SecurityIdentifier? SidOfProcess(IntPtr process)
    {
        if (!OpenProcessToken(process, TokenQuery, out var token))
        {
            return null;
        }

        try
        {
            GetTokenInformation(token, TokenUserClass, IntPtr.Zero, 0, out var length);
            if (length == 0)
            {
                return null;
            }

            var buffer = Marshal.AllocHGlobal((int)length);
            try
            {
                // TOKEN_USER starts with SID_AND_ATTRIBUTES, whose first member points at the SID.
                return GetTokenInformation(token, TokenUserClass, buffer, length, out _)
                    ? new SecurityIdentifier(Marshal.ReadIntPtr(buffer))
                    : null;
            }
            finally
            {
                Marshal.FreeHGlobal(buffer);
            }
        }
        finally
        {
            CloseHandle(token);
        }
    }

    [LibraryImport("kernel32.dll", SetLastError = true)]
    private static partial IntPtr OpenProcess(uint access, [MarshalAs(UnmanagedType.Bool)] bool inherit, uint processId);

    [LibraryImport("kernel32.dll")]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool CloseHandle(IntPtr handle);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool OpenProcessToken(IntPtr process, uint access, out IntPtr token);

    [LibraryImport("advapi32.dll", SetLastError = true)]
    [return: MarshalAs(UnmanagedType.Bool)]
    private static partial bool GetTokenInformation(
        IntPtr token, int informationClass, IntPtr information, uint length, out uint returnLength);
}
