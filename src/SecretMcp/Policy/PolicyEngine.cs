using SecretMcp.Shells;

namespace SecretMcp.Policy;

/// <summary>
/// Decides, from the rules alone, whether a secret may be issued, must be approved by the user, or
/// is refused; and with which limits. Pure: no I/O, no clock, no state beyond the settings.
/// </summary>
/// <remarks>
/// Precedence: a matching deny rule refuses, whatever else matches ("deny wins"). Otherwise a
/// matching ask rule asks, even when an allow rule matches too. Otherwise a matching allow rule
/// allows. Otherwise the default (ask or refuse) applies. Where several rules match, the strictest
/// limits win: the shortest lifetime and fewest uses that any of them sets, a reason if any requires
/// one, only the shells all of them list, and rotation if any asks for it.
/// </remarks>
public sealed class PolicyEngine
{
    private readonly PolicySettings _settings;
    private readonly TicketLimits _tickets;

    public PolicyEngine(PolicySettings settings, TicketLimits tickets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(tickets);

        _settings = settings;
        _tickets = tickets;
    }

    public PolicySettings Settings => _settings;

    public PolicyDecision Decide(SecretFacts facts)
    {
        ArgumentNullException.ThrowIfNull(facts);

        var matches = _settings.Rules.Select(rule => (Rule: rule, Match: rule.Match(facts))).ToList();
        var matched = matches.Where(m => m.Match != RuleMatch.No).Select(m => m.Rule.Name).ToList();

        // Unknown counts against the secret, never for it.
        var deny = matches.FirstOrDefault(m => m.Rule.Action == RuleAction.Deny && m.Match != RuleMatch.No);
        if (deny.Rule is not null)
        {
            var uncertain = matches.Where(m => m.Rule.Action == RuleAction.Deny).All(m => m.Match != RuleMatch.Yes);
            return new PolicyDecision(Verdict.Refuse, Combine([]), deny.Rule.Name, matched, IsDefault: false,
                OnUnknownFacts: uncertain);
        }

        var asks = matches.Where(m => m.Rule.Action == RuleAction.Ask && m.Match != RuleMatch.No).ToList();
        var allows = matches.Where(m => m.Rule.Action == RuleAction.Allow && m.Match == RuleMatch.Yes)
            .Select(m => m.Rule).ToList();
        if (asks.Count > 0)
        {
            return new PolicyDecision(Verdict.Ask, Combine([.. asks.Select(m => m.Rule), .. allows]), asks[0].Rule.Name,
                matched, IsDefault: false, OnUnknownFacts: asks.All(m => m.Match == RuleMatch.Unknown));
        }

        if (allows.Count > 0)
        {
            return new PolicyDecision(Verdict.Allow, Combine(allows), allows[0].Name, matched, IsDefault: false);
        }

        var verdict = _settings.Default == DefaultAction.Ask ? Verdict.Ask : Verdict.Refuse;
        return new PolicyDecision(verdict, Combine([]), null, matched, IsDefault: true,
            OnUnknownFacts: matches.Any(m => m.Rule.Action == RuleAction.Allow && m.Match == RuleMatch.Unknown));
    }

    /// <summary>
    /// Whether search and describe may show the secret at all: everything the policy does not refuse.
    /// A secret the agent may never use is not worth showing it.
    /// </summary>
    public bool IsVisible(SecretFacts facts) => Decide(facts).Verdict != Verdict.Refuse;

    public bool TryGetAlias(string name, out SecretAlias alias)
    {
        alias = null!;
        return !string.IsNullOrEmpty(name) && _settings.Aliases.TryGetValue(name.Trim(), out alias!);
    }

    private EffectiveLimits Combine(IReadOnlyList<PolicyRule> rules)
    {
        var lifetime = rules.Select(r => r.Limits.Lifetime).Where(l => l is not null).Min() ?? _tickets.Lifetime;
        var uses = rules.Select(r => r.Limits.Uses).Where(u => u is not null).Min() ?? _tickets.Uses;

        HashSet<ShellKind>? shells = null;
        foreach (var listed in rules.Select(r => r.Limits.Shells).OfType<IReadOnlySet<ShellKind>>())
        {
            if (shells is null)
            {
                shells = [.. listed];
            }
            else
            {
                shells.IntersectWith(listed);
            }
        }

        return new EffectiveLimits(
            lifetime > RuleLimits.MaxLifetime ? RuleLimits.MaxLifetime : lifetime,
            Math.Min(uses, RuleLimits.MaxUses),
            rules.Any(r => r.Limits.RequireReason),
            shells,
            rules.Any(r => r.Limits.RotateAfterUse));
    }
}
