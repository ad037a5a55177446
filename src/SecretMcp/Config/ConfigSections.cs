using Microsoft.Extensions.Configuration;
using SecretMcp.Policy;
using SecretMcp.SecretServer;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Config;

/// <summary>
/// The sections of the config file (DESIGN section 9) and their keys. The JSON schema shipped with
/// the tool (config.schema.json) describes the same keys; a unit test keeps the two in step.
/// </summary>
internal static class ConfigSections
{
    public static readonly string[] TopLevel = ["$schema", "secretServer", "auth", "policy", "tickets", "audit"];
    public static readonly string[] SecretServer =
    [
        "baseUrl", "platformUrl", "caBundle", "timeoutSeconds", "totalTimeoutSeconds", "connectTimeoutSeconds",
        "maxRetries", "proxy", "noProxy",
    ];

    // The sign-in code (Auth/AuthSettings) owns what these mean; the config checks their shape.
    public static readonly string[] Auth =
    [
        "provider", "username", "domain", "authority", "clientId", "scopes", "redirectUri", "tokenExchangeEndpoint",
        "tokenExchangeAudience", "platformClientId", "tokenVariable", "tokenCache", "cacheDirectory",
        "devCertificate",
    ];
    public static readonly string[] Policy =
        ["default", "approvalTimeoutSeconds", "accessRequests", "rules", "aliases"];
    public static readonly string[] Rule =
    [
        "name", "action", "path", "secretId", "template", "lifetimeSeconds", "uses", "requireReason", "shells",
        "rotateAfterUse",
    ];
    public static readonly string[] Alias = ["path", "secretId", "field", "variable", "variables", "description"];
    public static readonly string[] Tickets = ["lifetimeSeconds", "uses", "maxOutstandingPerSession"];
    public static readonly string[] Audit = ["path"];

    private static readonly int s_maxLifetimeSeconds = (int)RuleLimits.MaxLifetime.TotalSeconds;

    private static readonly Dictionary<string, bool> s_providers = new(StringComparer.OrdinalIgnoreCase)
    {
        ["password"] = true,
        ["token-exchange"] = true,
        ["bearer"] = true,
        ["platform"] = true,
        ["token"] = true,
    };

    private static readonly Dictionary<string, bool> s_tokenCaches = new(StringComparer.OrdinalIgnoreCase)
    {
        ["auto"] = true,
        ["keyring"] = true,
        ["file"] = true,
        ["none"] = true,
    };

    private static readonly Dictionary<string, RuleAction> s_actions = new(StringComparer.OrdinalIgnoreCase)
    {
        ["allow"] = RuleAction.Allow,
        ["ask"] = RuleAction.Ask,
        ["deny"] = RuleAction.Deny,
    };

    private static readonly Dictionary<string, DefaultAction> s_defaults = new(StringComparer.OrdinalIgnoreCase)
    {
        ["ask"] = DefaultAction.Ask,
        ["refuse"] = DefaultAction.Refuse,
    };

    private static readonly Dictionary<string, AccessRequestMode> s_accessRequests =
        new(StringComparer.OrdinalIgnoreCase)
    {
        ["report"] = AccessRequestMode.Report,
        ["create"] = AccessRequestMode.Create,
    };

    public static SecretMcpSettings Read(ConfigNode root, IConfiguration configuration, string path, bool exists)
    {
        root.CheckObject("the config file", TopLevel);
        CheckAuth(root.Child("auth"));
        var tickets = ReadTickets(root.Child("tickets"));
        return new SecretMcpSettings(
            configuration,
            path,
            exists,
            ReadSecretServer(root.Child("secretServer")),
            ReadPolicy(root.Child("policy")),
            tickets,
            ReadAudit(root.Child("audit")));
    }

    private static SecretServerSettings ReadSecretServer(ConfigNode node)
    {
        node.CheckObject("secretServer", SecretServer);
        var caBundle = node.String("caBundle");
        if (caBundle is not null && !File.Exists(ExpandHome(caBundle)))
        {
            node.Child("caBundle").Problem($"no file at {ConfigReader.Quote(caBundle)}; give the path of a PEM bundle "
                + "holding the certificate authority that signed Secret Server's certificate");
        }

        // The transport (SecretServer/SecretServerOptions) reads these itself; here they are only checked.
        node.Int("totalTimeoutSeconds", 1, 3600, "seconds");
        node.Int("connectTimeoutSeconds", 1, 600, "seconds");
        node.Int("maxRetries", 0, 10, "retries");
        node.String("noProxy");
        var direct = string.Equals(node.Child("proxy").Value?.Trim(), "none", StringComparison.OrdinalIgnoreCase);

        return new SecretServerSettings(
            node.Url("baseUrl", "\"https://secretserver.example.com/SecretServer\""),
            node.Url("platformUrl", "\"https://example.delinea.app\""),
            caBundle is null ? null : ExpandHome(caBundle),
            node.Int("timeoutSeconds", 1, 600, "seconds") is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            direct ? null : node.Url("proxy", "\"http://proxy.example.com:3128\" (or \"none\" for no proxy)"));
    }

