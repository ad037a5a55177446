namespace SecretMcp.Tickets;

/// <summary>
/// A folder only this OS user can enter: 0700 on Unix, an owner-only protected ACL on Windows.
/// The broker's sockets and the audit log live in such folders.
/// </summary>
public static class PrivateFolder
{
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Creates the folder and forces its protection every time: CreateDirectory leaves an existing
    /// folder alone, and changing the mode fails on a folder someone else owns, which is exactly
    /// the case where the folder must not be trusted.
    /// </summary>
    /// <exception cref="UnauthorizedAccessException">The folder belongs to someone else.</exception>
    /// <exception cref="IOException">The folder cannot be created.</exception>
    public static void Ensure(string folder)
    {
        if (OperatingSystem.IsWindows())
        {
            WindowsFolderAcl.MakePrivate(folder);
            return;
        }

        Directory.CreateDirectory(folder, OwnerOnly);
        File.SetUnixFileMode(folder, OwnerOnly);
    }
}
