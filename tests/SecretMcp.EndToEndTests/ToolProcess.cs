using System.Collections.Concurrent;
using System.Diagnostics;

namespace SecretMcp.EndToEndTests;

/// <summary>The real tool run as a command (login, status, logout) in a sandbox; output captured as it comes.</summary>
public sealed class ToolProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ToolProcess(Process process)
    {
        _process = process;
    }

    public string Stdout => string.Join('\n', _stdout);

    public string Stderr => string.Join('\n', _stderr);

    public static ToolProcess Start(Sandbox sandbox, params string[] arguments)
    {
        var start = new ProcessStartInfo(Sandbox.ToolPath, arguments)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = sandbox.Root,
        };
        foreach (var (key, value) in sandbox.Environment)
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

        var process = new Process { StartInfo = start };
        var tool = new ToolProcess(process);
        process.OutputDataReceived += (_, e) => tool.Collect(e.Data, tool._stdout, tool._stdoutClosed);
        process.ErrorDataReceived += (_, e) => tool.Collect(e.Data, tool._stderr, tool._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return tool;
    }

    /// <summary>Runs the command to its end with nothing (or <paramref name="input"/>) on stdin.</summary>
    public static async Task<ToolProcess> RunAsync(Sandbox sandbox, string? input, params string[] arguments)
    {
        var tool = Start(sandbox, arguments);
        if (input is not null)
        {
            await tool._process.StandardInput.WriteAsync(input);
        }

        tool._process.StandardInput.Close();
        await tool.WaitAsync();
        return tool;
    }

    public int ExitCode => _process.ExitCode;

    public void CloseInput() => _process.StandardInput.Close();

    /// <summary>Waits for a stderr line matching <paramref name="match"/>, failing after a timeout.</summary>
    public async Task<string> WaitForStderrAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(60));
        while (DateTime.UtcNow < deadline)
        {
            if (_stderr.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited && _stderrClosed.Task.IsCompleted)
            {
                break;
            }

            await Task.Delay(50);
        }

        throw new TimeoutException($"The tool did not print the expected line. stderr so far:\n{Stderr}");
    }

    public async Task WaitAsync(TimeSpan? timeout = null)
    {
        try
        {
            await _process.WaitForExitAsync().WaitAsync(timeout ?? TimeSpan.FromSeconds(90));
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(TimeSpan.FromSeconds(10));
        }
        catch (TimeoutException)
        {
            _process.Kill(entireProcessTree: true);
            throw new TimeoutException($"The tool did not finish in time. stderr:\n{Stderr}");
        }
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private void Collect(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }
    }
}
