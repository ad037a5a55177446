using System.Text;
using System.Text.RegularExpressions;
using SecretMcp.Shells;
using Xunit.Abstractions;

namespace SecretMcp.EndToEndTests.Shells;

/// <summary>
/// Every form of every generator, run in the real shell with the value served by the dev vault
/// through the real tool and a real MCP client: the variable's bytes, as a child process sees them,
/// must equal the seed, or the value must be refused whole (variable unset, non-zero status, one
/// line on stderr). One shell process runs the whole table, so each shell costs a few seconds.
/// </summary>
public sealed partial class ShellTableTests : IDisposable
{
    private readonly Sandbox _sandbox = new();
    private readonly ITestOutputHelper _output;

    public ShellTableTests(ITestOutputHelper output)
    {
        _output = output;

        // The table mints two tickets per value before running any: more than the default cap of
        // unused tickets per session allows.
        _sandbox.SetEnvironment("SECRET_MCP__Tickets__MaxOutstandingPerSession", "400");
    }

    public void Dispose() => _sandbox.Dispose();

    [ShellFact(TestShell.Bash)]
    public Task Bash_script() => RunTableAsync(TestShell.Bash);

    [ShellFact(TestShell.BashInteractive)]
    public Task Bash_interactive_with_history_expansion() => RunTableAsync(TestShell.BashInteractive);

    [ShellFact(TestShell.Zsh)]
    public Task Zsh() => RunTableAsync(TestShell.Zsh);

    [ShellFact(TestShell.Sh)]
    public Task Sh_dash() => RunTableAsync(TestShell.Sh);

    [ShellFact(TestShell.Fish)]
    public Task Fish() => RunTableAsync(TestShell.Fish);

    [ShellFact(TestShell.Pwsh)]
    public Task Pwsh() => RunTableAsync(TestShell.Pwsh);

    [ShellFact(TestShell.PowerShell51)]
    public Task PowerShell_51_snippets_run_by_pwsh() => RunTableAsync(TestShell.PowerShell51);

    [ShellFact(TestShell.Cmd)]
    public Task Cmd_under_wine() => RunTableAsync(TestShell.Cmd);