    /// <summary>The sign-in keys: known names, sensible shapes. Auth/AuthSettings reads the values.</summary>
    private static void CheckAuth(ConfigNode node)
    {
        node.CheckObject("auth", Auth);
        node.Choice("provider", s_providers);
        node.Choice("tokenCache", s_tokenCaches);
        node.Url("authority", "\"https://login.microsoftonline.com/<tenant>\"");
        node.Url("tokenExchangeEndpoint", "\"https://sso.example.com/token\"");
        node.Url("redirectUri", "\"http://localhost\"");
        node.StringList("scopes", "scopes");
        foreach (var key in new[]
        {
            "username", "domain", "clientId", "tokenExchangeAudience", "platformClientId", "tokenVariable",
        })
        {
            node.String(key, 256);
        }

        node.String("cacheDirectory");
        node.String("devCertificate");
    }

    private static TicketLimits ReadTickets(ConfigNode node)
    {
        node.CheckObject("tickets", Tickets);
        var lifetime = node.Int("lifetimeSeconds", 1, s_maxLifetimeSeconds, "seconds");
        var uses = node.Int("uses", 1, RuleLimits.MaxUses, "uses");

        // serve reads the cap itself (Hosting/ServeHost); here it is only checked.
        node.Int("maxOutstandingPerSession", 1, TicketStore.UpperMaxOutstandingPerSession, "tickets");
        return new TicketLimits(
            lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : TicketLimits.Default.Lifetime,
            uses ?? TicketLimits.Default.Uses);
    }

    private static AuditSettings ReadAudit(ConfigNode node)
    {
        node.CheckObject("audit", Audit);
        return new AuditSettings(node.String("path") is { } path ? ExpandHome(path) : null);
    }

