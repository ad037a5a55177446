namespace SecretMcp.DevVault.Identity;

/// <summary>Settings of the dev identity provider: an Entra-shaped OIDC provider on loopback HTTPS.</summary>
public sealed class DevIdentityOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The tenant segment of the authority, as in https://login.microsoftonline.com/{tenant}.</summary>
    public string TenantId { get; init; } = "7d3f8a52-6b1e-4c9a-9f0e-2a4b6c8d0e1f";

    /// <summary>The one public client registered with the provider.</summary>
    public string ClientId { get; init; } = "secret-mcp-dev";

    /// <summary>The API the access tokens are for: their <c>aud</c>, and the resource of the scope.</summary>
    public string Audience { get; init; } = "api://secret-mcp-dev";

    /// <summary>Who may sign in: username and password, usually the dev vault seed's users.</summary>
    public IReadOnlyList<SeedUser> Users { get; init; } = [];

    public int AccessTokenLifetimeSeconds { get; init; } = 3600;

    /// <summary>Lifetime of the Secret Server tokens the exchange hands out (20 min, as Secret Server's).</summary>
    public int ExchangedTokenLifetimeSeconds { get; init; } = 1200;

    public int DeviceCodeIntervalSeconds { get; init; } = 1;

    /// <summary>The Delinea Platform service user of the platform endpoints.</summary>
    public string PlatformClientId { get; init; } = "secret-mcp-ci@dev.test";

    /// <summary>Its client secret; a random one when null.</summary>
    public string? PlatformClientSecret { get; init; }

    public int PlatformTokenLifetimeSeconds { get; init; } = 3600;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
