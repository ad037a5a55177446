namespace SecretMcp.DevVault;

public sealed class DevVaultOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The seed; the built-in one when null.</summary>
    public SeedFile? Seed { get; init; }

    /// <summary>Access token lifetime. Secret Server's default session timeout is 20 minutes.</summary>
    public int TokenLifetimeSeconds { get; init; } = 1200;

    public bool RefreshTokensEnabled { get; init; } = true;

    /// <summary>Secret Server's "Maximum Token Refreshes Allowed" defaults to 3.</summary>
    public int MaxTokenRefreshes { get; init; } = 3;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}