    private static PolicySettings ReadPolicy(ConfigNode node)
    {
        node.CheckObject("policy", Policy);
        var rules = node.Child("rules").Items("rules").Select((rule, index) => ReadRule(rule, index))
            .OfType<PolicyRule>().ToList();

        var aliases = new Dictionary<string, SecretAlias>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, aliasNode) in node.Child("aliases").Entries("aliases"))
        {
            if (ReadAlias(name, aliasNode) is { } alias)
            {
                aliases[name] = alias;
            }
        }

        var timeout = node.Int("approvalTimeoutSeconds", 10, 3600, "seconds");
        return new PolicySettings(
            node.Choice("default", s_defaults) ?? PolicySettings.Unconfigured.Default,
            rules,
            aliases,
            node.Choice("accessRequests", s_accessRequests) ?? PolicySettings.Unconfigured.AccessRequests,
            timeout is { } seconds ? TimeSpan.FromSeconds(seconds) : PolicySettings.DefaultApprovalTimeout);
    }

    private static PolicyRule? ReadRule(ConfigNode node, int index)
    {
        if (!node.CheckObject("a rule", Rule))
        {
            return null;
        }

        var problems = node.Reader.Problems.Count;
        var action = node.Choice("action", s_actions);
        if (action is null && node.Child("action").Value is null)
        {
            node.Child("action").Problem("is missing; every rule says \"allow\", \"ask\" or \"deny\"");
        }

        PathGlob? path = null;
        if (node.String("path") is { } pattern)
        {
            path = PathGlob.TryParse(pattern, out var globProblem);
            if (path is null)
            {
                node.Child("path").Problem(globProblem);
            }
        }

        var secretId = node.Int("secretId", 1, int.MaxValue, "a Secret Server id");
        var template = node.String("template", 256);
        if (path is null && secretId is null && template is null && node.Reader.Problems.Count == problems)
        {
            node.Problem("matches nothing; give it at least one of \"path\" (such as \"db/**\"), \"secretId\" or "
                + "\"template\"");
        }

        var lifetime = node.Int("lifetimeSeconds", 1, s_maxLifetimeSeconds, "seconds");
        var uses = node.Int("uses", 1, RuleLimits.MaxUses, "uses");
        var shells = ReadShells(node);
        var limits = new RuleLimits(
            lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : null,
            uses,
            node.Bool("requireReason") ?? false,
            shells,
            node.Bool("rotateAfterUse") ?? false);

        if (node.Reader.Problems.Count > problems || action is null)
        {
            return null;
        }

        var name = node.String("name", 128) ?? $"policy.rules[{index}]";
        return new PolicyRule(name, action.Value, path, secretId, template, limits);
    }

    private static HashSet<ShellKind>? ReadShells(ConfigNode node)
    {
        var names = node.StringList("shells", "shell names");
        if (names is null)
        {
            return null;
        }

        var shells = new HashSet<ShellKind>();
        foreach (var name in names)
        {
            if (ShellNames.TryParse(name, out var shell))
            {
                shells.Add(shell);
            }
            else
            {
                node.Child("shells").Problem(
                    $"{ConfigReader.Quote(name)} is not a shell; use any of {string.Join(", ", ShellNames.All)}");
            }
        }

        if (shells.Count == 0 && names.Count == 0)
        {
            node.Child("shells").Problem(
                "is empty, which would allow no shell; list at least one, or leave the key out");
        }

        return shells;
    }

    private static SecretAlias? ReadAlias(string name, ConfigNode node)
    {
        if (SecretAlias.ValidateName(name) is { } nameProblem)
        {
            node.Problem($"{nameProblem}; rename the alias");
            return null;
        }

        if (!node.CheckObject("an alias", Alias))
        {
            return null;
        }

        var problems = node.Reader.Problems.Count;
        var path = node.String("path");
        var secretId = node.Int("secretId", 1, int.MaxValue, "a Secret Server id");
        SecretReference? secret = null;
        if ((path is null) == (secretId is null))
        {
            if (node.Reader.Problems.Count == problems)
            {
                node.Problem("names its secret by exactly one of \"path\" (such as \"db/prod\") and \"secretId\"");
            }
        }
        else if (secretId is { } id)
        {
            secret = SecretReference.FromId(id);
        }
        else if (!SecretReference.TryParse(path, out var parsed, out var referenceProblem))
        {
            node.Child("path").Problem(referenceProblem);
        }
        else if (parsed.Path is null)
        {
            node.Child("path").Problem("is a number; use \"secretId\" for an id, or a folder path such as \"db/prod\"");
        }
        else
        {
            secret = parsed;
        }

        var variables = ReadAliasVariables(node);
        if (secret is null || variables is null || node.Reader.Problems.Count > problems)
        {
            return null;
        }

        return new SecretAlias(name, secret, variables);
    }

    private static List<AliasVariable>? ReadAliasVariables(ConfigNode node)
    {
        var field = node.String("field", 128);
        var variable = node.String("variable", VariableName.MaxLength);
        var map = node.Child("variables");
        if (!map.Exists && !map.IsSetToEmpty)
        {
            if (variable is not null && VariableName.Validate(variable) is { } problem)
            {
                node.Child("variable").Problem(problem);
                return null;
            }

            return [new AliasVariable(variable, field)];
        }

        if (field is not null || variable is not null)
        {
            node.Problem("sets either \"field\" and \"variable\" (one variable) or \"variables\" (several), not both");
            return null;
        }

        var problems = node.Reader.Problems.Count;
        var variables = new List<AliasVariable>();
        foreach (var (name, slugNode) in map.Entries("variable names mapped to field slugs"))
        {
            if (VariableName.Validate(name) is { } problem)
            {
                slugNode.Problem(problem);
                continue;
            }

            if (slugNode.Value is not { Length: > 0 } slug || slug.Length > 128 || slug.Any(char.IsControl))
            {
                slugNode.Problem("must be the slug of a field of the secret, such as \"username\" or \"password\"");
                continue;
            }

            variables.Add(new AliasVariable(name, slug));
        }

        if (variables.Count == 0 && map.Reader.Problems.Count == problems)
        {
            map.Problem("is empty; map at least one variable to a field, such as { \"PGPASSWORD\": \"password\" }");
            return null;
        }

        return variables;
    }

    internal static string ExpandHome(string path) =>
        path.StartsWith("~/", StringComparison.Ordinal)
            ? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), path[2..])
            : path;
}
