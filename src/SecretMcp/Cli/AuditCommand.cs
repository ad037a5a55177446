using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using SecretMcp.Audit;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace SecretMcp.Cli;

/// <summary><c>audit [--verify] [--last N]</c>: shows the audit log as a table, or checks its hash chain.</summary>
internal static class AuditCommand
{
    public static Command Create()
    {
        var verify = new Option<bool>("--verify")
        {
            Description = "Check the hash chain instead of showing the log; names every edited, removed or "
                + "reordered line and exits 6 when the chain is broken.",
        };
        var last = new Option<int>("--last")
        {
            Description = "Show only the last N events (0: all).",
            DefaultValueFactory = _ => 0,
        };
        var command = new Command("audit", "Show the audit log (what was requested, minted, redeemed, refused, "
            + "revoked), or verify that no line was changed.")
        {
            verify, last,
        };
        command.SetAction(parse =>
        {
            if (parse.GetValue(last) < 0)
            {
                CommandLine.Fail("--last must be 0 or more.");
                return ExitCodes.Usage;
            }

            AuditLog log;
            try
            {
                log = new AuditLog(AuditLocation.StateFolder());
                return parse.GetValue(verify) ? Verify(log) : Show(log, parse.GetValue(last));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                CommandLine.Fail($"cannot read the audit log: {e.Message}");
                return ExitCodes.NotSignedInOrConfig;
            }
        });
        return command;
    }

    private static int Verify(AuditLog log)
    {
        var result = AuditVerifier.Verify(log);
        if (result.Intact)
        {
            Console.Out.WriteLine(result.Lines == 0
                ? $"No audit log yet at {log.Path}."
                : $"{log.Path}: {result.Lines} event(s), the hash chain is intact.");
            return ExitCodes.Ok;
        }

        Console.Out.WriteLine(
            $"{log.Path}: the hash chain is broken ({result.Problems.Count} problem(s) in {result.Lines} line(s)):");
        foreach (var problem in result.Problems)
        {
            Console.Out.WriteLine(
                problem.Line == 0 ? $"  {problem.Message}" : $"  line {problem.Line}: {problem.Message}");
        }

        return ExitCodes.AuditBroken;
    }

    private static int Show(AuditLog log, int last)
    {
        var lines = log.ReadLines();
        if (lines.Count == 0)
        {
            Console.Out.WriteLine($"No audit log yet at {log.Path}.");
            return ExitCodes.Ok;
        }

        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(Console.Out) });
        if (Console.IsOutputRedirected)
        {
            // Piped or captured: keep one event per row rather than wrapping at 80 columns.
            console.Profile.Width = 240;
        }

        var table = new Table().Border(TableBorder.Simple).Title(Markup.Escape(log.Path));
        foreach (var column in new[] { "#", "Time (UTC)", "Event", "Client", "Session", "Secret", "Field", "Variable",
            "Shell", "Ticket", "Code / reason" })
        {
            table.AddColumn(new TableColumn(column) { NoWrap = column is "#" or "Time (UTC)" });
        }

        var start = last == 0 ? 0 : Math.Max(0, lines.Count - last);
        for (var i = start; i < lines.Count; i++)
        {
            table.AddRow(Row(i + 1, lines[i]));
        }

        console.Write(table);
        return ExitCodes.Ok;
    }

    private static IRenderable[] Row(int line, byte[] bytes)
    {
        AuditRecord? record;
        try
        {
            record = JsonSerializer.Deserialize(bytes, AuditJsonContext.Default.AuditRecord);
        }
        catch (JsonException)
        {
            record = null;
        }

        if (record is null)
        {
            return Cells(line.ToString(CultureInfo.InvariantCulture), "", "(unreadable line; run audit --verify)");
        }

        var secret = Join(" ", record.SecretId?.ToString(CultureInfo.InvariantCulture), record.SecretPath);
        return Cells(
            record.Seq.ToString(CultureInfo.InvariantCulture),
            record.Time.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture),
            record.Event, Join(" ", record.Client, record.ClientVersion), record.Session, secret, record.Field,
            record.Variable, record.Shell, record.TicketId, Join("; ", record.Code, record.Reason, record.Detail));
    }

    private static string Join(string separator, params string?[] parts) =>
        string.Join(separator, parts.Where(p => !string.IsNullOrEmpty(p)));

    // Plain Text cells, never markup: the log holds what agents typed.
    private static IRenderable[] Cells(params string?[] values)
    {
        var cells = new IRenderable[11];
        for (var i = 0; i < cells.Length; i++)
        {
            cells[i] = new Text(i < values.Length ? values[i] ?? "" : "");
        }

        return cells;
    }
}
