using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using SecretMcp.Shells;

namespace SecretMcp.Hosting;

/// <summary>
/// Turns off the .NET runtime's diagnostic IPC socket for serve: through it, any process of the
/// same user can dump the broker's memory. The runtime reads DOTNET_EnableDiagnostics only from
/// the environment at start (runtimeconfig.json has no such knob), and agents start serve with
/// whatever environment they have, so serve replaces itself (execve: same pid, same stdio) with
/// the variable set before it has read any secret or token.
/// </summary>
public static partial class RuntimeDiagnostics
{
    public const string Variable = "DOTNET_EnableDiagnostics";

    /// <summary>Set to 1 to keep diagnostics on, for debugging serve itself.</summary>
    public const string AllowVariable = "SECRET_MCP_ALLOW_DIAGNOSTICS";

    /// <summary>
    /// Returns when diagnostics are already off, cannot be on (Native AOT builds carry no diagnostic
    /// server), are allowed on purpose, or the platform cannot replace a process (Windows);
    /// otherwise does not return. If execve fails, says so on stderr and carries on.
    /// </summary>
    public static void EnsureOff()
    {
        if (Environment.GetEnvironmentVariable(Variable) == "0"
            || Environment.GetEnvironmentVariable(AllowVariable) == "1"
            || !RuntimeFeature.IsDynamicCodeSupported
            || !(OperatingSystem.IsLinux() || OperatingSystem.IsMacOS()))
        {
            return;
        }

        // TODO(#6): Windows cannot exec in place; its diagnostic pipe stays until serve ships as Native AOT.
        var arguments = HelperCommand.Self().Concat(Environment.GetCommandLineArgs().Skip(1)).ToList();
        var environment = Environment.GetEnvironmentVariables().Keys.Cast<string>()
            .Where(name => name != Variable)
            .Select(name => $"{name}={Environment.GetEnvironmentVariable(name)}")
            .Append($"{Variable}=0")
            .ToList();

        // This incarnation's socket and debugger pipes would outlive it (the runtime removes them
        // only at a normal exit), and the next one has the same pid.
        RemoveOwnDiagnosticFiles();

        Execve(arguments[0], [.. arguments, null], [.. environment, null]);
        Console.Error.WriteLine(
            $"secret-mcp: could not restart with .NET diagnostics off (errno {Marshal.GetLastPInvokeError()}); "
            + $"set {Variable}=0 in the agent's MCP configuration.");
    }

    /// <summary>Removes the runtime's diagnostic socket and debugger pipes of this process, if any.</summary>
    public static void RemoveOwnDiagnosticFiles()
    {
        var pid = Environment.ProcessId;
        foreach (var pattern in new[] { $"dotnet-diagnostic-{pid}-*-socket", $"clr-debug-pipe-{pid}-*" })
        {
            foreach (var path in Directory.EnumerateFileSystemEntries(Path.GetTempPath(), pattern))
            {
                try
                {
                    File.Delete(path);
                }
                catch (Exception e) when (e is IOException or UnauthorizedAccessException)
                {
                    // Not ours after all, or already gone.
                }
            }
        }
    }

    [LibraryImport("libc", EntryPoint = "execve", StringMarshalling = StringMarshalling.Utf8, SetLastError = true)]
    private static partial int Execve(string path, string?[] argv, string?[] envp);
}
