namespace SecretMcp.Policy;

/// <summary>What a rule says about the secrets it matches.</summary>
public enum RuleAction
{
    /// <summary>Issue tickets without asking the user.</summary>
    Allow,

    /// <summary>Ask the user (MCP elicitation) before each ticket, or once per session if they choose so.</summary>
    Ask,

    /// <summary>Never issue a ticket. A deny rule wins over every other rule.</summary>
    Deny,
}

/// <summary>What happens to a secret that no rule matches.</summary>
public enum DefaultAction
{
    Ask,
    Refuse,
}

/// <summary>What secret-mcp does when Secret Server itself requires approval to read a secret.</summary>
public enum AccessRequestMode
{
    /// <summary>Say so, and leave the request to the user.</summary>
    Report,

    /// <summary>File the access request in Secret Server with the agent's reason and report its id.</summary>
    Create,
}

/// <summary>The outcome of the rules for one secret.</summary>
public enum Verdict
{
    Allow,
    Ask,
    Refuse,
}
