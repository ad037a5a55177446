using System.ComponentModel;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SecretMcp.Policy;
using SecretMcp.SecretServer;

namespace SecretMcp.Mcp;

/// <summary>
/// search_secrets and describe_secret: what the agent may ask for, and what asking takes. Both
/// answer with names, ids, folder paths, templates, field slugs and flags; never with a value. A
/// secret the policy refuses is left out of searches, and described exactly like one that does not
/// exist, so the agent is not pointed at what it may not have.
/// </summary>
[McpServerToolType]
public sealed partial class CatalogTools
{
    private const int MaxListed = 50;
    private const int MaxQueryLength = 200;

    private readonly SecretServerClient _secretServer;
    private readonly PolicyEngine _policy;
    private readonly ILogger<CatalogTools> _logger;

    public CatalogTools(SecretServerClient secretServer, PolicyEngine policy, ILogger<CatalogTools> logger)
    {
        _secretServer = secretServer;
        _policy = policy;
        _logger = logger;
    }

    [McpServerTool(Name = "search_secrets", Title = "Find secrets by name", ReadOnly = true, Destructive = false,
        Idempotent = true, OpenWorld = false)]
    [Description("Lists the Secret Server secrets this user can see whose name contains the query: id, name, "
        + "folder path, template and flags (requires a reason, requires approval, check-out). Never returns a "
        + "value. Use an id or path from here with describe_secret or get_secret_environment_variable.")]
    public async Task<CallToolResult> SearchSecretsAsync(
        [Description("Part of a secret's name, such as 'prod' or 'payments'; case-insensitive.")]
        string query,
        CancellationToken cancellationToken = default)
    {
        var text = query?.Trim() ?? "";
        if (text.Length == 0 || text.Length > MaxQueryLength || text.Any(char.IsControl))
        {
            return Error($"query must be 1 to {MaxQueryLength} printable characters, such as 'prod'.");
        }

        SecretSearchResult found;
        try
        {
            found = await _secretServer.SearchAsync(text, MaxListed, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretServerException e)
        {
            LogFailed(_logger, "search_secrets", e.GetType().Name);
            return Error(e.Message);
        }

        // The total counts only what is listed: hidden secrets must not show, not even as a number.
        var visible = found.Secrets.Where(c => _policy.IsVisible(PolicyFacts.Of(c))).ToList();
        var result = new SearchSecretsResult(
            text, visible.Select(SecretListing.From).ToList(), visible.Count, found.Truncated);
        LogSearched(_logger, result.Secrets.Count);

        var model = new StringBuilder();
        model.AppendLine(visible.Count == 0
            ? $"No secret this account can see has a name containing '{text}'"
              + (found.Truncated ? " among the first matches; narrow the query." : ".")
            : $"{visible.Count} secret(s) with '{text}' in the name"
              + (found.Truncated ? " (more may match; narrow the query):" : ":"));
        foreach (var secret in result.Secrets)
        {
            model.Append("- ").Append(secret.Id).Append(' ').Append(secret.Path)
                .Append(" (").Append(secret.Template).Append(')').AppendLine(FlagText(secret.Flags));
        }

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = model.ToString() }],
            StructuredContent = JsonSerializer.SerializeToElement(
                result, CatalogJsonContext.Default.SearchSecretsResult),
        };
    }

    [McpServerTool(Name = "describe_secret", Title = "Describe a secret", ReadOnly = true, Destructive = false,
        Idempotent = true, OpenWorld = false)]
    [Description("Describes one Secret Server secret without its values: id, name, folder path, template, its "
        + "fields (slug, name, which is the password field, which are files) and what reading it takes (a "
        + "reason, an approval, a check-out). Use it to pick the field and see whether a reason is needed.")]
    public async Task<CallToolResult> DescribeSecretAsync(
        [Description("The secret: a numeric id, a folder path plus name such as 'db/prod', or an exact name.")]
        string secret,
        CancellationToken cancellationToken = default)
    {
        if (!SecretReference.TryParse(secret, out var reference, out var problem))
        {
            return Error($"Invalid secret: {problem}.");
        }

        SecretMetadata metadata;
        try
        {
            metadata = await _secretServer.GetSecretAsync(reference, cancellationToken).ConfigureAwait(false);
            if (!_policy.IsVisible(PolicyFacts.Of(metadata, reference)))
            {
                throw SecretServerClient.NotFound(reference);
            }
        }
        catch (SecretServerException e)
        {
            LogFailed(_logger, "describe_secret", e.GetType().Name);
            return Error(e.Message);
        }

        var fields = metadata.Fields
            .Select(f => new FieldResult(
                f.Slug, f.Name, f.IsFile ? "file" : f.IsNotes ? "notes" : "text", f.IsPassword))
            .ToList();
        var result = new DescribeSecretResult(
            metadata.Id, metadata.Name, ForModel(metadata.Path), ForModel(metadata.FolderPath), metadata.Template,
            fields, metadata.DefaultField?.Slug, metadata.FieldsUnavailableReason,
            SecretFlagsResult.From(metadata.Flags),
            new AccessResult(metadata.Access.Kind.ToString(), metadata.Access.Describe(), metadata.RequiresComment));
        LogDescribed(_logger, metadata.Id);

        return new CallToolResult
        {
            Content = [new TextContentBlock { Text = DescribeForModel(result) }],
            StructuredContent = JsonSerializer.SerializeToElement(
                result, CatalogJsonContext.Default.DescribeSecretResult),
        };
    }

    private static string DescribeForModel(DescribeSecretResult result)
    {
        var text = new StringBuilder();
        text.AppendLine($"Secret {result.Id} {result.Path} (template {result.Template}){FlagText(result.Flags)}.");
        text.AppendLine($"Reading it: {result.Access.Description}.");
        if (result.Access.ReasonRequired)
        {
            text.AppendLine(
                "Pass reason to get_secret_environment_variable: it is required and recorded in the audit log.");
        }

        if (result.Fields.Count == 0)
        {
            text.AppendLine($"Fields: not listed ({result.FieldsNote ?? "none"}).");
        }
        else
        {
            text.AppendLine("Fields (slug, name, kind):");
            foreach (var field in result.Fields)
            {
                text.Append("- ").Append(field.Slug).Append(", ").Append(field.Name).Append(", ").Append(field.Kind)
                    .AppendLine(field.IsPassword ? " (password field: the default)" : "");
            }
        }

        return text.ToString();
    }

    private static string FlagText(SecretFlagsResult flags)
    {
        var notes = new List<string>();
        if (flags.RequiresComment)
        {
            notes.Add("requires a reason");
        }

        if (flags.RequiresApproval)
        {
            notes.Add("requires approval");
        }

        if (flags.CheckOut)
        {
            notes.Add(flags.CheckedOut ? "check-out, currently checked out" : "check-out");
        }

        if (flags.DoubleLock)
        {
            notes.Add("double lock");
        }

        if (!flags.Active)
        {
            notes.Add("inactive");
        }

        return notes.Count == 0 ? "" : " [" + string.Join(", ", notes) + "]";
    }

    private static string ForModel(string path) => SecretListing.ForModel(path);

    private static CallToolResult Error(string message) => new()
    {
        IsError = true,
        Content = [new TextContentBlock { Text = message }],
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "search_secrets listed {Count} secret(s)")]
    private static partial void LogSearched(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "describe_secret described secret {SecretId}")]
    private static partial void LogDescribed(ILogger logger, int secretId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Tool} failed: {Reason}")]
    private static partial void LogFailed(ILogger logger, string tool, string reason);
}
