using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SecretMcp.Audit;
using SecretMcp.Policy;
using SecretMcp.SecretServer;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Mcp;

// Policy, approval and aliases: the parts of the tools that decide whether and how a ticket is
// minted. Kept apart from the snippet and pre-flight code so each can change on its own.
public sealed partial class SecretTools
{
    /// <summary>The agent's reason is shown to the user and kept in the audit; it is short by design.</summary>
    private const int MaxReasonLength = 500;

    private static string? CheckReason(string? reason) =>
        reason is { Length: > MaxReasonLength }
            ? $"reason is longer than {MaxReasonLength} characters; say in one sentence why you need the secret"
            : null;

    /// <summary>
    /// Mints with the policy's limits, audits it (fail closed: a ticket the audit log cannot account
    /// for is not handed out), records the variable for cleanup and tracks rotation. Null with a
    /// message for the model when a limit or the audit log refuses.
    /// </summary>
    private MintedTicket? TryMint(TicketGrant grant, EffectiveLimits limits, out string? problem)
    {
        MintedTicket minted;
        try
        {
            minted = _tickets.Mint(grant, limits.Lifetime, limits.Uses);
        }
        catch (TicketLimitException e)
        {
            AuditRequestRefused(grant.SecretLabel, "ticket_limit");
            problem = e.Message + " Nothing was issued.";
            return null;
        }

        if (!_audit.Record(AuditEvent.ForTicket(AuditEventKind.Minted, minted.Entry)))
        {
            minted.Entry.Revoke();
            problem = "secret-mcp cannot write its audit log, so it hands out no tickets; ask the user to "
                + "check the server's log (stderr). Nothing was issued.";
            return null;
        }

        _ledger.Record(grant.Variable, minted.Entry.Id);
        if (limits.RotateAfterUse)
        {
            _gate.Rotation.Track(grant.SecretId, grant.SecretLabel, [minted.Entry]);
        }

        problem = null;
        return minted;
    }

