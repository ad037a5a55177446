using System.Globalization;
using System.Text.Json;

namespace SecretMcp.Audit;

/// <summary>
/// Walks the chain and says where it breaks. A hash chain kept by the same user cannot stop that
/// user from rewriting the whole file; it does make every edit, removal, reordering or cut that
/// was not followed by re-hashing everything after it visible, and points at the line.
/// </summary>
public static class AuditVerifier
{
    public static AuditVerification Verify(AuditLog log)
    {
        ArgumentNullException.ThrowIfNull(log);

        var lines = log.ReadLines();
        var head = log.ReadHead();
        var problems = new List<AuditProblem>();
        if (lines.Count == 0)
        {
            if (head is not null && head.Seq > 0)
            {
                problems.Add(new AuditProblem(0,
                    $"the log is empty or missing, but {head.Seq} event(s) were written: it was truncated or deleted"));
            }

            return new AuditVerification(0, problems);
        }

        long expectedSeq = 1;
        var expectedPrev = AuditLog.GenesisHash;
        long lastSeq = 0;
        for (var i = 0; i < lines.Count; i++)
        {
            var number = i + 1;
            var record = Parse(lines[i]);
            if (record is null)
            {
                problems.Add(new AuditProblem(number, number == lines.Count
                    ? "not a complete audit record: the line was cut short or edited"
                    : "not an audit record: the line was edited"));
                expectedSeq++;
                expectedPrev = AuditLog.HashOf(lines[i]);
                continue;
            }

            if (record.Seq != expectedSeq || record.Prev != expectedPrev)
            {
                var explanation = Explain(record, expectedSeq, record.Prev == expectedPrev, number);
                problems.Add(new AuditProblem(number, explanation));
            }

            lastSeq = record.Seq;
            expectedSeq = record.Seq + 1;
            expectedPrev = AuditLog.HashOf(lines[i]);
        }

        if (head is null)
        {
            problems.Add(new AuditProblem(lines.Count,
                $"the head file ({AuditLog.HeadFileName}) is missing, so lines cut from the end cannot be ruled out"));
        }
        else if (head.Seq > lastSeq)
        {
            problems.Add(new AuditProblem(lines.Count, string.Create(CultureInfo.InvariantCulture,
                $"the log ends at event #{lastSeq}, but #{head.Seq} was written: "
                + $"{head.Seq - lastSeq} line(s) were removed from the end")));
        }
        else if (head.Seq == lastSeq && head.Hash != expectedPrev)
        {
            problems.Add(new AuditProblem(lines.Count, "the last line was changed after it was written"));
        }

        // head.Seq < lastSeq: a serve stopped between appending and updating the head; the chain
        // itself vouches for those lines.
        return new AuditVerification(lines.Count, problems);
    }

    private static string Explain(AuditRecord record, long expectedSeq, bool prevMatches, int line)
    {
        var previous = line - 1;
        if (record.Seq > expectedSeq)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"event #{record.Seq} follows #{expectedSeq - 1}: "
                + $"{record.Seq - expectedSeq} line(s) before it were removed");
        }

        if (record.Seq < expectedSeq)
        {
            return string.Create(CultureInfo.InvariantCulture,
                $"event #{record.Seq} comes after #{expectedSeq - 1}: the lines were reordered or a line was copied");
        }

        return prevMatches
            ? "the line does not chain to the one before it"
            : previous == 0
                ? "the first line does not start the chain: lines before it were removed or it was edited"
                : $"line {previous} was changed after it was written (this line recorded a different hash for it)";
    }

    private static AuditRecord? Parse(byte[] line)
    {
        try
        {
            var record = JsonSerializer.Deserialize(line, AuditJsonContext.Default.AuditRecord);
            return record is { Seq: > 0, Prev.Length: 64 } && record.Event.Length > 0 ? record : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>What verification found: the number of lines read and every break, by line number.</summary>
public sealed record AuditVerification(int Lines, IReadOnlyList<AuditProblem> Problems)
{
    public bool Intact => Problems.Count == 0;
}

/// <summary>A break in the chain; <see cref="Line"/> counts from 1 (0: the file as a whole).</summary>
public sealed record AuditProblem(int Line, string Message);
