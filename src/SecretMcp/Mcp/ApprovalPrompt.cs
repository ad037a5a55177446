using System.Globalization;
using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using SecretMcp.Policy;

namespace SecretMcp.Mcp;

/// <summary>
/// The question put to the user through MCP elicitation, and how their answer is read. Only an
/// explicit "approve" is approval: a decline, a dismissal, an empty or unknown answer is not.
/// </summary>
public static class ApprovalPrompt
{
    public const string ChoiceKey = "decision";
    public const string Once = "approve-once";
    public const string Session = "approve-session";
    public const string Decline = "decline";

    public static ElicitRequestParams Build(ApprovalQuestion question)
    {
        ArgumentNullException.ThrowIfNull(question);

        return new ElicitRequestParams
        {
            Message = Describe(question),
            RequestedSchema = new ElicitRequestParams.RequestSchema
            {
                Properties = new Dictionary<string, ElicitRequestParams.PrimitiveSchemaDefinition>
                {
                    [ChoiceKey] = new ElicitRequestParams.TitledSingleSelectEnumSchema
                    {
                        Title = "Your decision",
                        Description = "Approve once issues these tickets only; approve for this session also lets "
                            + "later requests for the same fields through until the agent's MCP server stops.",
                        OneOf =
                        [
                            new ElicitRequestParams.EnumSchemaOption { Const = Once, Title = "Approve once" },
                            new ElicitRequestParams.EnumSchemaOption
                            {
                                Const = Session,
                                Title = "Approve for this session",
                            },
                            new ElicitRequestParams.EnumSchemaOption { Const = Decline, Title = "Decline" },
                        ],

                        // A form shown with its default pre-selected must never pre-select approval.
                        Default = Decline,
                    },
                },
                Required = [ChoiceKey],
            },
        };
    }

    public static ApprovalAnswer Read(ElicitResult result)
    {
        ArgumentNullException.ThrowIfNull(result);

        switch (result.Action)
        {
            case "decline":
                return ApprovalAnswer.Declined;
            case "accept":
                break;
            default:
                // "cancel", or anything else: the user dismissed the question.
                return ApprovalAnswer.Dismissed;
        }

        if (result.Content is null || !result.Content.TryGetValue(ChoiceKey, out var choice)
            || choice.ValueKind != JsonValueKind.String)
        {
            return ApprovalAnswer.NoChoice;
        }

        return choice.GetString() switch
        {
            Once => ApprovalAnswer.Once,
            Session => ApprovalAnswer.Session,
            Decline => ApprovalAnswer.Declined,
            _ => ApprovalAnswer.NoChoice,
        };
    }

    /// <summary>What, for whom, why and for how long, in plain words; the agent's text is marked as its own.</summary>
    private static string Describe(ApprovalQuestion q)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"{q.Client} asks secret-mcp for a secret from Secret Server.\n\n");
        text.Append(CultureInfo.InvariantCulture, $"Secret: {q.Secret} (id {q.SecretId}");
        text.Append(string.IsNullOrEmpty(q.Template) ? ")\n" : $", template \"{q.Template}\")\n");
        foreach (var (field, variable) in q.Variables)
        {
            text.Append(CultureInfo.InvariantCulture, $"Field \"{field}\" into ${variable}\n");
        }

        text.Append(CultureInfo.InvariantCulture, $"Shell: {q.Shell}\n");
        text.Append(q.Reason is { Length: > 0 }
            ? $"The agent's reason: \"{Sanitize(q.Reason)}\"\n"
            : "The agent gave no reason.\n");

        var uses = q.Limits.Uses == 1 ? "one use" : $"{q.Limits.Uses} uses";
        text.Append(CultureInfo.InvariantCulture, $"Each ticket allows {uses} within {Duration(q.Limits.Lifetime)}; ");
        text.Append("the value goes to the shell, never into the chat.");
        if (q.Limits.RotateAfterUse)
        {
            text.Append(" The password will be changed in Secret Server after use.");
        }

        text.Append(CultureInfo.InvariantCulture, $"\nPolicy: {q.DecidedBy}.");
        return text.ToString();
    }

    public static string Duration(TimeSpan span) => span.TotalSeconds < 120
        ? $"{span.TotalSeconds:0} seconds"
        : span.TotalSeconds % 60 == 0 ? $"{span.TotalMinutes:0} minutes" : $"{span.TotalMinutes:0.#} minutes";

    /// <summary>The agent's text, one line, printable, bounded.</summary>
    public static string Sanitize(string text)
    {
        var printable = new string(text.Select(c => char.IsControl(c) ? ' ' : c).Take(300).ToArray()).Trim();
        return text.Length > 300 ? printable + "…" : printable;
    }
}

/// <summary>Everything the user sees when asked.</summary>
public sealed record ApprovalQuestion(
    string Client,
    string Secret,
    int SecretId,
    string? Template,
    IReadOnlyList<(string Field, string Variable)> Variables,
    string Shell,
    string? Reason,
    EffectiveLimits Limits,
    string DecidedBy);

public enum ApprovalAnswer
{
    Once,
    Session,
    Declined,
    Dismissed,

    /// <summary>Accepted without a valid choice: not approval.</summary>
    NoChoice,
}
