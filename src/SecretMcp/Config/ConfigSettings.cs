using Microsoft.Extensions.Configuration;
using SecretMcp.Policy;

namespace SecretMcp.Config;

/// <summary>
/// The loaded configuration: the typed sections this build understands, plus the merged
/// <see cref="IConfiguration"/> (file, then <c>SECRET_MCP__Section__Key</c> environment overrides)
/// for code that reads a key directly, such as <c>Configuration["SecretServer:BaseUrl"]</c>.
/// </summary>
public sealed record SecretMcpSettings(
    IConfiguration Configuration,
    string FilePath,
    bool FileExists,
    SecretServerSettings SecretServer,
    AuthSettings Auth,
    PolicySettings Policy,
    TicketLimits Tickets,
    AuditSettings Audit);

/// <summary>Where Secret Server is and how to reach it. No credential ever lives here.</summary>
public sealed record SecretServerSettings(
    Uri? BaseUrl,
    Uri? PlatformUrl,
    string? CaBundle,
    TimeSpan? Timeout,
    Uri? Proxy);

/// <summary>
/// How to sign in. The sign-in code owns the meaning of these keys; the config only carries them.
/// Other keys of the section remain readable through <see cref="SecretMcpSettings.Configuration"/>.
/// </summary>
public sealed record AuthSettings(
    string? Provider,
    string? Username,
    Uri? Authority,
    string? ClientId,
    string? TenantId,
    IReadOnlyList<string> Scopes,
    Uri? TokenExchangeUrl,
    bool? AllowFileCache);

/// <summary>Where the audit log goes; the audit code owns the rest.</summary>
public sealed record AuditSettings(string? Path);
