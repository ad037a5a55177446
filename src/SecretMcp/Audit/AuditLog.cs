using System.Security.Cryptography;
using System.Text.Json;
using SecretMcp.Tickets;

namespace SecretMcp.Audit;

/// <summary>
/// The append-only, hash-chained JSON-lines file. Several serve processes (one per agent window)
/// append to the same file, so each append holds an exclusive lock on it while it reads the last
/// line, chains to it and writes. A small head file beside the log records the last event, so
/// lines cut from the end are noticed too.
/// </summary>
public sealed class AuditLog
{
    public const string FileName = "audit.jsonl";
    public const string HeadFileName = "audit.head";

    public static readonly string GenesisHash = new('0', 64);

    /// <summary>A line is a few hundred bytes; the tail read to find the last one is generous.</summary>
    private const int TailBytes = 64 * 1024;

    private static readonly TimeSpan s_lockWait = TimeSpan.FromSeconds(5);

    private readonly Lock _gate = new();

    public AuditLog(string folder)
    {
        Folder = folder;
        Path = System.IO.Path.Combine(folder, FileName);
        HeadPath = System.IO.Path.Combine(folder, HeadFileName);
    }

    public string Folder { get; }

    public string Path { get; }

    public string HeadPath { get; }

    /// <summary>Chains <paramref name="record"/> to the last line and appends it; sets its Seq and Prev.</summary>
    /// <exception cref="IOException">The log could not be written (also for a lock not granted in time).</exception>
    /// <exception cref="UnauthorizedAccessException">The folder or file is not this user's.</exception>
    public void Append(AuditRecord record)
    {
        ArgumentNullException.ThrowIfNull(record);

        lock (_gate)
        {
            PrivateFolder.Ensure(Folder);
            using var file = OpenLocked(Path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
            if (!OperatingSystem.IsWindows())
            {
                // A file made by hand or by an older version may be readable by others.
                File.SetUnixFileMode(file.SafeFileHandle, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            var (last, endsWithNewline) = ReadLastLine(file);
            record.Seq = (last is null ? 0 : SeqOf(last) ?? ReadHead()?.Seq ?? 0) + 1;
            record.Prev = last is null ? GenesisHash : HashOf(last);

            var line = JsonSerializer.SerializeToUtf8Bytes(record, AuditJsonContext.Default.AuditRecord);
            file.Seek(0, SeekOrigin.End);
            if (!endsWithNewline)
            {
                // A line cut short by a crash stays as it is (verify reports it); ours starts fresh.
                file.WriteByte((byte)'\n');
            }

            file.Write(line);
            file.WriteByte((byte)'\n');
            file.Flush(flushToDisk: true);
            WriteHead(new AuditHead(record.Seq, HashOf(line)));
        }
    }

    /// <summary>The head as last written, or null when there is none (or it cannot be read).</summary>
    public AuditHead? ReadHead()
    {
        try
        {
            return JsonSerializer.Deserialize(File.ReadAllBytes(HeadPath), AuditJsonContext.Default.AuditHead);
        }
        catch (Exception e) when (e is IOException or JsonException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>Every line of the log as written, without its newline; empty when there is no log.</summary>
    public IReadOnlyList<byte[]> ReadLines()
    {
        if (!File.Exists(Path))
        {
            return [];
        }

        // A shared lock: waits out an append in progress, so the last line is never half read.
        using var file = OpenLocked(Path, FileMode.Open, FileAccess.Read, FileShare.Read);
        using var memory = new MemoryStream();
        file.CopyTo(memory);
        var lines = new List<byte[]>();
        var rest = memory.GetBuffer().AsSpan(0, (int)memory.Length);
        while (rest.Length > 0)
        {
            var end = rest.IndexOf((byte)'\n');
            lines.Add((end < 0 ? rest : rest[..end]).ToArray());
            rest = end < 0 ? [] : rest[(end + 1)..];
        }

        return lines;
    }

    public static string HashOf(ReadOnlySpan<byte> line) => Convert.ToHexStringLower(SHA256.HashData(line));

    internal static long? SeqOf(ReadOnlySpan<byte> line)
    {
        try
        {
            return JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditRecord)?.Seq;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private void WriteHead(AuditHead head)
    {
        // Write then rename: a reader sees the old head or the new one, never half of one.
        var temporary = HeadPath + ".tmp";
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        using (var stream = new FileStream(temporary, options))
        {
            JsonSerializer.Serialize(stream, head, AuditJsonContext.Default.AuditHead);
        }

        File.Move(temporary, HeadPath, overwrite: true);
    }

    private static (byte[]? Line, bool EndsWithNewline) ReadLastLine(FileStream file)
    {
        if (file.Length == 0)
        {
            return (null, true);
        }

        var length = (int)Math.Min(file.Length, TailBytes);
        var tail = new byte[length];
        file.Seek(-length, SeekOrigin.End);
        file.ReadExactly(tail);

        var endsWithNewline = tail[^1] == (byte)'\n';
        var content = endsWithNewline ? tail.AsSpan(0, length - 1) : tail.AsSpan();
        var start = content.LastIndexOf((byte)'\n') + 1;
        return (content[start..].ToArray(), endsWithNewline);
    }

    private static FileStream OpenLocked(string path, FileMode mode, FileAccess access, FileShare share)
    {
        var options = new FileStreamOptions { Mode = mode, Access = access, Share = share };
        if (!OperatingSystem.IsWindows() && mode != FileMode.Open)
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        // FileShare.None is an exclusive flock on Unix and a sharing mode on Windows; either way a
        // second writer gets an IOException at once, so wait for the other append to finish.
        var deadline = Environment.TickCount64 + (long)s_lockWait.TotalMilliseconds;
        while (true)
        {
            try
            {
                return new FileStream(path, options);
            }
            catch (IOException) when (Environment.TickCount64 < deadline && File.Exists(path))
            {
                Thread.Sleep(5);
            }
        }
    }
}
