namespace SecretMcp.Policy;

/// <summary>
/// One rule: which secrets it matches (every criterion given must hold) and what it says about
/// them. Rules from the config name at least one criterion; one without any matches every secret.
/// </summary>
public sealed record PolicyRule(
    string Name,
    RuleAction Action,
    PathGlob? Path,
    int? SecretId,
    string? Template,
    RuleLimits Limits)
{
    /// <summary>
    /// Yes, No, or Unknown when a criterion looks at something the facts do not hold (a path or a
    /// template that was not looked up). The engine reads Unknown cautiously: it counts for deny and
    /// ask rules, and not for allow rules, so asking by id can never slip past a path rule.
    /// </summary>
    public RuleMatch Match(SecretFacts facts)
    {
        var unknown = false;
        if (SecretId is { } id)
        {
            if (facts.Id is null)
            {
                unknown = true;
            }
            else if (facts.Id != id)
            {
                return RuleMatch.No;
            }
        }

        if (Path is not null)
        {
            if (facts.Path is null)
            {
                unknown = true;
            }
            else if (!Path.IsMatch(facts.Path))
            {
                return RuleMatch.No;
            }
        }

        if (Template is not null)
        {
            if (facts.Template is null)
            {
                unknown = true;
            }
            else if (!Wildcard.IsMatch(Template, facts.Template))
            {
                return RuleMatch.No;
            }
        }

        return unknown ? RuleMatch.Unknown : RuleMatch.Yes;
    }
}

public enum RuleMatch
{
    No,
    Yes,
    Unknown,
}
