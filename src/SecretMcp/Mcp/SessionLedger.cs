using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretMcp.Mcp;

/// <summary>
/// The variables this serve process handed out, so cleanup can unset "all of them" without the
/// agent having to remember. One stdio process serves one MCP session.
/// </summary>
public sealed class SessionLedger
{
    private readonly ConcurrentDictionary<string, List<string>> _ticketsByVariable = new(StringComparer.Ordinal);

    public string SessionId { get; } = "s-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));

    public void Record(string variable, string ticketId)
    {
        var tickets = _ticketsByVariable.GetOrAdd(variable, _ => []);
        lock (tickets)
        {
            tickets.Add(ticketId);
        }
    }

    public IReadOnlyList<string> Variables => _ticketsByVariable.Keys.Order(StringComparer.Ordinal).ToList();

    /// <summary>Forgets the variables and returns the ids of the tickets minted for them.</summary>
    public IReadOnlyList<string> Forget(IEnumerable<string> variables)
    {
        var ticketIds = new List<string>();
        foreach (var variable in variables)
        {
            if (_ticketsByVariable.TryRemove(variable, out var tickets))
            {
                lock (tickets)
                {
                    ticketIds.AddRange(tickets);
                }
            }
        }

        return ticketIds;
    }
}
