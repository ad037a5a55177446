using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecretMcp.Audit;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Audit;

public sealed class AuditLogTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smt-audit-" + Guid.NewGuid().ToString("N")[..10], "state");
    private readonly FakeTimeProvider _time = new(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(_folder)!, recursive: true);

    [Fact]
    public void Each_line_holds_the_hash_of_the_line_before_it()
    {
        var log = WriteEvents(3);

        var lines = File.ReadAllLines(log.Path);
        lines.Should().HaveCount(3);
        var records = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        records.Select(r => r.GetProperty("seq").GetInt64()).Should().Equal(1, 2, 3);
        records[0].GetProperty("prev").GetString().Should().Be(AuditLog.GenesisHash);
        records[1].GetProperty("prev").GetString().Should().Be(AuditLog.HashOf(Encoding.UTF8.GetBytes(lines[0])));
        records[2].GetProperty("prev").GetString().Should().Be(AuditLog.HashOf(Encoding.UTF8.GetBytes(lines[1])));
        records[0].GetProperty("time").GetDateTimeOffset().Should().Be(_time.GetUtcNow());
        records[0].GetProperty("client").GetString().Should().Be("test-client");
        AuditVerifier.Verify(log).Intact.Should().BeTrue();
    }

    [Fact]
    public void The_log_is_0600_in_a_0700_folder()
    {
        var log = WriteEvents(1);

        File.GetUnixFileMode(log.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(log.HeadPath).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(_folder).Should().Be(PrivateFolder.OwnerOnly);
    }

    [Fact]
    public void A_file_made_readable_by_others_is_tightened_on_the_next_append()
    {
        var log = WriteEvents(1);
        File.SetUnixFileMode(log.Path, (UnixFileMode)0b110_100_100);
        File.SetUnixFileMode(_folder, (UnixFileMode)0b111_101_101);

        WriteEvents(1);

        File.GetUnixFileMode(log.Path).Should().Be(UnixFileMode.UserRead | UnixFileMode.UserWrite);
        File.GetUnixFileMode(_folder).Should().Be(PrivateFolder.OwnerOnly);
    }

    [Fact]
    public void An_edited_line_is_found_and_named()
    {
        var log = WriteEvents(5);
        var lines = File.ReadAllLines(log.Path);
        lines[1] = lines[1].Replace("\"variable\":\"VAR_2\"", "\"variable\":\"OTHER\"", StringComparison.Ordinal);
        File.WriteAllLines(log.Path, lines);

        var result = AuditVerifier.Verify(log);

        result.Intact.Should().BeFalse();
        result.Problems.Should().ContainSingle().Which.Should().Be(
            new AuditProblem(3, "line 2 was changed after it was written (this line recorded a different hash for it)"));
    }

    [Fact]
    public void An_edited_last_line_is_found_through_the_head()
    {
        var log = WriteEvents(3);
        var lines = File.ReadAllLines(log.Path);
        lines[2] = lines[2].Replace("VAR_3", "VAR_X", StringComparison.Ordinal);
        File.WriteAllLines(log.Path, lines);

        AuditVerifier.Verify(log).Problems.Should().ContainSingle()
            .Which.Should().Be(new AuditProblem(3, "the last line was changed after it was written"));
    }

    [Fact]
    public void A_removed_line_is_found_and_named()
    {
        var log = WriteEvents(5);
        var lines = File.ReadAllLines(log.Path).ToList();
        lines.RemoveAt(2);
        File.WriteAllLines(log.Path, lines);

        var problem = AuditVerifier.Verify(log).Problems.Should().ContainSingle().Subject;

        problem.Line.Should().Be(3);
        problem.Message.Should().Be("event #4 follows #2: 1 line(s) before it were removed");
    }

    [Fact]
    public void A_removed_first_line_is_found()
    {
        var log = WriteEvents(3);
        File.WriteAllLines(log.Path, File.ReadAllLines(log.Path).Skip(1));

        AuditVerifier.Verify(log).Problems.Should().ContainSingle().Which.Line.Should().Be(1);
    }

    [Fact]
    public void Reordered_lines_are_found_and_named()
    {
        var log = WriteEvents(5);
        var lines = File.ReadAllLines(log.Path);
        (lines[1], lines[2]) = (lines[2], lines[1]);
        File.WriteAllLines(log.Path, lines);

        var problems = AuditVerifier.Verify(log).Problems;

        problems.Should().NotBeEmpty();
        problems[0].Line.Should().Be(2);
        problems[0].Message.Should().Contain("removed", "line 2 now holds event #3");
        problems.Should().Contain(p => p.Line == 3 && p.Message.Contains("reordered", StringComparison.Ordinal));
    }

    [Fact]
    public void Lines_cut_from_the_end_are_found_through_the_head()
    {
        var log = WriteEvents(5);
        File.WriteAllLines(log.Path, File.ReadAllLines(log.Path).Take(3));

        AuditVerifier.Verify(log).Problems.Should().ContainSingle().Which.Should().Be(
            new AuditProblem(3, "the log ends at event #3, but #5 was written: 2 line(s) were removed from the end"));
    }

    [Fact]
    public void A_line_cut_in_half_is_found_and_the_next_append_starts_a_fresh_line()
    {
        var log = WriteEvents(3);
        var bytes = File.ReadAllBytes(log.Path);
        File.WriteAllBytes(log.Path, bytes[..(bytes.Length - 20)]);

        AuditVerifier.Verify(log).Problems.Should().Contain(p => p.Line == 3 && p.Message.Contains("cut short", StringComparison.Ordinal));

        WriteEvents(1);
        var lines = File.ReadAllLines(log.Path);
        lines.Should().HaveCount(4);
        JsonDocument.Parse(lines[3]).RootElement.GetProperty("seq").GetInt64().Should().Be(4);
    }

    [Fact]
    public void An_emptied_log_is_found_through_the_head()
    {
        var log = WriteEvents(2);
        File.WriteAllText(log.Path, "");

        AuditVerifier.Verify(log).Problems.Should().ContainSingle().Which.Message.Should().Contain("truncated or deleted");
    }

    [Fact]
    public void A_missing_head_is_reported()
    {
        var log = WriteEvents(2);
        File.Delete(log.HeadPath);

        AuditVerifier.Verify(log).Problems.Should().ContainSingle().Which.Message.Should().Contain("head file");
    }

    [Fact]
    public async Task Concurrent_appends_from_two_writers_keep_one_unbroken_chain()
    {
        // Two AuditLog objects on one file behave like two serve processes: only the file lock orders them.
        var first = new AuditLog(_folder);
        var second = new AuditLog(_folder);

        await Task.WhenAll(Enumerable.Range(0, 8).Select(i => Task.Run(() =>
        {
            for (var n = 0; n < 25; n++)
            {
                (i % 2 == 0 ? first : second).Append(new AuditRecord { Event = "requested", Time = _time.GetUtcNow() });
            }
        })));

        var result = AuditVerifier.Verify(first);
        result.Lines.Should().Be(200);
        result.Intact.Should().BeTrue(string.Join("; ", result.Problems));
    }

    [Fact]
    public void A_ticket_never_reaches_the_log_even_when_an_agent_pastes_it_into_the_reason()
    {
        var store = new TicketStore(BrokerInstance.ForTesting(), _time);
        var minted = store.Mint(new TicketGrant(7, "db/prod", "password", "DB_PW", ShellKind.Bash, "s-1", "deploy"));
        var trail = Trail();

        trail.Record(AuditEvent.ForTicket(AuditEventKind.Minted, minted.Entry)).Should().BeTrue();
        trail.Record(new AuditEvent { Kind = AuditEventKind.Requested, Reason = "use " + minted.Ticket + " now\nplease" });

        var text = File.ReadAllText(trail.Log.Path);
        text.Should().NotContain(minted.Ticket.Split('.')[2]);
        text.Should().Contain(minted.Entry.Id).And.Contain("\"reason\":\"deploy\"").And.Contain("[ticket removed]");
        File.ReadAllLines(trail.Log.Path).Should().HaveCount(2, "a newline in free text does not split a record");
    }

    [Fact]
    public void A_log_that_cannot_be_written_is_reported_as_false_not_thrown()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_folder)!);
        File.WriteAllText(_folder, "a file where the folder should be");

        Trail().Record(new AuditEvent { Kind = AuditEventKind.Minted }).Should().BeFalse();
    }

    private AuditTrail Trail() =>
        new(new AuditLog(_folder), _time, NullLogger<AuditTrail>.Instance, () => new AuditClient("test-client", "1.0"), "abcdef012345");

    private AuditLog WriteEvents(int count)
    {
        var trail = Trail();
        var start = File.Exists(trail.Log.Path) ? File.ReadAllLines(trail.Log.Path).Length : 0;
        for (var i = 1; i <= count; i++)
        {
            trail.Record(new AuditEvent
            {
                Kind = AuditEventKind.Minted,
                Session = "s-1",
                SecretId = 10,
                SecretPath = "db/prod",
                Variable = $"VAR_{start + i}",
                TicketId = $"t-{i:0000000000}",
            }).Should().BeTrue();
        }

        return trail.Log;
    }
}
