using Microsoft.Extensions.Logging;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// The dev vault and the dev identity provider started together, so Secret Server accepts the
/// bearers the identity side yields: exchanged tokens, Platform tokens, and the provider's own JWTs.
/// </summary>
public sealed class DevSignInStack : IAsyncDisposable
{
    private DevSignInStack(DevVaultServer vault, DevIdentityProvider identity)
    {
        Vault = vault;
        Identity = identity;
    }

    public DevVaultServer Vault { get; }

    public DevIdentityProvider Identity { get; }

    public static async Task<DevSignInStack> StartAsync(
        SeedFile seed, DevIdentityOptions? identityOptions = null, ILoggerFactory? loggerFactory = null,
        int vaultPort = 0, CancellationToken cancellationToken = default)
    {
        var options = identityOptions ?? new DevIdentityOptions();
        var identity = await DevIdentityProvider.StartAsync(
            new DevIdentityOptions
            {
                Port = options.Port,
                TenantId = options.TenantId,
                ClientId = options.ClientId,
                Audience = options.Audience,
                Users = options.Users.Count > 0 ? options.Users : seed.Users,
                AccessTokenLifetimeSeconds = options.AccessTokenLifetimeSeconds,
                ExchangedTokenLifetimeSeconds = options.ExchangedTokenLifetimeSeconds,
                DeviceCodeIntervalSeconds = options.DeviceCodeIntervalSeconds,
                PlatformClientId = options.PlatformClientId,
                PlatformClientSecret = options.PlatformClientSecret,
                PlatformTokenLifetimeSeconds = options.PlatformTokenLifetimeSeconds,
                TimeProvider = options.TimeProvider,
            },
            loggerFactory, cancellationToken).ConfigureAwait(false);

        // Secret Server knows a Platform service user as one of its users; so must the vault.
        if (!seed.Users.Exists(u => string.Equals(u.Username, options.PlatformClientId, StringComparison.OrdinalIgnoreCase)))
        {
            seed.Users.Add(new SeedUser
            {
                Username = options.PlatformClientId,
                Password = Convert.ToHexString(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16)),
                DisplayName = "Platform service user",
            });
        }

        try
        {
            var vault = await DevVaultServer.StartAsync(
                new DevVaultOptions
                {
                    Seed = seed,
                    Port = vaultPort,
                    ExternalBearers = identity.ResolveBearer,
                    TimeProvider = options.TimeProvider,
                },
                loggerFactory, cancellationToken).ConfigureAwait(false);
            identity.VaultUri = vault.BaseUri;
            return new DevSignInStack(vault, identity);
        }
        catch
        {
            await identity.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Vault.DisposeAsync().ConfigureAwait(false);
        await Identity.DisposeAsync().ConfigureAwait(false);
    }
}
