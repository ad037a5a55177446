using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using SecretMcp.Policy;
using SecretMcp.SecretServer;

namespace SecretMcp.Mcp;

/// <summary>
/// Secret Server's own approval workflow. When a secret requires approval, says so plainly and,
/// where the policy says "create", files one access request with the agent's reason and reports its
/// id. It never polls and never files a second request for the same secret in a session: the agent
/// is told to come back once an approver has answered.
/// </summary>
public sealed partial class AccessRequestService
{
    /// <summary>How long the requested access should last; the approver can change it.</summary>
    public static readonly TimeSpan RequestedDuration = TimeSpan.FromHours(1);

    private readonly SecretServerClient _secretServer;
    private readonly PolicyEngine _policy;
    private readonly IAccessAudit _audit;
    private readonly ILogger<AccessRequestService> _logger;
    private readonly ConcurrentDictionary<int, int> _requestBySecret = new();

    public AccessRequestService(
        SecretServerClient secretServer, PolicyEngine policy, IAccessAudit audit, ILogger<AccessRequestService> logger)
    {
        _secretServer = secretServer;
        _policy = policy;
        _audit = audit;
        _logger = logger;
    }

    /// <summary>The message for the model; nothing is ever issued on this path.</summary>
    public async Task<string> HandleAsync(
        SecretReference reference, string label, string? reason, string? client, CancellationToken cancellationToken)
    {
        var intro = $"Secret '{label}' requires approval in Secret Server before it can be read (Secret Server's own "
            + "access-request workflow). Nothing was issued.";

        // The secret-mcp policy comes first: no request is filed for a secret the agent may not have anyway.
        var decision = _policy.Decide(new SecretFacts(reference.Id, reference.Path, null));
        if (decision.Verdict == Verdict.Refuse)
        {
            return intro + " The secret-mcp policy does not allow this secret either, so no access request was made.";
        }

        if (_policy.Settings.AccessRequests == AccessRequestMode.Report)
        {
            Record(reference, label, reason, client, "reported; policy.accessRequests is \"report\"");
            return intro + " Ask the user to request access in Secret Server and to tell you when it is granted, then "
                + "call again. (With policy.accessRequests set to \"create\", secret-mcp files the request itself.)";
        }

        if (reference.Id is not { } secretId)
        {
            Record(reference, label, reason, client, "not filed: the secret was named by path");
            return intro + " To have secret-mcp file the access request, call again with the secret's numeric id "
                + "(Secret Server files requests by id), or ask the user to request access in Secret Server.";
        }

        if (_requestBySecret.TryGetValue(secretId, out var pending))
        {
            Record(reference, label, reason, client, $"request {pending} already filed");
            return intro + $" Access request {pending} was already filed in this session; no new one was made. Wait "
                + "until an approver grants it (ask the user), then call again.";
        }

        if (string.IsNullOrWhiteSpace(reason))
        {
            return intro + " secret-mcp can file the access request for you, but approvers need to know why: call "
                + "again with 'reason' (one sentence on what you need it for).";
        }

        try
        {
            var (id, status) = await _secretServer.CreateAccessRequestAsync(
                secretId, ApprovalPrompt.Sanitize(reason), RequestedDuration, cancellationToken).ConfigureAwait(false);
            _requestBySecret.TryAdd(secretId, id);
            Record(reference, label, reason, client, $"request {id} filed ({status})");
            LogFiled(_logger, secretId, id);
            return intro + $" secret-mcp filed access request {id} (status: {ApprovalPrompt.Sanitize(status)}) "
                + "with your reason. Tell the user; once an approver grants it, call again. Do not call again "
                + "before that.";
        }
        catch (SecretServerException e)
        {
            Record(reference, label, reason, client, "filing failed: " + e.Message);
            return intro + $" Filing an access request failed: {e.Message}";
        }
    }

    private void Record(SecretReference reference, string label, string? reason, string? client, string detail) =>
        _audit.Record(new AccessEvent(
            AccessEventKind.AccessRequest, reference.Id, label, [], [], null, client, reason, detail));

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Secret {SecretId}: filed access request {RequestId} in Secret Server")]
    private static partial void LogFiled(ILogger logger, int secretId, int requestId);
}
