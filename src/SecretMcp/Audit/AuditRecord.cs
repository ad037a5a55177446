using System.Text.Json.Serialization;

namespace SecretMcp.Audit;

/// <summary>
/// One line of the audit log. <see cref="Prev"/> is the SHA-256 of the previous line's bytes (all
/// zeros for the first), <see cref="Seq"/> counts from 1; together they let <c>audit --verify</c>
/// tell an edited line from a removed or reordered one.
/// </summary>
public sealed class AuditRecord
{
    public long Seq { get; set; }

    public DateTimeOffset Time { get; set; }

    public string Event { get; set; } = "";

    /// <summary>The MCP client's name (from its initialize request).</summary>
    public string? Client { get; set; }

    public string? ClientVersion { get; set; }

    public string? Session { get; set; }

    /// <summary>The serve process's broker instance (the middle part of its tickets).</summary>
    public string? Instance { get; set; }

    public int? Pid { get; set; }

    public int? SecretId { get; set; }

    public string? SecretPath { get; set; }

    public string? Field { get; set; }

    public string? Variable { get; set; }

    public string? Shell { get; set; }

    public string? Reason { get; set; }

    public string? TicketId { get; set; }

    public string? Code { get; set; }

    public string? Detail { get; set; }

    public string Prev { get; set; } = "";
}

/// <summary>Where the chain stands: the last event's number and the hash of its line.</summary>
public sealed record AuditHead(long Seq, string Hash);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AuditRecord))]
[JsonSerializable(typeof(AuditHead))]
internal sealed partial class AuditJsonContext : JsonSerializerContext;
