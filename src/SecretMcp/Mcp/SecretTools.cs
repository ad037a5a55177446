using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SecretMcp.Audit;
using SecretMcp.SecretServer;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Mcp;

/// <summary>
/// The MCP tools. Every result is text for the model plus structured content; no result, error or
/// log line ever holds a secret value or a Secret Server token.
/// </summary>
[McpServerToolType]
public sealed partial class SecretTools
{
    private readonly SecretServerClient _secretServer;
    private readonly TicketStore _tickets;
    private readonly SessionLedger _ledger;
    private readonly AccessGate _gate;
    private readonly AuditTrail _audit;
    private readonly ILogger<SecretTools> _logger;

    public SecretTools(
        SecretServerClient secretServer, TicketStore tickets, SessionLedger ledger, AccessGate gate, AuditTrail audit,
        ILogger<SecretTools> logger)
    {
        _secretServer = secretServer;
        _tickets = tickets;
        _ledger = ledger;
        _gate = gate;
        _audit = audit;
        _logger = logger;
    }

    [McpServerTool(Name = "get_secret_environment_variable", Title = "Put a secret into a shell variable",
        ReadOnly = false, Destructive = false, Idempotent = false, OpenWorld = false)]
    [Description("Returns a shell snippet that sets an environment variable to a secret from Delinea Secret Server "
        + "without the value ever appearing in this conversation. The snippet holds a single-use ticket that "
        + "expires in minutes; run it in your shell, then run the command that needs the variable. If each of "
        + "your commands starts a fresh shell, use the 'inline' form and put your command where {command} is.")]
    public async Task<CallToolResult> GetSecretEnvironmentVariableAsync(
        McpServer server,
        [Description("The secret: an alias from the user's secret-mcp policy (such as 'db-prod'), a numeric Secret "
            + "Server id, or a folder path plus name such as 'db/prod'.")]
        string secret,
        [Description("The shell that will run the snippet: bash, zsh, sh, fish, pwsh, powershell or cmd.")]
        string shell,
        [Description("The environment variable to set; ASCII letters, digits and underscores. "
            + "Defaults to a name made from the secret and field, such as DB_PROD_PASSWORD.")]
        string? variable = null,
        [Description("The field slug, such as 'password' or 'username'. Defaults to the secret's password field.")]
        string? field = null,
        [Description("Why the secret is needed, in a short sentence. Shown to the user when they are asked to "
            + "approve, and recorded in Secret Server's audit log as the access comment; required for secrets that "
            + "need a comment (describe_secret tells) and where the user's policy asks for one.")]
        string? reason = null,
        [Description("A change or incident ticket number to record with the access, when your process asks for one.")]
        string? ticketNumber = null,
        [Description("'export' (default) sets the variable in the current shell; 'inline' returns one command "
            + "line that runs your command, in place of {command}, with the variable set; use it when each of "
            + "your commands starts a fresh shell.")]
        string? mode = null,
        CancellationToken cancellationToken = default)
    {
        _audit.Record(new AuditEvent
        {
            Kind = AuditEventKind.Requested, Session = _ledger.SessionId, SecretPath = secret, Field = field,
            Variable = variable, Shell = shell,
        });

        if (!ShellNames.TryParse(shell, out var shellKind))
        {
            return Error($"Unknown shell '{Shorten(shell)}'. Use one of: {string.Join(", ", ShellNames.All)}.");
        }

        if (!SnippetModes.TryParse(mode, out var snippetMode))
        {
            return Error($"Unknown mode '{Shorten(mode)}'. Use 'export' (set the variable in this shell) or "
                + "'inline' (run one command with it, for a fresh shell per command).");
        }

        if (CheckReason(reason) is { } reasonProblem)
        {
            return Error($"Invalid reason: {reasonProblem}. Nothing was issued.");
        }

        if (_gate.Policy.TryGetAlias(secret, out var alias))
        {
            return await GetAliasAsync(
                    server, alias, shellKind, snippetMode, variable, field, new FieldReadRequest(reason, ticketNumber),
                    cancellationToken)
                .ConfigureAwait(false);
        }

        if (variable is not null && VariableName.Validate(variable) is { } nameProblem)
        {
            return Error($"Invalid variable: {nameProblem}. Nothing was issued.");
        }

        if (!SecretReference.TryParse(secret, out var reference, out var referenceProblem))
        {
            return Error($"Invalid secret: {referenceProblem}.");
        }

        SecretMetadata metadata;
        try
        {
            // Pre-flight: the secret and field must exist now and be readable with what was given, so a
            // typo, a missing reason or a missing approval fails here and not in the shell.
            metadata = await _secretServer.PrepareReadAsync(
                reference, new FieldReadRequest(reason, ticketNumber), cancellationToken).ConfigureAwait(false);
        }
        catch (SecretRequiresApprovalException)
        {
            return Error(await _gate.AccessRequests.HandleAsync(reference, reference.Label, reason,
                AccessGate.ClientName(server), cancellationToken).ConfigureAwait(false));
        }
        catch (SecretServerException e)
        {
            LogRefused(_logger, reference.Label, e.GetType().Name);
            AuditRequestRefused(reference.Label, e switch
            {
                NotSignedInException => BrokerProblemCodes.NotSignedIn,
                SecretNotFoundException or FieldNotFoundException => BrokerProblemCodes.SecretNotFound,
                SecretRequiresCommentException => BrokerProblemCodes.AccessDenied,
                _ => BrokerProblemCodes.SecretServerUnavailable,
            });
            return Error(e.Message + " Nothing was issued.");
        }

        var chosen = field is null ? metadata.DefaultField : metadata.FindField(field);
        if (chosen is null && field is not null && metadata.FieldsUnavailableReason is not null)
        {
            // The fields cannot be listed without viewing the secret; the read at redemption checks the slug.
            chosen = new FieldMetadata(field, field, IsPassword: false, IsFile: false, IsNotes: false);
        }

        if (chosen is null && metadata.FieldsUnavailableReason is { } hidden)
        {
            return Error($"Secret '{reference.Label}': {hidden}; name the field with 'field'. Nothing was issued.");
        }

        if (chosen is null)
        {
            var slugs = string.Join(", ", metadata.Fields.Select(f => f.Slug));
            return Error(field is null
                ? $"Secret '{reference.Label}' has no password field; name one with 'field' (fields: {slugs})."
                : $"Secret '{reference.Label}' has no field '{Shorten(field)}' (fields: {slugs}). Nothing was issued.");
        }

        if (FieldFit.Refusal(shellKind, chosen.Slug, chosen.IsNotes, chosen.IsFile) is { } fitProblem)
        {
            return Error($"Cannot deliver this field to {shellKind.Name()}: {fitProblem}. Nothing was issued.");
        }

        var label = reference.Path is null ? metadata.Name : reference.Label;
        var name = variable ?? VariableName.Derive(label, chosen.Slug);
        var facts = PolicyFacts.Of(metadata, reference);
        var approval = await _gate.AuthorizeAsync(server,
            new AccessQuestion(facts, metadata.Id, label, metadata.Template, [(chosen.Slug, name)], shellKind, reason),
            cancellationToken).ConfigureAwait(false);
        if (approval.Limits is not { } limits)
        {
            return Error(approval.Refusal!);
        }

        var grant = new TicketGrant(
            metadata.Id, label, chosen.Slug, name, shellKind, _ledger.SessionId,
            Reason: string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), TicketNumber: ticketNumber);
        if (TryMint(grant, limits, out var problem) is not { } minted)
        {
            return Error(problem!);
        }

