namespace SecretMcp.Policy;

/// <summary>
/// What the rules decided for one secret, with the limits that apply and the rule that decided
/// (for messages and the audit). <see cref="DecidedBy"/> is null when no rule matched and the
/// default applied. <see cref="OnUnknownFacts"/> is true when the deciding rule only might match,
/// because the secret's path or template was not known; asking by path can then change the outcome.
/// </summary>
public sealed record PolicyDecision(
    Verdict Verdict,
    EffectiveLimits Limits,
    string? DecidedBy,
    IReadOnlyList<string> MatchedRules,
    bool IsDefault,
    bool OnUnknownFacts = false)
{
    /// <summary>True when the default refused an unlisted secret (rather than a deny rule).</summary>
    public bool IsUnlisted => IsDefault && Verdict == Verdict.Refuse;
}
