namespace SecretMcp.EndToEndTests.Shells;

/// <summary>The shells a test can run in, and the programs that stand for them on Linux.</summary>
public enum TestShell
{
    Bash,
    BashInteractive,
    Zsh,
    Sh,
    Fish,
    Pwsh,
    /// <summary>The Windows PowerShell 5.1 snippets (no ArgumentList), run by pwsh 7: 5.1 is Windows-only.</summary>
    PowerShell51,
    /// <summary>cmd.exe as Wine runs it: not Microsoft's cmd (docs/shells.md lists the differences).</summary>
    Cmd,
}

/// <summary>
/// Finds the shells on this machine. pwsh may be on PATH or the repository's local dotnet tool
/// (.config/dotnet-tools.json, restored by test.sh); cmd needs Wine.
/// </summary>
public static class InstalledShells
{
    /// <summary>Set by CI: a missing shell fails its tests instead of skipping them.</summary>
    public const string RequireAllVariable = "SECRET_MCP_REQUIRE_ALL_SHELLS";

    public static bool RequireAll => Environment.GetEnvironmentVariable(RequireAllVariable) is "1" or "true";

    /// <summary>The argv that starts the shell's program, or null with the reason it is missing.</summary>
    public static (IReadOnlyList<string>? Argv, string Missing) Find(TestShell shell) => shell switch
    {
        TestShell.Bash or TestShell.BashInteractive => OnPath("bash", "bash"),
        TestShell.Zsh => OnPath("zsh", "zsh (apt-get install zsh)"),
        TestShell.Sh => OnPath("dash", "dash (apt-get install dash)"),
        TestShell.Fish => OnPath("fish", "fish (apt-get install fish)"),
        TestShell.Pwsh or TestShell.PowerShell51 => Pwsh(),
        TestShell.Cmd => OnPath("wine", "wine, for cmd (apt-get install wine)"),
        _ => (null, shell.ToString()),
    };

    public static string? SkipReason(TestShell shell) =>
        Find(shell).Argv is null && !RequireAll
            ? $"{Find(shell).Missing} is not installed; CI installs it (.ci/run), and {RequireAllVariable}=1 "
                + "turns this skip into a failure"
            : null;

    /// <summary>The repository root (where SecretMcp.sln is).</summary>
    public static string RepositoryRoot
    {
        get
        {
            var folder = new DirectoryInfo(AppContext.BaseDirectory);
            while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "SecretMcp.sln")))
            {
                folder = folder.Parent;
            }

            return folder?.FullName ?? throw new InvalidOperationException("SecretMcp.sln not found above the tests.");
        }
    }

    private static (IReadOnlyList<string>?, string) OnPath(string program, string missing)
    {
        foreach (var folder in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = Path.Combine(folder, program);
            if (File.Exists(path))
            {
                return ([path], missing);
            }
        }

        return (null, missing);
    }

    private static (IReadOnlyList<string>?, string) Pwsh()
    {
        const string Missing = "pwsh (PowerShell 7.6.10; 'dotnet tool restore' in the repository)";
        if (OnPath("pwsh", Missing).Item1 is { } onPath)
        {
            return (onPath, Missing);
        }

        // The local tool: its package sits in the NuGet packages folder once 'dotnet tool restore' ran.
        var manifest = File.ReadAllText(Path.Combine(RepositoryRoot, ".config", "dotnet-tools.json"));
        var version = System.Text.Json.JsonDocument.Parse(manifest).RootElement
            .GetProperty("tools").GetProperty("powershell").GetProperty("version").GetString()!;
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var tools = Path.Combine(packages, "powershell", version, "tools");
        var dll = Directory.Exists(tools)
            ? Directory.EnumerateFiles(tools, "pwsh.dll", SearchOption.AllDirectories)
                .FirstOrDefault(p => p.Contains($"{Path.DirectorySeparatorChar}unix{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            : null;
        return dll is null ? (null, Missing) : (["dotnet", dll], Missing);
    }
}

/// <summary>A fact that needs a shell: skipped with a visible reason where it is missing, failed in CI.</summary>
public sealed class ShellFactAttribute : FactAttribute
{
    public ShellFactAttribute(TestShell shell)
    {
        Skip = InstalledShells.SkipReason(shell);
    }
}
