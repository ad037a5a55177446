using SecretMcp.DevVault.Identity;

namespace SecretMcp.Cli;

/// <summary>
/// dev-server --identity: prints the sign-in settings for the dev identity provider, and keeps its
/// certificate in a temporary PEM file for the dev/test trust setting (Auth:DevCertificate) to name.
/// Disposing stops the provider and removes the file.
/// </summary>
internal sealed class DevIdentitySettings : IAsyncDisposable
{
    private readonly DevIdentityProvider _identity;
    private readonly string _folder;
    private readonly string _certificate;

    public DevIdentitySettings(DevIdentityProvider identity)
    {
        _identity = identity;
        _folder = Directory.CreateTempSubdirectory("secret-mcp-dev-").FullName;
        _certificate = identity.WriteCertificate(Path.Combine(_folder, "dev-identity-provider.pem"));
    }

    /// <summary>key=value lines like the vault's; the Platform secret is the dev provider's sample, not a real one.</summary>
    public void Print()
    {
        Console.Out.WriteLine($"authority={_identity.Authority}");
        Console.Out.WriteLine($"client_id={_identity.ClientId}");
        Console.Out.WriteLine($"scope={_identity.Scope}");
        Console.Out.WriteLine($"token_exchange_endpoint={_identity.TokenExchangeEndpoint}");
        Console.Out.WriteLine($"platform_url={_identity.PlatformUri}");
        Console.Out.WriteLine($"platform_client_id={_identity.PlatformClientId}");
        Console.Out.WriteLine($"platform_client_secret={_identity.PlatformClientSecret}");
        Console.Out.WriteLine($"certificate={_certificate}");
    }

    public async ValueTask DisposeAsync()
    {
        await _identity.DisposeAsync().ConfigureAwait(false);
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A temporary folder; the system cleans it up eventually.
        }
    }
}
