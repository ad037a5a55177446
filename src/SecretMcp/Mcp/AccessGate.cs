using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Server;
using SecretMcp.Policy;
using SecretMcp.Shells;

namespace SecretMcp.Mcp;

/// <summary>
/// Stands between a request and a ticket: the policy decides allow / ask / refuse and the limits;
/// "ask" puts the question to the user through MCP elicitation. Only an explicit approval mints:
/// a decline, a dismissal, no answer, a client that cannot ask, or an error all leave nothing issued.
/// </summary>
public sealed partial class AccessGate
{
    private readonly SessionApprovals _approvals;
    private readonly IAccessAudit _audit;
    private readonly PolicyOrigin _origin;
    private readonly ILogger<AccessGate> _logger;

    public AccessGate(
        PolicyEngine policy,
        SessionApprovals approvals,
        RotationService rotation,
        AccessRequestService accessRequests,
        IAccessAudit audit,
        PolicyOrigin origin,
        ILogger<AccessGate> logger)
    {
        Policy = policy;
        Rotation = rotation;
        AccessRequests = accessRequests;
        _approvals = approvals;
        _audit = audit;
        _origin = origin;
        _logger = logger;
    }

    public PolicyEngine Policy { get; }

    public RotationService Rotation { get; }

    public AccessRequestService AccessRequests { get; }

    public async Task<GateResult> AuthorizeAsync(
        McpServer server, AccessQuestion request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(server);
        ArgumentNullException.ThrowIfNull(request);

        var client = ClientName(server);
        Record(AccessEventKind.Requested, request, client, "requested");

        var decision = Policy.Decide(request.Facts);
        var limits = decision.Limits;
        if (decision.Verdict == Verdict.Refuse)
        {
            return decision.IsUnlisted
                ? Refuse(request, client, "policy default: refuse", UnlistedMessage(request, decision))
                : Refuse(request, client, $"rule '{decision.DecidedBy}'", DeniedMessage(request, decision));
        }

        if (limits.CheckShell(request.Shell) is { } shellProblem)
        {
            return Refuse(request, client, "shell not allowed",
                $"Cannot issue secret '{request.Secret}': {shellProblem}. Nothing was issued.");
        }

        if (limits.RequireReason && string.IsNullOrWhiteSpace(request.Reason))
        {
            return Refuse(request, client, "no reason given",
                $"Secret '{request.Secret}' requires a reason under the secret-mcp policy: call again with 'reason' "
                + "saying in one sentence why you need it. Nothing was issued.");
        }

        var fields = request.Variables.Select(v => v.Field).Distinct(StringComparer.Ordinal).ToList();
        if (decision.Verdict == Verdict.Allow)
        {
            Record(AccessEventKind.Approved, request, client, $"policy rule '{decision.DecidedBy}'");
            return GateResult.Allow(limits);
        }

        if (_approvals.IsApproved(request.SecretId, fields))
        {
            Record(AccessEventKind.Approved, request, client, "approved earlier for this session");
            return GateResult.Allow(limits);
        }

        return await AskAsync(server, request, decision, fields, client, cancellationToken).ConfigureAwait(false);
    }

    private async Task<GateResult> AskAsync(
        McpServer server,
        AccessQuestion request,
        PolicyDecision decision,
        IReadOnlyList<string> fields,
        string client,
        CancellationToken cancellationToken)
    {
        if (server.ClientCapabilities?.Elicitation is null)
        {
            Record(AccessEventKind.Declined, request, client, "the client cannot ask the user (no elicitation)");
            return GateResult.Refuse(CannotAskMessage(request, decision, client));
        }

        var decidedBy = decision.DecidedBy is { } rule
            ? $"rule '{rule}' says ask"
            : "secrets no rule lists are asked about";
        var question = new ApprovalQuestion(client, request.Secret, request.SecretId, request.Template,
            request.Variables, request.Shell.Name(), request.Reason, decision.Limits, decidedBy);

        var timeout = Policy.Settings.ApprovalTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);

        ApprovalAnswer answer;
        try
        {
            var result = await server.ElicitAsync(ApprovalPrompt.Build(question), deadline.Token).ConfigureAwait(false);
            answer = ApprovalPrompt.Read(result);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            Record(AccessEventKind.Declined, request, client, $"no answer within {timeout.TotalSeconds:0} s");
            return GateResult.Refuse(
                $"Not approved: the user did not answer within {ApprovalPrompt.Duration(timeout)}. "
                + $"Nothing was issued for secret '{request.Secret}'.");
        }
        catch (Exception e) when (e is McpException or InvalidOperationException)
        {
            LogAskFailed(_logger, e.GetType().Name);
            Record(AccessEventKind.Declined, request, client, "the approval request failed: " + e.GetType().Name);
            return GateResult.Refuse($"Not approved: the client could not show the approval request to the user. "
                + $"Nothing was issued for secret '{request.Secret}'.");
        }

