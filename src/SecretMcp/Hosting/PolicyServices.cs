using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SecretMcp.Config;
using SecretMcp.Mcp;
using SecretMcp.Policy;

namespace SecretMcp.Hosting;

/// <summary>Wires the config, the policy and approval into serve, and rotates what is due when serve ends.</summary>
internal static partial class PolicyServices
{
    /// <summary>How long serve waits for Secret Server to rotate passwords on the way out.</summary>
    private static readonly TimeSpan s_rotationTimeout = TimeSpan.FromSeconds(20);

    /// <param name="dev">serve --dev: without a config file the dev vault's sample secrets are all allowed.</param>
    public static IServiceCollection AddPolicy(this IServiceCollection services, SecretMcpSettings config, bool dev)
    {
        var policy = dev && !config.FileExists ? PolicySettings.DevVault : config.Policy;
        services.AddSingleton(config);
        services.AddSingleton(new PolicyEngine(policy, config.Tickets));
        services.AddSingleton(new PolicyOrigin(config.FilePath));
        services.AddSingleton<SessionApprovals>();

        // Decisions land in serve's audit log (AuditTrail), next to the tickets they led to.
        services.TryAddSingleton<IAccessAudit, AuditTrailAccessAudit>();
        services.AddSingleton<RotationService>();
        services.AddSingleton<AccessRequestService>();
        services.AddSingleton<AccessGate>();
        return services;
    }

    public static void LogPolicy(IServiceProvider services, ILogger logger)
    {
        var config = services.GetRequiredService<SecretMcpSettings>();
        var policy = services.GetRequiredService<PolicyEngine>().Settings;
        var source = config.FileExists ? config.FilePath
            : ReferenceEquals(policy, PolicySettings.DevVault) ? "built-in dev vault policy (no config file)"
            : $"built-in defaults (no file at {config.FilePath})";
        LogPolicyLoaded(logger, source, policy.Default, policy.Rules.Count, policy.Aliases.Count);
    }

    /// <summary>serve is ending: every ticket is already revoked; rotate the secrets whose rule asks for it.</summary>
    public static async Task FinishAsync(IServiceProvider services, ILogger logger)
    {
        using var timeout = new CancellationTokenSource(s_rotationTimeout);
        try
        {
            await services.GetRequiredService<RotationService>().RotateAllAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            LogRotationTimedOut(logger, s_rotationTimeout.TotalSeconds);
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Policy from {Source}: unlisted secrets {Default}; {Rules} rule(s), {Aliases} alias(es)")]
    private static partial void LogPolicyLoaded(
        ILogger logger, string source, DefaultAction @default, int rules, int aliases);

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Rotation after use did not finish within {Seconds} s; check the secrets in Secret Server")]
    private static partial void LogRotationTimedOut(ILogger logger, double seconds);
}
