using SecretMcp.Policy;
using SecretMcp.SecretServer;
using SecretMcp.Shells;

namespace SecretMcp.Tests.Policy;

public sealed class PolicyEngineTests
{
    private static readonly SecretFacts s_prodDb = new(10, "\\prod\\db", "SQL Server Account");
    private static readonly SecretFacts s_devApi = new(11, "\\dev\\api", "API Key");

    [Fact]
    public void Deny_wins_over_allow_and_ask_whatever_the_order()
    {
        var engine = Engine(
            Rule("allow all", RuleAction.Allow, path: "**"),
            Rule("ask prod", RuleAction.Ask, path: "prod/**"),
            Rule("no prod db", RuleAction.Deny, id: 10));

        var decision = engine.Decide(s_prodDb);

        decision.Verdict.Should().Be(Verdict.Refuse);
        decision.DecidedBy.Should().Be("no prod db");
        decision.IsUnlisted.Should().BeFalse();
        decision.MatchedRules.Should().Equal("allow all", "ask prod", "no prod db");
        engine.Decide(s_devApi).Verdict.Should().Be(Verdict.Allow);
    }

    [Fact]
    public void Ask_wins_over_allow()
    {
        var engine = Engine(Rule("allow", RuleAction.Allow, path: "**"), Rule("ask", RuleAction.Ask, template: "SQL*"));

        engine.Decide(s_prodDb).Should().Match<PolicyDecision>(d => d.Verdict == Verdict.Ask && d.DecidedBy == "ask");
        engine.Decide(s_devApi).Should().Match<PolicyDecision>(d => d.Verdict == Verdict.Allow && d.DecidedBy == "allow");
    }

    [Theory]
    [InlineData(DefaultAction.Ask, Verdict.Ask)]
    [InlineData(DefaultAction.Refuse, Verdict.Refuse)]
    public void An_unlisted_secret_gets_the_default(DefaultAction defaultAction, Verdict expected)
    {
        var engine = Engine(defaultAction, Rule("dev", RuleAction.Allow, path: "dev/**"));

        var decision = engine.Decide(s_prodDb);

        decision.Verdict.Should().Be(expected);
        decision.IsDefault.Should().BeTrue();
        decision.DecidedBy.Should().BeNull();
        decision.IsUnlisted.Should().Be(expected == Verdict.Refuse);
    }

    [Fact]
    public void Every_criterion_of_a_rule_must_hold()
    {
        var engine = Engine(DefaultAction.Refuse, Rule("prod sql", RuleAction.Allow, path: "prod/**", template: "SQL*"));

        engine.Decide(s_prodDb).Verdict.Should().Be(Verdict.Allow);
        engine.Decide(s_prodDb with { Template = "API Key" }).Verdict.Should().Be(Verdict.Refuse);
        engine.Decide(s_prodDb with { Path = "\\dev\\db" }).Verdict.Should().Be(Verdict.Refuse);
    }

    [Fact]
    public void An_unknown_path_counts_for_deny_and_ask_rules_and_never_for_allow_rules()
    {
        var byId = new SecretFacts(10, null, "SQL Server Account");

        var deny = Engine(Rule("allow", RuleAction.Allow, path: "**"), Rule("no prod", RuleAction.Deny, path: "prod/**"))
            .Decide(byId);
        deny.Verdict.Should().Be(Verdict.Refuse);
        deny.OnUnknownFacts.Should().BeTrue();

        var ask = Engine(Rule("allow", RuleAction.Allow, id: 10), Rule("ask prod", RuleAction.Ask, path: "prod/**")).Decide(byId);
        ask.Verdict.Should().Be(Verdict.Ask);
        ask.OnUnknownFacts.Should().BeTrue();

        var allow = Engine(DefaultAction.Refuse, Rule("prod", RuleAction.Allow, path: "prod/**")).Decide(byId);
        allow.Verdict.Should().Be(Verdict.Refuse, "an allow rule that only might match does not allow");
        allow.OnUnknownFacts.Should().BeTrue();

        // With the path known, the same rules decide on it.
        Engine(DefaultAction.Refuse, Rule("prod", RuleAction.Allow, path: "prod/**")).Decide(s_prodDb).Verdict
            .Should().Be(Verdict.Allow);
    }

    [Fact]
    public void A_definite_deny_is_not_reported_as_uncertain()
    {
        var decision = Engine(Rule("no 10", RuleAction.Deny, id: 10), Rule("no prod", RuleAction.Deny, path: "prod/**"))
            .Decide(new SecretFacts(10, null, null));

        decision.Verdict.Should().Be(Verdict.Refuse);
        decision.OnUnknownFacts.Should().BeFalse();
    }

