using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretMcp.Tickets;

/// <summary>
/// Outstanding tickets, keyed by the SHA-256 of the ticket. The ticket string itself is never
/// stored: a memory dump of the server yields digests, not redeemable tickets.
/// </summary>
public sealed class TicketStore
{
    public static readonly TimeSpan DefaultLifetime = TimeSpan.FromSeconds(120);
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(15);
    public const int MaxUses = 10;

    /// <summary>
    /// Tickets one MCP session may hold unredeemed at once by default: enough for any real task, few
    /// enough that a looping agent cannot fill the broker's memory.
    /// </summary>
    public const int DefaultMaxOutstandingPerSession = 32;

    /// <summary>The highest cap a setting may choose.</summary>
    public const int UpperMaxOutstandingPerSession = 1000;

    /// <summary>How long a finished ticket is remembered, so a late redeem hears "used", not "unknown".</summary>
    private static readonly TimeSpan s_retention = TimeSpan.FromMinutes(30);

    private readonly ConcurrentDictionary<string, TicketEntry> _byHash = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, TicketEntry> _byId = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly Lock _mintGate = new();

    public TicketStore(
        BrokerInstance instance, TimeProvider time, int maxOutstandingPerSession = DefaultMaxOutstandingPerSession)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxOutstandingPerSession, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(maxOutstandingPerSession, UpperMaxOutstandingPerSession);
        Instance = instance;
        _time = time;
        MaxOutstandingPerSession = maxOutstandingPerSession;
    }

    public int MaxOutstandingPerSession { get; }

    public BrokerInstance Instance { get; }

    public MintedTicket Mint(TicketGrant grant, TimeSpan? lifetime = null, int uses = 1)
    {
        var ttl = lifetime ?? DefaultLifetime;
        if (ttl <= TimeSpan.Zero || ttl > MaxLifetime)
        {
            throw new ArgumentOutOfRangeException(nameof(lifetime), $"A ticket lives at most {MaxLifetime}.");
        }

        if (uses is < 1 or > MaxUses)
        {
            throw new ArgumentOutOfRangeException(nameof(uses), $"A ticket allows 1 to {MaxUses} uses.");
        }

        lock (_mintGate)
        {
            Sweep();

            var now = _time.GetUtcNow();
            if (_byId.Values.Count(e => e.Grant.SessionId == grant.SessionId && e.GetState(now) == TicketState.Waiting)
                >= MaxOutstandingPerSession)
            {
                throw new TicketLimitException(
                    $"This session already holds {MaxOutstandingPerSession} unused tickets. Run the snippets you "
                    + "have, or call cleanup to revoke them, before asking for more.");
            }

            var ticket = TicketFormat.Mint(Instance.Id);
            var hash = TicketFormat.Hash(ticket);
            var entry = new TicketEntry(NewTicketId(), hash, grant, now + ttl, uses);
            _byHash[Convert.ToHexString(hash)] = entry;
            _byId[entry.Id] = entry;
            return new MintedTicket(ticket, entry);
        }
    }

    /// <summary>
    /// Consumes one use. The decrement is atomic, so however many callers race on one ticket, at
    /// most its allowed number are accepted.
    /// </summary>
    public (RedeemStatus Status, TicketEntry? Entry) Redeem(string ticket)
    {
        if (!TicketFormat.TryParse(ticket, out var instance) || instance != Instance.Id)
        {
            return (RedeemStatus.Unknown, null);
        }

        var hash = TicketFormat.Hash(ticket);
        if (!_byHash.TryGetValue(Convert.ToHexString(hash), out var entry)
            || !CryptographicOperations.FixedTimeEquals(hash, entry.Hash))
        {
            return (RedeemStatus.Unknown, null);
        }

        return (entry.TryConsume(_time.GetUtcNow()), entry);
    }

    public TicketEntry? Find(string ticketId) => _byId.GetValueOrDefault(ticketId);

    public IEnumerable<TicketEntry> ForSession(string sessionId) =>
        _byId.Values.Where(e => e.Grant.SessionId == sessionId);

    /// <summary>Revokes every ticket (when serve stops); returns those that could still have been redeemed.</summary>
    public IReadOnlyList<TicketEntry> RevokeAll() => _byId.Values.Where(e => e.Revoke()).ToList();

    public int Outstanding => _byId.Values.Count(e => e.GetState(_time.GetUtcNow()) == TicketState.Waiting);

    public TicketState StateOf(TicketEntry entry) => entry.GetState(_time.GetUtcNow());

    private void Sweep()
    {
        var cutoff = _time.GetUtcNow() - s_retention;
        foreach (var entry in _byId.Values)
        {
            if (entry.ExpiresAt < cutoff)
            {
                _byId.TryRemove(entry.Id, out _);
                _byHash.TryRemove(Convert.ToHexString(entry.Hash), out _);
            }
        }
    }

    /// <summary>A short, non-secret handle for transcripts and the audit log.</summary>
    private static string NewTicketId() => "t-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(5));
}

public sealed record MintedTicket(string Ticket, TicketEntry Entry);

/// <summary>Minting was refused by a limit; the message is written for the agent.</summary>
public sealed class TicketLimitException(string message) : Exception(message);

public sealed class TicketEntry
{
    private int _remainingUses;
    private int _revoked;

    internal TicketEntry(string id, byte[] hash, TicketGrant grant, DateTimeOffset expiresAt, int uses)
    {
        Id = id;
        Hash = hash;
        Grant = grant;
        ExpiresAt = expiresAt;
        _remainingUses = uses;
    }

    public string Id { get; }

    public TicketGrant Grant { get; }

    public DateTimeOffset ExpiresAt { get; }

    internal byte[] Hash { get; }

    /// <summary>Set once the value reached the helper; its shape, never its content.</summary>
    public DeliveredShape? Delivered { get; private set; }

    public void RecordDelivery(DeliveredShape shape) => Delivered = shape;

    /// <summary>True when this call revoked a ticket that could still be redeemed.</summary>
    public bool Revoke() => Interlocked.Exchange(ref _revoked, 1) == 0 && Volatile.Read(ref _remainingUses) > 0;

    internal RedeemStatus TryConsume(DateTimeOffset now)
    {
        if (Volatile.Read(ref _revoked) != 0)
        {
            return RedeemStatus.Revoked;
        }

        if (now >= ExpiresAt)
        {
            return RedeemStatus.Expired;
        }

        return Interlocked.Decrement(ref _remainingUses) >= 0 ? RedeemStatus.Accepted : RedeemStatus.Used;
    }

    internal TicketState GetState(DateTimeOffset now)
    {
        if (Volatile.Read(ref _remainingUses) <= 0)
        {
            return TicketState.Redeemed;
        }

        if (Volatile.Read(ref _revoked) != 0)
        {
            return TicketState.Revoked;
        }

        return now >= ExpiresAt ? TicketState.Expired : TicketState.Waiting;
    }
}
