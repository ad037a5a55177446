using System.ComponentModel;
using System.Diagnostics;

namespace SecretMcp.Cli;

/// <summary>
/// Opens the sign-in page in the user's browser: $BROWSER when set (as on most Unix systems),
/// else xdg-open, open or the Windows shell. The address is printed first, so it works even when
/// no browser opens.
/// </summary>
internal static class SystemBrowser
{
    /// <summary>Whether a browser can plausibly open here; without one, login uses a device code.</summary>
    public static bool CanOpen()
    {
        if (!string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("BROWSER")))
        {
            return true;
        }

        if (OperatingSystem.IsWindows() || OperatingSystem.IsMacOS())
        {
            return true;
        }

        var graphical = !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("DISPLAY"))
            || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable("WAYLAND_DISPLAY"));
        return graphical && FindOnPath("xdg-open") is not null;
    }

    public static Task OpenAsync(Uri address, CancellationToken cancellationToken)
    {
        Console.Error.WriteLine(
            "secret-mcp: opening your browser to sign in. If it does not open, visit this address:");
        Console.Error.WriteLine();
        Console.Error.WriteLine("    " + address.AbsoluteUri);
        Console.Error.WriteLine();

        try
        {
            using var process = Process.Start(StartInfo(address.AbsoluteUri));
        }
        catch (Exception e) when (e is Win32Exception or InvalidOperationException or FileNotFoundException)
        {
            Console.Error.WriteLine(
                $"secret-mcp: could not open a browser ({e.Message}); open the address above yourself.");
        }

        return Task.CompletedTask;
    }

    private static ProcessStartInfo StartInfo(string url)
    {
        // $BROWSER may list several commands separated by ':'; the first one is used, with %s as the URL.
        var browser = Environment.GetEnvironmentVariable("BROWSER")?.Split(':')[0].Trim();
        if (!string.IsNullOrEmpty(browser))
        {
            var parts = browser.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var arguments = parts.Skip(1).Select(a => a.Replace("%s", url, StringComparison.Ordinal)).ToList();
            if (!browser.Contains("%s", StringComparison.Ordinal))
            {
                arguments.Add(url);
            }

            return Quiet(new ProcessStartInfo(parts[0], arguments));
        }

        if (OperatingSystem.IsWindows())
        {
            return new ProcessStartInfo(url) { UseShellExecute = true };
        }

        return Quiet(new ProcessStartInfo(OperatingSystem.IsMacOS() ? "open" : "xdg-open", [url]));
    }

    /// <summary>A browser's own chatter must not land in the terminal between our lines.</summary>
    private static ProcessStartInfo Quiet(ProcessStartInfo start)
    {
        start.RedirectStandardOutput = false;
        start.RedirectStandardError = false;
        start.UseShellExecute = false;
        return start;
    }

    private static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(folder => Path.Combine(folder, name))
            .FirstOrDefault(File.Exists);
}