    [Fact]
    public void The_strictest_limits_of_the_matching_rules_apply()
    {
        var engine = Engine(
            Rule("a", RuleAction.Allow, path: "prod/**", limits: new RuleLimits(TimeSpan.FromMinutes(10), 5, false,
                new HashSet<ShellKind> { ShellKind.Bash, ShellKind.Zsh }, false)),
            Rule("b", RuleAction.Allow, template: "SQL*", limits: new RuleLimits(TimeSpan.FromMinutes(3), null, true,
                new HashSet<ShellKind> { ShellKind.Zsh, ShellKind.Fish }, true)),
            Rule("other", RuleAction.Allow, path: "dev/**", limits: new RuleLimits(TimeSpan.FromSeconds(5), 1)));

        var limits = engine.Decide(s_prodDb).Limits;

        limits.Lifetime.Should().Be(TimeSpan.FromMinutes(3));
        limits.Uses.Should().Be(5);
        limits.RequireReason.Should().BeTrue();
        limits.Shells.Should().BeEquivalentTo([ShellKind.Zsh]);
        limits.RotateAfterUse.Should().BeTrue();
        limits.CheckShell(ShellKind.Zsh).Should().BeNull();
        limits.CheckShell(ShellKind.Bash).Should().Be("the policy allows this secret only in zsh, not in bash");
    }

    [Fact]
    public void Without_rule_limits_the_ticket_defaults_apply_and_the_caps_hold()
    {
        var engine = new PolicyEngine(Settings(DefaultAction.Ask), new TicketLimits(TimeSpan.FromMinutes(30), 50));

        var limits = engine.Decide(s_prodDb).Limits;

        limits.Lifetime.Should().Be(RuleLimits.MaxLifetime);
        limits.Uses.Should().Be(RuleLimits.MaxUses);
        limits.RequireReason.Should().BeFalse();
        limits.Shells.Should().BeNull();
        limits.CheckShell(ShellKind.Cmd).Should().BeNull();
    }

    [Fact]
    public void Shell_lists_that_do_not_overlap_leave_no_shell()
    {
        var engine = Engine(
            Rule("a", RuleAction.Allow, id: 10, limits: new RuleLimits(Shells: new HashSet<ShellKind> { ShellKind.Bash })),
            Rule("b", RuleAction.Allow, id: 10, limits: new RuleLimits(Shells: new HashSet<ShellKind> { ShellKind.Fish })));

        engine.Decide(s_prodDb).Limits.CheckShell(ShellKind.Bash).Should().Contain("leave no shell allowed");
    }

    [Fact]
    public void Visible_means_not_refused()
    {
        var engine = Engine(DefaultAction.Refuse, Rule("dev", RuleAction.Allow, path: "dev/**"), Rule("ask", RuleAction.Ask, id: 10));

        engine.IsVisible(s_devApi).Should().BeTrue();
        engine.IsVisible(s_prodDb).Should().BeTrue("an ask rule lists it");
        engine.IsVisible(new SecretFacts(99, "\\hr\\payroll", "Password")).Should().BeFalse();
        Engine(DefaultAction.Ask).IsVisible(new SecretFacts(99, "\\hr\\payroll", "Password")).Should().BeTrue();
    }

    [Fact]
    public void Aliases_are_found_ignoring_case_and_surrounding_space()
    {
        var alias = new SecretAlias("db-prod", SecretReference.FromId(10), [new AliasVariable("DB_PASSWORD", null)]);
        var settings = Settings(DefaultAction.Ask) with
        {
            Aliases = new Dictionary<string, SecretAlias>(StringComparer.OrdinalIgnoreCase) { ["db-prod"] = alias },
        };
        var engine = new PolicyEngine(settings, TicketLimits.Default);

        engine.TryGetAlias(" DB-Prod ", out var found).Should().BeTrue();
        found.Should().BeSameAs(alias);
        engine.TryGetAlias("db/prod", out _).Should().BeFalse();
        engine.TryGetAlias("", out _).Should().BeFalse();
    }

    [Fact]
    public void The_dev_vault_policy_allows_everything_and_the_unconfigured_one_asks()
    {
        var dev = new PolicyEngine(PolicySettings.DevVault, TicketLimits.Default);
        dev.Decide(s_prodDb).Verdict.Should().Be(Verdict.Allow);
        dev.Decide(new SecretFacts(10, null, null)).Verdict.Should().Be(Verdict.Allow, "also when named by id");
        new PolicyEngine(PolicySettings.Unconfigured, TicketLimits.Default).Decide(s_prodDb).Verdict.Should().Be(Verdict.Ask);
    }

    [Theory]
    [InlineData("db-prod", null)]
    [InlineData("pg.main_2", null)]
    [InlineData("42", "all digits")]
    [InlineData("db/prod", "only letters")]
    [InlineData("-x", "starts with a letter or digit")]
    [InlineData("", "1 to 64")]
    public void Alias_names_cannot_look_like_ids_or_paths(string name, string? expected)
    {
        var problem = SecretAlias.ValidateName(name);

        if (expected is null)
        {
            problem.Should().BeNull();
        }
        else
        {
            problem.Should().Contain(expected);
        }
    }

    private static PolicyEngine Engine(params PolicyRule[] rules) => Engine(DefaultAction.Ask, rules);

    private static PolicyEngine Engine(DefaultAction defaultAction, params PolicyRule[] rules) =>
        new(Settings(defaultAction) with { Rules = rules }, TicketLimits.Default);

    private static PolicySettings Settings(DefaultAction defaultAction) => PolicySettings.Unconfigured with { Default = defaultAction };

    private static PolicyRule Rule(
        string name, RuleAction action, string? path = null, int? id = null, string? template = null, RuleLimits? limits = null) =>
        new(name, action, path is null ? null : PathGlob.TryParse(path, out _), id, template, limits ?? RuleLimits.None);
}
