namespace SecretMcp.Policy;

/// <summary>The config's <c>policy</c> section, parsed and validated.</summary>
public sealed record PolicySettings(
    DefaultAction Default,
    IReadOnlyList<PolicyRule> Rules,
    IReadOnlyDictionary<string, SecretAlias> Aliases,
    AccessRequestMode AccessRequests,
    TimeSpan ApprovalTimeout)
{
    public static readonly TimeSpan DefaultApprovalTimeout = TimeSpan.FromMinutes(5);

    /// <summary>
    /// No config file: every secret needs the user's approval. Clients that cannot ask get a refusal
    /// that says how to allow the secret in the config.
    /// </summary>
    public static PolicySettings Unconfigured { get; } = new(
        DefaultAction.Ask, [], new Dictionary<string, SecretAlias>(StringComparer.OrdinalIgnoreCase),
        AccessRequestMode.Report, DefaultApprovalTimeout);

    /// <summary>
    /// 'serve --dev' without a config file: the dev vault holds sample values that protect nothing, so
    /// all of them are allowed and the demo works with any client. A config file replaces this.
    /// </summary>
    public static PolicySettings DevVault { get; } = Unconfigured with
    {
        // No criterion: matches every secret, also one named by id. The config file cannot say this.
        Rules = [new PolicyRule("dev vault (no config file)", RuleAction.Allow, null, null, null, RuleLimits.None)],
    };
}