    /// <summary>
    /// An alias: one secret, one or several variables, one approval, one ticket per variable, and
    /// one snippet that sets them all (or none).
    /// </summary>
    private async Task<CallToolResult> GetAliasAsync(
        McpServer server,
        SecretAlias alias,
        ShellKind shell,
        SnippetMode mode,
        string? variable,
        string? field,
        FieldReadRequest read,
        CancellationToken cancellationToken)
    {
        var sets = string.Join(", ", alias.Variables.Select(v => v.Variable ?? "(derived)"));
        if (field is not null || (variable is not null && (alias.IsMulti || alias.Variables[0].Variable is not null)))
        {
            return Error($"'{alias.Name}' is an alias from the secret-mcp policy and fixes its fields and variables "
                + $"({sets}); call it with only secret, shell and reason.");
        }

        if (variable is not null && VariableName.Validate(variable) is { } nameProblem)
        {
            return Error($"Invalid variable: {nameProblem}. Nothing was issued.");
        }

        var reason = read.Reason;
        SecretMetadata metadata;
        try
        {
            metadata = await _secretServer.PrepareReadAsync(alias.Secret, read, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretRequiresApprovalException)
        {
            return Error(await _gate.AccessRequests.HandleAsync(alias.Secret, alias.Secret.Label, reason,
                AccessGate.ClientName(server), cancellationToken).ConfigureAwait(false));
        }
        catch (SecretServerException e)
        {
            LogRefused(_logger, alias.Secret.Label, e.GetType().Name);
            AuditRequestRefused(alias.Secret.Label, "alias_unavailable");
            return Error($"Alias '{alias.Name}': {e.Message} Nothing was issued.");
        }

        var label = alias.Secret.Path is null ? metadata.Name : alias.Secret.Label;
        var items = new List<(string Field, string Variable)>();
        foreach (var wanted in alias.Variables)
        {
            var chosen = wanted.Field is null ? metadata.DefaultField : metadata.FindField(wanted.Field);
            if (chosen is null && wanted.Field is not null && metadata.FieldsUnavailableReason is not null)
            {
                // The fields cannot be listed without viewing the secret; the read at redemption checks the slug.
                chosen = new FieldMetadata(wanted.Field, wanted.Field, IsPassword: false, IsFile: false, IsNotes: false);
            }

            if (chosen is null)
            {
                var slugs = string.Join(", ", metadata.Fields.Select(f => f.Slug));
                return Error($"Alias '{alias.Name}' names field '{wanted.Field ?? "(password)"}', which secret "
                    + $"'{label}' does not have (fields: {slugs}). Ask the user to fix the alias in the secret-mcp "
                    + "config. Nothing was issued.");
            }

            if (FieldFit.Refusal(shell, chosen.Slug, chosen.IsNotes, chosen.IsFile) is { } fitProblem)
            {
                return Error($"Alias '{alias.Name}': cannot deliver field '{chosen.Slug}' to {shell.Name()}: "
                    + $"{fitProblem}. Nothing was issued.");
            }

            items.Add((chosen.Slug, wanted.Variable ?? variable ?? VariableName.Derive(alias.Name, chosen.Slug)));
        }

        var facts = PolicyFacts.Of(metadata, alias.Secret);
        var approval = await _gate.AuthorizeAsync(server,
            new AccessQuestion(facts, metadata.Id, label, metadata.Template, items, shell, reason),
            cancellationToken).ConfigureAwait(false);
        if (approval.Limits is not { } limits)
        {
            return Error(approval.Refusal!);
        }

        var issued = new List<IssuedVariable>();
        var tickets = new List<(string Variable, string Ticket)>();
        var entries = new List<TicketEntry>();
        DateTimeOffset expiresAt = default;
        foreach (var (slug, name) in items)
        {
            var grant = new TicketGrant(metadata.Id, label, slug, name, shell, _ledger.SessionId,
                Reason: string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(), TicketNumber: read.TicketNumber);
            if (TryMint(grant, limits, out var problem) is not { } minted)
            {
                // All or nothing: the variables minted before this one are not handed out either.
                entries.ForEach(e => e.Revoke());
                return Error(problem!);
            }

            entries.Add(minted.Entry);
            issued.Add(new IssuedVariable(name, slug, minted.Entry.Id));
            tickets.Add((name, minted.Ticket));
            expiresAt = minted.Entry.ExpiresAt;
            LogMinted(_logger, minted.Entry.Id, metadata.Id, slug, name, shell.Name());
        }

        SnippetSet snippets;
        try
        {
            snippets = SnippetGroups.ForVariables(shell, HelperCommand.Self(), tickets);
        }
        catch (ArgumentException e)
        {
            // The tool's own path cannot be quoted for this shell (cmd refuses % ! ^ " in it).
            entries.ForEach(entry => entry.Revoke());
            return Error($"Cannot write a {shell.Name()} snippet: {e.Message} Nothing was issued.");
        }

        var names = issued.Select(i => i.Variable).ToList();
        var snippet = mode == SnippetMode.Inline ? snippets.Inline : snippets.Export;
        if (issued.Count == 1)
        {
            var single = new GetSecretResult(names[0], shell.Name(), mode.Name(), snippet, snippets.Inline,
                expiresAt, issued[0].TicketId, metadata.Id, label, issued[0].Field,
                new CleanupArguments(shell.Name(), names));
            return new CallToolResult
            {
                Content = [new TextContentBlock { Text = DescribeForModel(single) }],
                StructuredContent = JsonSerializer.SerializeToElement(single, ToolJsonContext.Default.GetSecretResult),
            };
        }

        var result = new GetSecretsResult(issued, shell.Name(), mode.Name(), snippet, snippets.Inline, expiresAt,
            [.. issued.Select(i => i.TicketId)], metadata.Id, label, alias.Name,
            new CleanupArguments(shell.Name(), names));
        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = DescribeForModel(result) }],
            StructuredContent = JsonSerializer.SerializeToElement(result, ToolJsonContext.Default.GetSecretsResult),
        };
    }

    private static string DescribeForModel(GetSecretsResult result)
    {
        var names = string.Join(", ", result.Variables.Select(v => v.Variable));
        var text = new StringBuilder();
        if (result.Mode == "inline")
        {
            text.AppendLine($"Run this as ONE command line in {result.Shell}, with your command in place of {{command}}; "
                + $"it runs your command with {names} set from secret '{result.Secret}' (alias '{result.Alias}'; the "
                + "values are fetched when it runs and never shown here), and does not run it if any ticket fails:");
            text.AppendLine(result.Inline);
        }
        else
        {
            AppendExport(text, result, names);
        }

        text.AppendLine();
        text.AppendLine($"Each variable has its own ticket ({string.Join(", ", result.TicketIds)}); they expire at "
            + $"{result.ExpiresAt:yyyy-MM-ddTHH:mm:ssZ}. If the snippet fails, ask for a new one; do not retry it. "
            + $"Do not print the variables. When you are done, call cleanup with shell \"{result.Shell}\".");
        if (result.Variables.Any(v => LooksFiltered(v.Variable)))
        {
            text.AppendLine("Note: some agents drop inherited variables whose names contain KEY, SECRET or TOKEN; set "
                + "them in the same command line that uses them.");
        }

        return text.ToString();
    }

    private static void AppendExport(StringBuilder text, GetSecretsResult result, string names)
    {
        text.AppendLine($"Run this in your {result.Shell} shell to set {names} from secret '{result.Secret}' "
            + $"(alias '{result.Alias}'; the values are fetched when the snippet runs and never shown here). It sets "
            + "all of them or, if any ticket fails, none:");
        text.AppendLine(result.Snippet);
        text.AppendLine();
        text.AppendLine("If your shell does not keep variables between commands (a fresh shell per command), run the "
            + "snippet and the command that needs the secrets in ONE command line instead, with your command in place "
            + "of {command}:");
        text.AppendLine(result.Inline);
    }

    private static void AppendRotations(StringBuilder text, IReadOnlyList<RotationReport> rotations)
    {
        foreach (var rotation in rotations)
        {
            text.AppendLine($"Secret '{rotation.Secret}' (rotate after use): {rotation.Detail}");
        }
    }
}