        SnippetSet snippets;
        try
        {
            snippets = SnippetFactory.ForVariable(shellKind, name, HelperCommand.Self(), minted.Ticket);
        }
        catch (ArgumentException e)
        {
            // The tool's own path cannot be quoted for this shell (cmd refuses % ! ^ " in it).
            minted.Entry.Revoke();
            return Error($"Cannot write a {shellKind.Name()} snippet: {e.Message} Nothing was issued.");
        }

        var result = new GetSecretResult(
            name, shellKind.Name(), snippetMode.Name(),
            snippetMode == SnippetMode.Inline ? snippets.Inline : snippets.Export, snippets.Inline,
            minted.Entry.ExpiresAt,
            minted.Entry.Id, metadata.Id, label, chosen.Slug, new CleanupArguments(shellKind.Name(), [name]));
        LogMinted(_logger, minted.Entry.Id, metadata.Id, chosen.Slug, name, shellKind.Name());

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = DescribeForModel(result) }],
            StructuredContent = JsonSerializer.SerializeToElement(result, ToolJsonContext.Default.GetSecretResult),
        };
    }

    [McpServerTool(Name = "cleanup", Title = "Unset secret variables", ReadOnly = false, Destructive = false,
        Idempotent = true, OpenWorld = false)]
    [Description("Returns a snippet that unsets the variables set by get_secret_environment_variable (all of "
        + "this session's, or the ones named) and revokes their tickets that were not used yet. Harmless in a "
        + "shell that never ran the snippets.")]
    public async Task<CallToolResult> CleanupAsync(
        [Description("The shell that will run the snippet: bash, zsh, sh, fish, pwsh, powershell or cmd.")]
        string shell,
        [Description("Variables to unset; all that this session issued when omitted.")]
        string[]? variables = null,
        CancellationToken cancellationToken = default)
    {
        if (!ShellNames.TryParse(shell, out var shellKind))
        {
            return Error($"Unknown shell '{Shorten(shell)}'. Use one of: {string.Join(", ", ShellNames.All)}.");
        }

        var names = variables is { Length: > 0 }
            ? variables.Distinct(StringComparer.Ordinal).ToList()
            : [.. _ledger.Variables];
        foreach (var name in names)
        {
            if (VariableName.Validate(name) is { } problem)
            {
                return Error($"Invalid variable: {problem}. Nothing was unset or revoked.");
            }
        }

        var revoked = new List<string>();
        var redeemed = new List<RedeemedTicket>();
        var forgotten = _ledger.Forget(names);
        foreach (var ticketId in forgotten)
        {
            if (_tickets.Find(ticketId) is not { } entry)
            {
                continue;
            }

            if (entry.Revoke())
            {
                revoked.Add(ticketId);
                _audit.Record(AuditEvent.ForTicket(AuditEventKind.Revoked, entry, reason: "cleanup"));
            }

            if (entry.Delivered is { } shape)
            {
                redeemed.Add(new RedeemedTicket(
                    ticketId, entry.Grant.Variable, shape.Bytes, shape.Lines, shape.TrailingNewline));
            }
        }

        // Unused tickets are revoked first, so nothing can redeem the old value once it is rotated.
        var rotations = await _gate.Rotation.ReleaseAsync(forgotten, cancellationToken).ConfigureAwait(false);
        var result = new CleanupResult(
            shellKind.Name(), SnippetFactory.Unset(shellKind, names), names, revoked, redeemed,
            rotations.Count > 0 ? rotations : null);
        LogCleanedUp(_logger, names.Count, revoked.Count);
        _audit.Record(new AuditEvent
        {
            Kind = AuditEventKind.CleanedUp, Session = _ledger.SessionId, Shell = shellKind.Name(),
            Variable = string.Join(',', names), Detail = $"{revoked.Count} ticket(s) revoked",
        });

        var text = new StringBuilder();
        text.AppendLine(names.Count == 0
            ? "Nothing to clean up: this session issued no variables."
            : $"Run this in your shell to unset {string.Join(", ", names)}:");
        text.AppendLine(result.Snippet);
        if (revoked.Count > 0)
        {
            text.AppendLine(
                CultureInfo.InvariantCulture, $"Revoked {revoked.Count} unused ticket(s): {string.Join(", ", revoked)}.");
        }

        foreach (var ticket in redeemed)
        {
            text.AppendLine(
                $"{ticket.Variable} (ticket {ticket.TicketId}) had received {ticket.Bytes} bytes, "
                + $"{ticket.Lines} line(s), "
                + $"trailing newline: {(ticket.TrailingNewline ? "yes" : "no")}.");
        }

        AppendRotations(text, rotations);

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = text.ToString() }],
            StructuredContent = JsonSerializer.SerializeToElement(result, ToolJsonContext.Default.CleanupResult),
        };
    }

    private static string DescribeForModel(GetSecretResult result)
    {
        var text = new StringBuilder();
        if (result.Mode == "inline")
        {
            text.AppendLine(
                $"Run this as ONE command line in {result.Shell}, with your command in place of {{command}}; it "
                + $"runs your command with {result.Variable} set to field '{result.Field}' of secret "
                + $"'{result.Secret}' (the value is fetched when it runs and never shown here):");
            text.AppendLine(result.Inline);
        }
        else
        {
            text.AppendLine(
                $"Run this in your {result.Shell} shell to set {result.Variable} to field '{result.Field}' of secret "
                + $"'{result.Secret}' (the value is fetched when the snippet runs and never shown here):");
            text.AppendLine(result.Snippet);
            text.AppendLine();
            text.AppendLine("If your shell does not keep variables between commands (a fresh shell per command), "
                + "run this ONE command line instead, with your command in place of {command} (the ticket works "
                + "for one of the two forms only):");
            text.AppendLine(result.Inline);
        }

        text.AppendLine();
        if (result.Shell == "cmd")
        {
            text.AppendLine("In a .bat or .cmd file, write %%A where the snippet has %A.");
        }

        text.AppendLine(
            $"The ticket {result.TicketId} works once and expires at {result.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}. "
            + "If the snippet fails, ask for a new one; do not retry it. Do not print the variable. When you are "
            + $"done, call cleanup with shell \"{result.Shell}\".");
        if (LooksFiltered(result.Variable))
        {
            text.AppendLine(
                $"Note: some agents drop inherited variables whose names contain KEY, SECRET or TOKEN; "
                + $"set {result.Variable} in the same command line that uses it.");
        }

        return text.ToString();
    }

    private void AuditRequestRefused(string secret, string code) => _audit.Record(new AuditEvent
    {
        Kind = AuditEventKind.RequestRefused, Session = _ledger.SessionId, SecretPath = secret, Code = code,
    });

    private static bool LooksFiltered(string variable) =>
        variable.Contains("KEY", StringComparison.OrdinalIgnoreCase)
        || variable.Contains("SECRET", StringComparison.OrdinalIgnoreCase)
        || variable.Contains("TOKEN", StringComparison.OrdinalIgnoreCase);

    private static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    /// <summary>Echoes the agent's input back only in a short, printable form.</summary>
    private static string Shorten(string? text)
    {
        var printable = new string((text ?? "").Where(c => !char.IsControl(c)).Take(64).ToArray());
        return (text?.Length ?? 0) > 64 ? printable + "…" : printable;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Minted ticket {TicketId}: secret {SecretId}, field {Field}, variable {Variable}, shell {Shell}")]
    private static partial void LogMinted(ILogger logger, string ticketId, int secretId, string field, string variable, string shell);

    [LoggerMessage(Level = LogLevel.Information, Message = "Request for secret {Secret} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string secret, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Cleanup: {Variables} variable(s), {Revoked} ticket(s) revoked")]
    private static partial void LogCleanedUp(ILogger logger, int variables, int revoked);
}
