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

    /// <summary>Interactive shells print prompts and job-control notes on stderr, so its lines are not counted.</summary>
    public bool StderrIsExact => Shell != TestShell.BashInteractive;

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
        var stdinFromFile = Shell is TestShell.BashInteractive or TestShell.Cmd;

        var start = new ProcessStartInfo(_program[0], [.. _program.Skip(1), .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = stdinFromFile,
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
        if (stdinFromFile)
        {
            await using (var input = File.OpenRead(path))
            {
                await input.CopyToAsync(process.StandardInput.BaseStream);
            }

            process.StandardInput.Close();
        }

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
