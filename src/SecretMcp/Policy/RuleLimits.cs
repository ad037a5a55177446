using SecretMcp.Shells;

namespace SecretMcp.Policy;

/// <summary>
/// Limits a rule puts on the tickets it lets through. Null means "this rule does not say"; the
/// ticket defaults apply unless another matching rule sets a stricter value.
/// </summary>
public sealed record RuleLimits(
    TimeSpan? Lifetime = null,
    int? Uses = null,
    bool RequireReason = false,
    IReadOnlySet<ShellKind>? Shells = null,
    bool RotateAfterUse = false)
{
    public static readonly RuleLimits None = new();

    /// <summary>A ticket lives at most this long, whatever the config says (DESIGN section 4).</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(15);

    /// <summary>A ticket redeems at most this often, whatever the config says.</summary>
    public const int MaxUses = 10;
}

/// <summary>The ticket defaults from the config's <c>tickets</c> section.</summary>
public sealed record TicketLimits(TimeSpan Lifetime, int Uses)
{
    public static readonly TicketLimits Default = new(TimeSpan.FromSeconds(120), 1);
}

/// <summary>The limits that apply to one request, after every matching rule had its say.</summary>
public sealed record EffectiveLimits(
    TimeSpan Lifetime,
    int Uses,
    bool RequireReason,
    IReadOnlySet<ShellKind>? Shells,
    bool RotateAfterUse)
{
    /// <summary>Null when the shell is allowed; otherwise why not, written for the model.</summary>
    public string? CheckShell(ShellKind shell)
    {
        if (Shells is null || Shells.Contains(shell))
        {
            return null;
        }

        return Shells.Count == 0
            ? "the policy rules for this secret leave no shell allowed (their 'shells' lists do not overlap)"
            : $"the policy allows this secret only in {string.Join(", ", Shells.Order().Select(s => s.Name()))}, "
                + $"not in {shell.Name()}";
    }
}
