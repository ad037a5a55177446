namespace SecretMcp;

/// <summary>
/// Where a per-user folder of the tool lives: an explicit override, else the XDG base directory
/// the kind of data belongs to, else its conventional place under the home folder; on Windows under
/// %LOCALAPPDATA%. One rule for the runtime, state and cache folders, so they cannot drift apart.
/// </summary>
public static class UserFolders
{
    /// <param name="overrideVariable">An environment variable that names the folder outright, if any.</param>
    /// <param name="xdgVariable">The XDG variable for this kind of data, e.g. XDG_STATE_HOME.</param>
    /// <param name="homeRelative">The folder under the home folder when the XDG variable is not set.</param>
    /// <param name="windowsRelative">The folder under %LOCALAPPDATA% on Windows.</param>
    /// <returns>A rooted path, or null when the home folder cannot be told (the caller says what to set).</returns>
    public static string? Resolve(
        string? overrideVariable, string xdgVariable, string[] homeRelative, string[] windowsRelative)
    {
        var custom = overrideVariable is null ? null : Environment.GetEnvironmentVariable(overrideVariable);
        if (!string.IsNullOrEmpty(custom))
        {
            return Path.GetFullPath(custom);
        }

        // DoNotVerify: without it GetFolderPath answers "" when the folder does not exist yet.
        if (OperatingSystem.IsWindows())
        {
            var local = Environment.GetFolderPath(
                Environment.SpecialFolder.LocalApplicationData, Environment.SpecialFolderOption.DoNotVerify);
            return Path.IsPathRooted(local) ? Path.Combine([local, .. windowsRelative]) : null;
        }

        var xdg = Environment.GetEnvironmentVariable(xdgVariable);
        if (!string.IsNullOrEmpty(xdg) && Path.IsPathRooted(xdg))
        {
            return Path.Combine(xdg, "secret-mcp");
        }

        var home = Environment.GetFolderPath(
            Environment.SpecialFolder.UserProfile, Environment.SpecialFolderOption.DoNotVerify);
        return Path.IsPathRooted(home) ? Path.Combine([home, .. homeRelative]) : null;
    }
}
