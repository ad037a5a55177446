using System.Diagnostics;
using System.Text.RegularExpressions;

namespace SecretMcp.EndToEndTests.Shells;

/// <summary>
/// Wine's cmd does not wait for a Linux program it starts: FOR /F reads whatever the program wrote
/// by the time Wine considers it ended, which is at once (seen with the real redeem, and even with a
/// shell script that runs <c>sleep 0.5; printf</c>, or <c>cat</c>). So for cmd each ticket is redeemed
/// first by the real <c>secret-mcp redeem</c>, with the argv the snippet holds and the code page Wine
/// decodes with, and the snippet's tool path is swapped for a batch file that replays redeem's
/// stdout, stderr and exit code with <c>type</c>: a Windows process Wine does wait for. The cmd text
/// is otherwise run as generated; its argv is pinned by the unit tests.
/// </summary>
public sealed partial class WineReplay
{
    private readonly Sandbox _sandbox;
    private readonly IDictionary<string, string?> _environment;
    private readonly string _folder;

    public WineReplay(Sandbox sandbox, IDictionary<string, string?> environment)
    {
        _sandbox = sandbox;
        _environment = environment;
        _folder = Directory.CreateDirectory(Path.Combine(sandbox.Root, "replay")).FullName;
        Script = Path.Combine(_folder, "redeem.cmd");
        var windowsFolder = "Z:" + _folder.Replace('/', '\\');
        File.WriteAllText(Script, string.Join("\r\n",
            "@echo off",
            "set \"t=%~3\"",
            "if \"%~3\"==\"--inline\" set \"t=%~4\"",
            $"set \"d={windowsFolder}\"",
            "set \"n=1\"",
            "if exist \"%d%\\%t%.1.done\" set \"n=2\"",
            "echo.>\"%d%\\%t%.%n%.done\"",
            "type \"%d%\\%t%.%n%.out\"",
            "type \"%d%\\%t%.%n%.err\" 1>&2",
            "set /p rc=<\"%d%\\%t%.%n%.rc\"",
            "exit /b %rc%",
            ""));
    }

    public string Script { get; }

    /// <summary>Redeems the snippet's ticket <paramref name="uses"/> times and returns the snippet calling the stand-in.</summary>
    public async Task<string> PrepareAsync(string snippet, int uses = 1)
    {
        var ticket = TicketPattern().Match(snippet).Value;
        var variable = VariablePattern().Match(snippet).Groups[1].Value;
        string[] argv = snippet.Contains("\"--inline\"", StringComparison.Ordinal)
            ? ["redeem", $"--variable={variable}", "--inline", ticket]
            : ["redeem", $"--variable={variable}", ticket];

        for (var n = 1; n <= uses; n++)
        {
            var start = new ProcessStartInfo(Sandbox.ToolPath, argv)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                WorkingDirectory = _sandbox.Root,
            };
            foreach (var (key, value) in _sandbox.Environment.Concat(_environment))
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
            using var stdout = new MemoryStream();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.StandardOutput.BaseStream.CopyToAsync(stdout);
            await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(60));
            await File.WriteAllBytesAsync(Path.Combine(_folder, $"{ticket}.{n}.out"), stdout.ToArray());
            await File.WriteAllTextAsync(Path.Combine(_folder, $"{ticket}.{n}.err"), await stderr);
            await File.WriteAllTextAsync(Path.Combine(_folder, $"{ticket}.{n}.rc"), process.ExitCode.ToString(
                System.Globalization.CultureInfo.InvariantCulture));
        }

        return snippet.Replace($"\"{Sandbox.ToolPath}\"", $"\"Z:{Script.Replace('/', '\\')}\"", StringComparison.Ordinal);
    }

    [GeneratedRegex(@"smt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex TicketPattern();

    [GeneratedRegex(@"--variable=([A-Z0-9_]+)")]
    private static partial Regex VariablePattern();
}
