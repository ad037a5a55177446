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

    /// <summary>
    /// Bearers the vault did not issue but accepts, such as the dev identity provider's (Identity/):
    /// the user they stand for and their expiry, or null for a token nobody vouches for.
    /// </summary>
    public Func<string, ExternalBearer?>? ExternalBearers { get; init; }
}

/// <summary>A bearer issued outside the vault: whom it signs in, and until when.</summary>
public sealed record ExternalBearer(string Username, DateTimeOffset ExpiresAt);
