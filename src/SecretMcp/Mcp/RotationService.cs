using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;
using SecretMcp.Tickets;

namespace SecretMcp.Mcp;

/// <summary>
/// Rotate after use: for secrets whose rule says so, once this session holds none of their variables
/// any more (cleanup) or serve ends, ask Secret Server to change the password, so a value the agent
/// held is dead once the task is over. Only secrets whose value was actually delivered are rotated.
/// </summary>
public sealed partial class RotationService
{
    private const string Comment = "secret-mcp: rotated after use by an agent";

    private readonly SecretServerClient _secretServer;
    private readonly IAccessAudit _audit;
    private readonly ILogger<RotationService> _logger;
    private readonly Lock _lock = new();
    private readonly Dictionary<int, Tracked> _tracked = [];

    public RotationService(SecretServerClient secretServer, IAccessAudit audit, ILogger<RotationService> logger)
    {
        _secretServer = secretServer;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>Remembers tickets minted for a rotate-after-use secret.</summary>
    public void Track(int secretId, string label, IEnumerable<TicketEntry> entries)
    {
        lock (_lock)
        {
            if (!_tracked.TryGetValue(secretId, out var tracked))
            {
                _tracked[secretId] = tracked = new Tracked(label);
            }

            tracked.Live.AddRange(entries);
        }
    }

    /// <summary>
    /// The variables of these tickets were cleaned up. Rotates every tracked secret that this leaves
    /// with no live variable and that delivered a value.
    /// </summary>
    public async Task<IReadOnlyList<RotationReport>> ReleaseAsync(
        IReadOnlyCollection<string> ticketIds, CancellationToken cancellationToken)
    {
        var due = new List<(int SecretId, string Label)>();
        lock (_lock)
        {
            foreach (var (secretId, tracked) in _tracked.ToList())
            {
                var released = tracked.Live.Where(e => ticketIds.Contains(e.Id)).ToList();
                if (released.Count == 0)
                {
                    continue;
                }

                tracked.Live.RemoveAll(released.Contains);
                tracked.Delivered |= released.Any(e => e.Delivered is not null);
                if (tracked.Live.Count == 0)
                {
                    _tracked.Remove(secretId);
                    if (tracked.Delivered)
                    {
                        due.Add((secretId, tracked.Label));
                    }
                }
            }
        }

        return await RotateAsync(due, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>serve is ending: rotates every tracked secret that delivered a value.</summary>
    public async Task<IReadOnlyList<RotationReport>> RotateAllAsync(CancellationToken cancellationToken)
    {
        List<(int, string)> due;
        lock (_lock)
        {
            due = _tracked
                .Where(t => t.Value.Delivered || t.Value.Live.Any(e => e.Delivered is not null))
                .Select(t => (t.Key, t.Value.Label))
                .ToList();
            _tracked.Clear();
        }

        return await RotateAsync(due, cancellationToken).ConfigureAwait(false);
    }

    private async Task<IReadOnlyList<RotationReport>> RotateAsync(
        IReadOnlyList<(int SecretId, string Label)> due, CancellationToken cancellationToken)
    {
        var reports = new List<RotationReport>();
        foreach (var (secretId, label) in due)
        {
            try
            {
                await _secretServer.ChangePasswordAsync(secretId, Comment, cancellationToken).ConfigureAwait(false);
                reports.Add(new RotationReport(secretId, label, Rotated: true,
                    "Secret Server changed the password; the value the agent held no longer works."));
                _audit.Record(Event(AccessEventKind.Rotated, secretId, label, "password changed after use"));
                LogRotated(_logger, secretId);
            }
            catch (SecretServerException e)
            {
                reports.Add(new RotationReport(secretId, label, Rotated: false,
                    $"rotation failed: {e.Message} Ask the user to change the password in Secret Server."));
                _audit.Record(Event(AccessEventKind.RotationFailed, secretId, label, e.Message));
                LogRotationFailed(_logger, secretId, e.GetType().Name);
            }
        }

        return reports;
    }

    private static AccessEvent Event(AccessEventKind kind, int secretId, string label, string detail) =>
        new(kind, secretId, label, [], [], null, null, null, detail);

    private sealed class Tracked(string label)
    {
        public string Label { get; } = label;

        public List<TicketEntry> Live { get; } = [];

        public bool Delivered { get; set; }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Secret {SecretId}: password changed in Secret Server after use")]
    private static partial void LogRotated(ILogger logger, int secretId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret {SecretId}: rotation after use failed ({Error})")]
    private static partial void LogRotationFailed(ILogger logger, int secretId, string error);
}

/// <summary>What rotation after use did for one secret.</summary>
public sealed record RotationReport(int SecretId, string Secret, bool Rotated, string Detail);