    [Fact]
    public async Task Cmd_is_refused_a_notes_or_file_field_before_a_ticket_is_minted()
    {
        await using var session = await ToolSession.StartWithSeedAsync(_sandbox, TableValues.SeedJson());

        foreach (var field in new[] { "notes", "private-key" })
        {
            var result = await session.CallAsync("get_secret_environment_variable",
                new() { ["secret"] = "table/ssh", ["shell"] = "cmd", ["field"] = field, ["variable"] = "SSH_X" });

            result.IsError.Should().BeTrue();
            ToolSession.TextOf(result).Should().Contain("cmd variable holds one line").And.Contain("pwsh")
                .And.Contain("Nothing was issued");
        }

        var pwsh = await session.CallAsync("get_secret_environment_variable",
            new() { ["secret"] = "table/ssh", ["shell"] = "pwsh", ["field"] = "notes", ["variable"] = "SSH_X" });
        pwsh.IsError.Should().NotBe(true, "pwsh can hold a multi-line value");

        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = "cmd" });
        ToolSession.StructuredOf(cleanup).GetProperty("variables").EnumerateArray().Select(v => v.GetString())
            .Should().Equal(["SSH_X"], "only the pwsh request minted a ticket");
    }

    private async Task RunTableAsync(TestShell shell)
    {
        var (program, missing) = InstalledShells.Find(shell);
        program.Should().NotBeNull($"{missing} must be installed when {InstalledShells.RequireAllVariable}=1");

        // Wine's cmd only runs a program whose name has an extension, as on Windows.
        var dumper = Path.Combine(_sandbox.Root, "dump.sh");
        await File.WriteAllTextAsync(dumper, "#!/bin/sh\nexec env -0 > \"$1\"\n");
        File.SetUnixFileMode(dumper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var driver = new ShellDriver(shell, program!, dumper);
        var environment = ExtraEnvironment(driver);
        var outputs = Directory.CreateDirectory(Path.Combine(_sandbox.Root, "out")).FullName;
        var checks = new Checks(shell.ToString());

        await using var session = await ToolSession.StartWithSeedAsync(_sandbox, TableValues.SeedJson());
        var replay = driver.IsCmd ? new WineReplay(_sandbox, environment) : null;

        // Mint one export and one inline ticket per value, through the MCP tool as an agent would.
        var rows = new List<Row>();
        foreach (var value in TableValues.All)
        {
            var refusal = value.IsFile && driver.IsCmd
                ? "refused before minting"
                : ValueLimits.TryFormat(driver.Kind, value.Bytes, driver.CodePage, windows: false, out _);
            var export = await MintAsync(session, value, driver, "export");
            var inline = await MintAsync(session, value, driver, "inline");
            if (export is null || inline is null)
            {
                checks.Expect(refusal == "refused before minting", value, "minting",
                    "the tool refused to mint although the value is deliverable");
                continue;
            }

            rows.Add(replay is null
                ? new Row(value, refusal, export, inline)
                : new Row(value, refusal, await replay.PrepareAsync(export), await replay.PrepareAsync(inline)));
        }

        var script = new List<string>();
        foreach (var row in rows)
        {
            script.Add(row.Export);
            script.Add(driver.Status($"E{row.Value.Index}"));
            script.Add(driver.Dump(Path.Combine(outputs, $"e{row.Value.Index}")));
        }

        script.Add(SnippetFactory.Unset(driver.Kind, rows.Select(r => r.Value.Variable).ToList()));
        script.Add(driver.Dump(Path.Combine(outputs, "unset")));
        foreach (var row in rows)
        {
            var i = row.Value.Index;
            if (!driver.IsCmd && i % 2 == 0)
            {
                script.Add(driver.Preset(row.Value.Variable, $"PREV{i}"));
            }

            script.Add(row.Inline.Replace(InlinePlaceholder.Command, driver.Dump(Path.Combine(outputs, $"i{i}")),
                StringComparison.Ordinal));
            script.Add(driver.Status($"I{i}"));
            script.Add(driver.Dump(Path.Combine(outputs, $"r{i}")));
        }

        var run = await driver.RunAsync(_sandbox, "table", driver.Script(script), environment);
        _output.WriteLine($"{shell}: exit {run.Code}; stderr:\n{run.Stderr}");
        var statuses = ParseStatuses(run.Stdout);
        if (shell == TestShell.BashInteractive)
        {
            run.Stdout.Should().Contain("@@H on", "history expansion must be on in the interactive run");
        }

        var unset = ReadDump(Path.Combine(outputs, "unset"));
        var refusedForms = 0;
        foreach (var row in rows)
        {
            var (value, refusal) = (row.Value, row.Refusal);
            var i = value.Index;
            var exported = ReadDump(Path.Combine(outputs, $"e{i}")).GetValueOrDefault(value.Variable);
            var inlined = File.Exists(Path.Combine(outputs, $"i{i}"))
                ? ReadDump(Path.Combine(outputs, $"i{i}")).GetValueOrDefault(value.Variable)
                : null;
            var ranInline = File.Exists(Path.Combine(outputs, $"i{i}"));
            var after = ReadDump(Path.Combine(outputs, $"r{i}")).GetValueOrDefault(value.Variable);
            var exportStatus = statuses.GetValueOrDefault($"E{i}", "missing");
            var inlineStatus = statuses.GetValueOrDefault($"I{i}", "missing");

            if (refusal is null)
            {
                var expected = value.Bytes;
                if (driver.IsCmd && value.Bytes.Contains((byte)'%'))
                {
                    // Wine expands %VAR% inside FOR values; Microsoft's cmd does not (docs/shells.md).
                    checks.Expect(exported is not null, value, "export (wine: defined)", "not set");
                    checks.Expect(inlined is not null, value, "inline (wine: defined)", "not set");
                }
                else
                {
                    checks.Expect(exported is not null && exported.AsSpan().SequenceEqual(expected), value, "export",
                        $"got {Describe(exported)}, expected {Describe(expected)}");
                    checks.Expect(inlined is not null && inlined.AsSpan().SequenceEqual(expected), value, "inline",
                        $"got {Describe(inlined)}, expected {Describe(expected)}");
                }

                checks.Expect(IsSuccess(driver, exportStatus, inline: false), value, "export status", exportStatus);
                checks.Expect(IsSuccess(driver, inlineStatus, inline: true), value, "inline status", inlineStatus);
            }
            else
            {
                refusedForms += 2;
                checks.Expect(exported is null, value, "export refused: unset", $"set to {Describe(exported)}");
                checks.Expect(!ranInline, value, "inline refused: command not run", "the command ran");
                checks.Expect(!IsSuccess(driver, exportStatus, inline: false), value, "export refused: status",
                    exportStatus);
                if (!driver.IsCmd)
                {
                    // Wine's cmd skips the rest of a line after a FOR that ran zero times, exit /b included.
                    checks.Expect(!IsSuccess(driver, inlineStatus, inline: true), value, "inline refused: status",
                        inlineStatus);
                }
            }

            checks.Expect(!unset.ContainsKey(value.Variable), value, "unset", "still set");
            if (!driver.IsCmd)
            {
                var previous = i % 2 == 0 ? Encoding.ASCII.GetBytes($"PREV{i}") : null;
                checks.Expect(previous is null ? after is null : after is not null && after.SequenceEqual(previous),
                    value, "inline leaves the caller's variable as it was", $"got {Describe(after)}");
            }
        }

        if (driver.IsPowerShell)
        {
            // Each error record starts with "secret-mcp: "; from a script file pwsh adds its position.
            var errors = StderrLines(run.Stderr).Count(l => l.StartsWith("secret-mcp: ", StringComparison.Ordinal));
            checks.Expect(errors == refusedForms, null, "one error per refused form", $"{errors} for {refusedForms}");
        }

        if (driver.StderrIsExact)
        {
            var lines = StderrLines(run.Stderr);
            checks.Expect(lines.Count == refusedForms && lines.All(l => l.StartsWith("secret-mcp: ", StringComparison.Ordinal)),
                null, "one stderr line per refused form", $"{lines.Count} lines for {refusedForms} refused forms");
            checks.Expect(lines.All(l => l.Contains("value_not_representable", StringComparison.Ordinal)
                    || l.Contains("is unset", StringComparison.Ordinal) || l.Contains("not run", StringComparison.Ordinal)),
                null, "refusals name the reason", string.Join(" | ", lines));
        }

        // Nothing of a value reaches stdout or the MCP transcript.
        checks.Expect(!run.Stdout.Contains(Canary.Marker, StringComparison.Ordinal), null, "no value on stdout", "leaked");
        checks.Expect(!run.Stderr.Contains(Canary.Marker, StringComparison.Ordinal), null, "no value on stderr", "leaked");
        var transcript = await File.ReadAllTextAsync(session.TranscriptPath);
        checks.Expect(!transcript.Contains(Canary.Marker, StringComparison.Ordinal), null, "no value in the transcript",
            "leaked");

        // The cleanup tool hands out the very unset snippet the table ran.
        var cleanup = await session.CallAsync("cleanup", new() { ["shell"] = driver.Kind.Name() });
        checks.Expect(ToolSession.StructuredOf(cleanup).GetProperty("snippet").GetString()
                == SnippetFactory.Unset(driver.Kind, rows.Select(r => r.Value.Variable).Order(StringComparer.Ordinal).ToList()),
            null, "cleanup's snippet", "differs from the one the table ran");

        await RunFailuresAsync(session, driver, environment, outputs, checks, replay);

        _output.WriteLine(checks.Summary());
        checks.Failures.Should().BeEmpty(checks.Summary());
    }

    /// <summary>
    /// Used and unknown tickets: the variable ends unset (not the old value), the status is non-zero,
    /// stderr has one line per failure, and the inline form does not run its command.
    /// </summary>
    private async Task RunFailuresAsync(
        ToolSession session, ShellDriver driver, IDictionary<string, string?> environment, string outputs, Checks checks,
        WineReplay? replay)
    {
        var plain = TableValues.ByLabel("plain");
        var export = (await MintAsync(session, plain, driver, "export"))!;
        var inline = (await MintAsync(session, plain, driver, "inline"))!;
        var ticket = TicketPattern().Match(export).Value;
        var forged = export.Replace(ticket, ticket[..ticket.LastIndexOf('.')] + "." + new string('A', 43), StringComparison.Ordinal);
        if (replay is not null)
        {
            export = await replay.PrepareAsync(export, uses: 2);
            inline = await replay.PrepareAsync(inline, uses: 2);
            forged = await replay.PrepareAsync(forged);
        }

        var firstInline = inline.Replace(InlinePlaceholder.Command, driver.Dump(Path.Combine(outputs, "f0")), StringComparison.Ordinal);

        var first = await driver.RunAsync(_sandbox, "first", driver.Script(
            [export, driver.Status("F1"), firstInline, driver.Status("F2")]), environment);
        checks.Expect(StderrLines(first.Stderr).Count == 0 || !driver.StderrIsExact, null, "first use is quiet", first.Stderr);

        string[][] steps =
        [
            [driver.Preset(plain.Variable, "OLD"), export, driver.Status("F3"), driver.Dump(Path.Combine(outputs, "f3"))],
            [inline.Replace(InlinePlaceholder.Command, driver.Dump(Path.Combine(outputs, "f4")), StringComparison.Ordinal),
                driver.Status("F4")],
            [driver.Preset(plain.Variable, "OLD"), forged, driver.Status("F5"), driver.Dump(Path.Combine(outputs, "f5"))],
        ];
        ShellRun second;
        if (driver.IsPowerShell)
        {
            // As an agent runs it: pwsh -Command with the snippet on the first line shows one line per error.
            var runs = new List<ShellRun>();
            foreach (var step in steps)
            {
                runs.Add(await driver.RunCommandAsync(_sandbox, string.Join("; ", step), environment));
            }

            second = new ShellRun(runs[^1].Code, string.Concat(runs.Select(r => r.Stdout)),
                string.Concat(runs.Select(r => r.Stderr)));
        }
        else
        {
            second = await driver.RunAsync(_sandbox, "again", driver.Script(steps.SelectMany(s => s)), environment);
        }
        _output.WriteLine($"{driver.Shell} failures: stdout:\n{second.Stdout}\nstderr:\n{second.Stderr}");
        var statuses = ParseStatuses(second.Stdout);

        checks.Expect(ReadDump(Path.Combine(outputs, "f0")).ContainsKey(plain.Variable), null, "first inline ran", "");
        checks.Expect(!ReadDump(Path.Combine(outputs, "f3")).ContainsKey(plain.Variable), null,
            "used ticket: variable unset", "still set");
        checks.Expect(!IsSuccess(driver, statuses.GetValueOrDefault("F3", "missing"), inline: false), null,
            "used ticket: status", statuses.GetValueOrDefault("F3", "missing"));
        checks.Expect(!File.Exists(Path.Combine(outputs, "f4")), null, "used inline ticket: command not run", "it ran");
        checks.Expect(!ReadDump(Path.Combine(outputs, "f5")).ContainsKey(plain.Variable), null,
            "unknown ticket: variable unset", "still set");
        checks.Expect(!IsSuccess(driver, statuses.GetValueOrDefault("F5", "missing"), inline: false), null,
            "unknown ticket: status", statuses.GetValueOrDefault("F5", "missing"));
        if (!driver.IsCmd)
        {
            checks.Expect(!IsSuccess(driver, statuses.GetValueOrDefault("F4", "missing"), inline: true), null,
                "used inline ticket: status", statuses.GetValueOrDefault("F4", "missing"));
        }

        if (driver.StderrIsExact || driver.IsPowerShell)
        {
            var lines = StderrLines(second.Stderr);
            checks.Expect(lines.Count == 3, null, "one stderr line per failure", $"{lines.Count} lines");
            checks.Expect(lines.Count == 3 && lines[0].Contains("ticket_used", StringComparison.Ordinal)
                    && lines[0].EndsWith($"{plain.Variable} is unset", StringComparison.Ordinal)
                    && lines[1].Contains("ticket_used", StringComparison.Ordinal)
                    && lines[1].EndsWith("the command was not run", StringComparison.Ordinal)
                    && lines[2].Contains("ticket_unknown", StringComparison.Ordinal),
                null, "failure lines say why and what happened", string.Join(" | ", lines));
        }

        if (driver.IsCmd)
        {
            return;
        }

        // Tracing would print the value: POSIX shells and fish refuse; PowerShell never assigns it to
        // a variable, so Set-PSDebug -Trace 2 shows no value.
        var canary = TableValues.ByLabel("canary");
        var traced = (await MintAsync(session, canary, driver, "export"))!;
        var trace = await driver.RunAsync(_sandbox, "trace", driver.Script(
            [driver.Tracing(on: true), traced, driver.Status("T1"), driver.Tracing(on: false),
                driver.Dump(Path.Combine(outputs, "t1"))]), environment);
        checks.Expect(!(trace.Stdout + trace.Stderr).Contains(Canary.Marker, StringComparison.Ordinal), null,
            "tracing prints no value", "the value was printed");
        if (!driver.IsPowerShell)
        {
            checks.Expect(trace.Stderr.Contains("would print the secret", StringComparison.Ordinal), null,
                "tracing is refused", trace.Stderr);
            checks.Expect(!ReadDump(Path.Combine(outputs, "t1")).ContainsKey(canary.Variable), null,
                "tracing: variable unset", "set");
        }
    }

    private static async Task<string?> MintAsync(ToolSession session, TableValue value, ShellDriver driver, string mode)
    {
        var result = await session.CallAsync("get_secret_environment_variable", new()
        {
            ["secret"] = TableValues.SecretPath,
            ["shell"] = driver.Kind.Name(),
            ["field"] = value.Slug,
            ["variable"] = value.Variable,
            ["mode"] = mode,
        });
        if (result.IsError == true)
        {
            return null;
        }

        var structured = ToolSession.StructuredOf(result);
        structured.GetProperty("mode").GetString().Should().Be(mode);
        return structured.GetProperty("snippet").GetString();
    }

    private static Dictionary<string, string?> ExtraEnvironment(ShellDriver driver) => driver.IsCmd
        ? new()
        {
            ["WINEPREFIX"] = Path.Combine(Path.GetTempPath(), "secret-mcp-tests-wine"),
            ["WINEDEBUG"] = "-all",
            [SecretMcp.Tickets.ConsoleCodePage.OverrideVariable] = "28591",
        }
        : new() { ["NO_COLOR"] = "1" };

    private static bool IsSuccess(ShellDriver driver, string status, bool inline)
    {
        var parts = status.Split(' ');
        if (!driver.IsPowerShell)
        {
            return parts[0] == "0";
        }

        // "$? $LASTEXITCODE"; after the inline form $? is that of its closing 'if', so only the code counts.
        return parts.Length == 2 && parts[1] == "0" && (inline || parts[0] == "True");
    }

    private static Dictionary<string, string> ParseStatuses(string stdout) =>
        StatusPattern().Matches(stdout).GroupBy(m => m.Groups[1].Value)
            .ToDictionary(g => g.Key, g => g.Last().Groups[2].Value.Trim());

    /// <summary>The environment a child saw: NAME → bytes, from env -0 output.</summary>
    private static Dictionary<string, byte[]> ReadDump(string path)
    {
        var entries = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        if (!File.Exists(path))
        {
            return entries;
        }

        var bytes = File.ReadAllBytes(path);
        var start = 0;
        for (var i = 0; i <= bytes.Length; i++)
        {
            if (i < bytes.Length && bytes[i] != 0)
            {
                continue;
            }

            var entry = bytes.AsSpan(start, i - start);
            var equals = entry.IndexOf((byte)'=');
            if (equals > 0)
            {
                entries[Encoding.ASCII.GetString(entry[..equals])] = entry[(equals + 1)..].ToArray();
            }

            start = i + 1;
        }

        return entries;
    }

    private static List<string> StderrLines(string stderr) =>
        [.. stderr.Replace("\r", "", StringComparison.Ordinal).Split('\n').Where(l => l.Trim().Length > 0)];

    private static string Describe(byte[]? bytes) => bytes is null
        ? "unset"
        : $"{bytes.Length} bytes {Convert.ToHexStringLower(bytes.AsSpan(0, Math.Min(bytes.Length, 24)))}"
            + (bytes.Length > 24 ? "…" : "");

    [GeneratedRegex(@"@@([A-Z]\d+) ([^\r\n]*)")]
    private static partial Regex StatusPattern();

    [GeneratedRegex(@"smt1\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")]
    private static partial Regex TicketPattern();

    private sealed record Row(TableValue Value, string? Refusal, string Export, string Inline);

    /// <summary>Collects every check, so one run reports all failing rows, and counts the passes.</summary>
    private sealed class Checks(string shell)
    {
        private int _passed;

        public List<string> Failures { get; } = [];

        public void Expect(bool condition, TableValue? value, string check, string detail)
        {
            if (condition)
            {
                _passed++;
                return;
            }

            Failures.Add(value is null ? $"{check}: {detail}" : $"#{value.Index} {value.Label}: {check}: {detail}");
        }

        public string Summary() =>
            $"{shell}: {_passed} of {_passed + Failures.Count} checks passed"
            + (Failures.Count == 0 ? "" : "\n  " + string.Join("\n  ", Failures));
    }
}
