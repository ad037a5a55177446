using System.Collections.Concurrent;

namespace SecretMcp.Mcp;

/// <summary>
/// What the user approved "for this session": these fields of this secret, in this serve process
/// (one stdio process serves one MCP session). Never persisted: a new session asks again.
/// </summary>
public sealed class SessionApprovals
{
    private readonly ConcurrentDictionary<(int SecretId, string Field), byte> _approved = new();

    public bool IsApproved(int secretId, IEnumerable<string> fields) =>
        fields.All(field => _approved.ContainsKey((secretId, field)));

    public void Approve(int secretId, IEnumerable<string> fields)
    {
        foreach (var field in fields)
        {
            _approved[(secretId, field)] = 0;
        }
    }
}