        switch (answer)
        {
            case ApprovalAnswer.Once:
                Record(AccessEventKind.Approved, request, client, "user: approve once");
                return GateResult.Allow(decision.Limits);
            case ApprovalAnswer.Session:
                _approvals.Approve(request.SecretId, fields);
                Record(AccessEventKind.Approved, request, client, "user: approve for this session");
                return GateResult.Allow(decision.Limits);
        }

        var (detail, how) = answer switch
        {
            ApprovalAnswer.Dismissed => ("user dismissed the request", " (the approval request was dismissed)"),
            ApprovalAnswer.NoChoice => ("user made no choice", " (no choice was made)"),
            _ => ("user declined", ""),
        };
        Record(AccessEventKind.Declined, request, client, detail);
        return GateResult.Refuse(
            $"The request for secret '{request.Secret}' was declined by the user{how}. Nothing was issued. "
            + "Do not ask for it again unless the user tells you to.");
    }

    private GateResult Refuse(AccessQuestion request, string client, string detail, string message)
    {
        Record(AccessEventKind.Refused, request, client, detail);
        return GateResult.Refuse(message);
    }

    private static string DeniedMessage(AccessQuestion request, PolicyDecision decision)
    {
        var message = $"Secret '{request.Secret}' is denied by the secret-mcp policy (rule '{decision.DecidedBy}'). "
            + "Nothing was issued; do not try to reach it by another name.";
        return decision.OnUnknownFacts ? message + PathHint : message;
    }

    private string UnlistedMessage(AccessQuestion request, PolicyDecision decision)
    {
        var message = $"Secret '{request.Secret}' is not allowed: no rule of the secret-mcp policy lists it, and "
            + "secrets no rule lists are refused (policy.default is \"refuse\"). Nothing was issued. If the user wants "
            + $"you to use it, they can add a rule such as {AllowRule(request)} to policy.rules in "
            + $"{_origin.ConfigPath} and restart the MCP server.";
        return decision.OnUnknownFacts ? message + PathHint : message;
    }

    private string CannotAskMessage(AccessQuestion request, PolicyDecision decision, string client)
    {
        var why = decision.DecidedBy is { } rule
            ? $"policy rule '{rule}' says ask"
            : "the secret-mcp policy asks the user about secrets no rule lists";
        var fix = decision.DecidedBy is { } askRule
            ? $"change the action of rule '{askRule}' in {_origin.ConfigPath} from \"ask\" to \"allow\" (an ask rule "
                + "wins over allow rules)"
            : $"add a rule such as {AllowRule(request)} to policy.rules in {_origin.ConfigPath}";
        return $"Secret '{request.Secret}' needs the user's approval ({why}), but this MCP client ({client}) "
            + "cannot ask the user: it does not support MCP elicitation. Nothing was issued. To use this secret "
            + $"from this client, the user can {fix}, then restart the MCP server.";
    }

    private const string PathHint = " (The rule looks at the folder path, which is not known when a secret is named "
        + "by id: name it by its folder path, such as 'db/prod', so the rule can be checked.)";

    private static string AllowRule(AccessQuestion request)
    {
        if (request.Facts.Path is not { } path)
        {
            var id = request.SecretId.ToString(CultureInfo.InvariantCulture);
            return $"{{ \"action\": \"allow\", \"secretId\": {id} }}";
        }

        var glob = JsonEncodedText.Encode(path.TrimStart('\\', '/').Replace('\\', '/'));
        return $"{{ \"action\": \"allow\", \"path\": \"{glob}\" }}";
    }

    internal static string ClientName(McpServer server)
    {
        var info = server.ClientInfo;
        if (info is null)
        {
            return "an unnamed MCP client";
        }

        var name = ApprovalPrompt.Sanitize(string.IsNullOrWhiteSpace(info.Title) ? info.Name : info.Title);
        return string.IsNullOrEmpty(info.Version) ? name : $"{name} {ApprovalPrompt.Sanitize(info.Version)}";
    }

    private void Record(AccessEventKind kind, AccessQuestion request, string client, string detail) =>
        _audit.Record(new AccessEvent(kind, request.SecretId, request.Secret,
            [.. request.Variables.Select(v => v.Field)], [.. request.Variables.Select(v => v.Variable)],
            request.Shell.Name(), client, request.Reason, detail));

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Asking the user for approval failed ({Error}); nothing was issued")]
    private static partial void LogAskFailed(ILogger logger, string error);
}

/// <summary>One request as the gate sees it: the secret, fields and variables, the shell, the agent's reason.</summary>
public sealed record AccessQuestion(
    SecretFacts Facts,
    int SecretId,
    string Secret,
    string? Template,
    IReadOnlyList<(string Field, string Variable)> Variables,
    ShellKind Shell,
    string? Reason);

/// <summary>Allowed with these limits, or refused with a message written for the model.</summary>
public sealed record GateResult(EffectiveLimits? Limits, string? Refusal)
{
    public static GateResult Allow(EffectiveLimits limits) => new(limits, null);

    public static GateResult Refuse(string message) => new(null, message);
}

/// <summary>Where the policy came from, so refusals can say which file to edit.</summary>
public sealed record PolicyOrigin(string ConfigPath);
