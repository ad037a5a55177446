namespace SecretMcp.Tickets;

/// <summary>
/// One running serve: its id (the middle part of its tickets), its socket and the lock it holds for
/// its whole life. A lock that can be taken belongs to a dead process, so its leftovers are safe
/// to delete; a socket is never deleted just because connecting to it failed.
/// </summary>
public sealed class BrokerInstance : IDisposable
{
    private readonly FileStream? _lock;

    private BrokerInstance(string id, string folder, FileStream? heldLock)
    {
        Id = id;
        Folder = folder;
        _lock = heldLock;
    }

    public string Id { get; }

    public string Folder { get; }

    public string SocketPath => RuntimeFolder.SocketPath(Folder, Id);

    /// <summary>An instance with no folder or lock, for unit tests of the ticket store.</summary>
    public static BrokerInstance ForTesting(string? id = null) => new(id ?? TicketFormat.NewInstanceId(), "", null);

    public static BrokerInstance Claim(string folder)
    {
        RuntimeFolder.EnsurePrivate(folder);
        RemoveLeftovers(folder);

        var id = TicketFormat.NewInstanceId();
        var heldLock = new FileStream(
            RuntimeFolder.LockPath(folder, id), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
        if (!OperatingSystem.IsWindows())
        {
            // Owner-only like everything else in the folder; the lock holds nothing, but a tidy mode
            // makes a stray one stand out.
            File.SetUnixFileMode(heldLock.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }
        File.Delete(RuntimeFolder.SocketPath(folder, id));
        return new BrokerInstance(id, folder, heldLock);
    }

    public void Dispose()
    {
        if (_lock is null)
        {
            return;
        }

        _lock.Dispose();
        TryDelete(SocketPath);
        TryDelete(RuntimeFolder.LockPath(Folder, Id));
    }

    private static void RemoveLeftovers(string folder)
    {
        foreach (var lockPath in Directory.EnumerateFiles(folder, "*.lock"))
        {
            var instance = Path.GetFileNameWithoutExtension(lockPath);
            if (!TicketFormat.IsInstance(instance))
            {
                continue;
            }

            try
            {
                // Taking the lock proves its owner is gone: the kernel drops a lock with its process.
                using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    TryDelete(RuntimeFolder.SocketPath(folder, instance));
                }

                TryDelete(lockPath);
            }
            catch (IOException)
            {
                // A live serve holds it.
            }
        }
    }

    private static void TryDelete(string path)
    {
        try
        {
            File.Delete(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Best effort: a leftover file is cleaned up by the next start.
        }
    }
}
