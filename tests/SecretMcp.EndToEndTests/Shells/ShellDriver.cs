using System.Diagnostics;
using SecretMcp.Shells;

namespace SecretMcp.EndToEndTests.Shells;

/// <summary>
/// How the table test talks to one shell: the lines it writes around the generated snippets (status,
/// dump, preset), and how it starts the shell on a script. The dumper is a child process that
/// writes its whole environment (<c>env -0</c>), which proves the variable is exported and unmangled.
/// </summary>
public sealed class ShellDriver
{
    private readonly IReadOnlyList<string> _program;

    public ShellDriver(TestShell shell, IReadOnlyList<string> program, string dumper)
    {
        Shell = shell;
        _program = program;
        Dumper = dumper;
    }

    public TestShell Shell { get; }

    public string Dumper { get; }

    /// <summary>The shell the tool is asked for.</summary>
    public ShellKind Kind => Shell switch
    {
        TestShell.Bash or TestShell.BashInteractive => ShellKind.Bash,
        TestShell.Zsh => ShellKind.Zsh,
        TestShell.Sh => ShellKind.Sh,
        TestShell.Fish => ShellKind.Fish,
        TestShell.Pwsh => ShellKind.Pwsh,
        TestShell.PowerShell51 => ShellKind.PowerShell,
        _ => ShellKind.Cmd,
    };

    public bool IsCmd => Shell == TestShell.Cmd;

    public bool IsPowerShell => Kind is ShellKind.Pwsh or ShellKind.PowerShell;

    /// <summary>Wine's cmd decodes for /f output byte per character: ISO 8859-1 stands in for the console code page.</summary>
    public int? CodePage => IsCmd ? 28591 : null;

    /// <summary>
    /// Whether stderr holds exactly one line per failure in a script run. Interactive bash adds prompts
    /// and job-control notes; pwsh shows an error from a script file's later lines with its position.
    /// </summary>
    public bool StderrIsExact => Shell is not (TestShell.BashInteractive or TestShell.Pwsh or TestShell.PowerShell51);

    public string NewLine => IsCmd ? "\r\n" : "\n";

    public string Prelude => Shell switch
    {
        TestShell.Cmd => "@echo off",
        TestShell.Pwsh or TestShell.PowerShell51 => "$PSStyle.OutputRendering = 'PlainText'",
        // History expansion must really be on for the interactive run to prove anything.
        TestShell.BashInteractive => "set -o histexpand; case $- in *H*) echo '@@H on';; esac",
        _ => "",
    };

    /// <summary>A line that prints "@@&lt;tag&gt; &lt;status&gt;" for the snippet just run.</summary>
    public string Status(string tag) => Shell switch
    {
        TestShell.Fish => $"echo \"@@{tag} $status\"",
        TestShell.Pwsh or TestShell.PowerShell51 => $"\"@@{tag} $? $LASTEXITCODE\"",
        TestShell.Cmd => $"echo @@{tag} %ERRORLEVEL%",
        _ => $"echo \"@@{tag} $?\"",
    };

    /// <summary>Runs the dumper, writing the environment the shell passes to a child into the file.</summary>
    public string Dump(string file) => Shell switch
    {
        TestShell.Fish => $"{FishSnippets.Quote(Dumper)} {FishSnippets.Quote(file)}",
        TestShell.Pwsh or TestShell.PowerShell51 => $"& {PowerShellSnippets.Quote(Dumper)} {PowerShellSnippets.Quote(file)}",
        TestShell.Cmd => $"{Dumper} {file}",
        _ => $"{PosixSnippets.Quote(Dumper)} {PosixSnippets.Quote(file)}",
    };

    public string Preset(string variable, string value) => Shell switch
    {
        TestShell.Fish => $"set -gx {variable} {value}",
        TestShell.Pwsh or TestShell.PowerShell51 => $"$env:{variable} = '{value}'",
        TestShell.Cmd => $"set \"{variable}={value}\"",
        _ => $"{variable}={value}; export {variable}",
    };

    public string Tracing(bool on) => Shell switch
    {
        TestShell.Fish => on ? "set -g fish_trace 1" : "set -e fish_trace",
        TestShell.Pwsh or TestShell.PowerShell51 => on ? "Set-PSDebug -Trace 2" : "Set-PSDebug -Off",
        TestShell.Cmd => "rem no tracing in cmd",
        _ => on ? "set -x" : "set +x",
    };

    public string Script(IEnumerable<string> lines) =>
        string.Join(NewLine, new[] { Prelude }.Concat(lines)) + NewLine;

    /// <summary>Runs a script in the shell, from a file (or on stdin for the interactive and Wine runs).</summary>
    public async Task<ShellRun> RunAsync(Sandbox sandbox, string name, string script, IDictionary<string, string?> extra)
    {
        var extension = Shell switch
        {
            TestShell.Fish => ".fish",
            TestShell.Pwsh or TestShell.PowerShell51 => ".ps1",
            TestShell.Cmd => ".cmd",
            _ => ".sh",
        };
        var path = Path.Combine(sandbox.Root, name + extension);
        await File.WriteAllTextAsync(path, script);

        var arguments = Shell switch
        {
            TestShell.Bash => ["--norc", "--noprofile", path],
            TestShell.BashInteractive => ["--norc", "--noprofile", "-i"],
            TestShell.Zsh => ["-f", path],
            TestShell.Sh => [path],
            TestShell.Fish => ["--no-config", path],
            TestShell.Pwsh or TestShell.PowerShell51 => ["-NoProfile", "-NonInteractive", "-File", path],
            // Wine's cmd runs only the first line of a pipe, but every line of a file on stdin.
            TestShell.Cmd => ["cmd"],
            _ => Array.Empty<string>(),
        };
        // Wine's cmd reads only the first line from a pipe, so stdin must be the file itself.
        string[] argv = Shell is TestShell.BashInteractive or TestShell.Cmd
            ? ["/bin/sh", "-c", "f=$1; shift; exec \"$@\" < \"$f\"", "sh", path, .. _program, .. arguments]
            : [.. _program, .. arguments];
        return await StartAsync(sandbox, argv, extra);
    }

    /// <summary>
    /// PowerShell only: runs the text as <c>pwsh -Command</c>, as agents do. pwsh shows an error on one
    /// line when it comes from the command's first line, and with its position (several lines) otherwise.
    /// </summary>
    public Task<ShellRun> RunCommandAsync(Sandbox sandbox, string command, IDictionary<string, string?> extra) =>
        StartAsync(sandbox, [.. _program, "-NoProfile", "-NonInteractive", "-Command", Prelude + "; " + command], extra);

    private static async Task<ShellRun> StartAsync(Sandbox sandbox, string[] argv, IDictionary<string, string?> extra)
    {
        var start = new ProcessStartInfo(argv[0], argv[1..])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = sandbox.Root,
        };
        foreach (var (key, value) in sandbox.Environment.Concat(extra))
        {
            if (value is null)
            {
                start.Environment.Remove(key);
            }
            else
            {
                start.Environment[key] = value;
            }
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        try
        {
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(8));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new ShellRun(process.ExitCode, await stdout, await stderr);
    }
}
