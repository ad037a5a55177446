using System.Security.Cryptography.X509Certificates;

namespace SecretMcp.DevVault;

public sealed class DevVaultOptions
{
    /// <summary>The loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>The seed; the built-in one when null.</summary>
    public SeedFile? Seed { get; init; }

    /// <summary>Access token lifetime; overrides the seed's settings. Secret Server's default is 20 minutes.</summary>
    public int? TokenLifetimeSeconds { get; init; }

    /// <summary>Overrides the seed's <c>settings.refreshTokens</c>.</summary>
    public bool? RefreshTokensEnabled { get; init; }

    /// <summary>Overrides the seed's <c>settings.maxTokenRefreshes</c>; Secret Server's default is 3.</summary>
    public int? MaxTokenRefreshes { get; init; }

    /// <summary>Faults to inject from the start, after the seed's.</summary>
    public IReadOnlyList<DevVaultFault> Faults { get; init; } = [];

    /// <summary>When set, the vault speaks HTTPS with this certificate (it must hold its private key).</summary>
    public X509Certificate2? Certificate { get; init; }

    /// <summary>The host name in <see cref="DevVaultServer.BaseUri"/>; the vault listens on 127.0.0.1 anyway.</summary>
    public string HostName { get; init; } = "127.0.0.1";

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>
    /// Bearers the vault did not issue but accepts, such as the dev identity provider's (Identity/):
    /// the user they stand for and their expiry, or null for a token nobody vouches for.
    /// </summary>
    public Func<string, ExternalBearer?>? ExternalBearers { get; init; }
}

/// <summary>A bearer issued outside the vault: whom it signs in, and until when.</summary>
public sealed record ExternalBearer(string Username, DateTimeOffset ExpiresAt);
