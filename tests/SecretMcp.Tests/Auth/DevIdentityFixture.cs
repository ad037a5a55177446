using Microsoft.Extensions.Logging.Abstractions;
using SecretMcp.Auth;
using SecretMcp.DevVault;
using SecretMcp.DevVault.Identity;

namespace SecretMcp.Tests.Auth;

/// <summary>
/// The dev vault and its identity provider on loopback, and MSAL clients made against them the way
/// serve makes them: real HTTPS, the provider's certificate trusted only through Auth:DevCertificate.
/// </summary>
public sealed class DevIdentityFixture : IAsyncDisposable
{
    public const string User = "alice";
    public const string Password = "alice-dev-password";

    private DevIdentityFixture(DevSignInStack stack, string folder, string certificate)
    {
        Stack = stack;
        Folder = folder;
        CertificatePath = certificate;
    }

    public DevSignInStack Stack { get; }

    public DevIdentityProvider Identity => Stack.Identity;

    public string Folder { get; }

    public string CertificatePath { get; }

    public static async Task<DevIdentityFixture> StartAsync(int accessTokenLifetimeSeconds = 3600)
    {
        var seed = SeedFile.Parse(new MemoryStream("""
            {
              "users": [ { "username": "alice", "password": "alice-dev-password" } ],
              "secrets": [
                {
                  "id": 7, "path": "\\t\\db", "template": "Password",
                  "fields": [ { "slug": "password", "value": "v", "isPassword": true } ]
                }
              ]
            }
            """u8.ToArray()), "test seed");
        var stack = await DevSignInStack.StartAsync(
            seed, new DevIdentityOptions { AccessTokenLifetimeSeconds = accessTokenLifetimeSeconds });
        var folder = Path.Combine(Path.GetTempPath(), "smt-auth-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        var certificate = stack.Identity.WriteCertificate(Path.Combine(folder, "dev-idp.pem"));
        return new DevIdentityFixture(stack, folder, certificate);
    }

    public AuthSettings Settings(
        SessionProviderKind provider = SessionProviderKind.TokenExchange, string cache = "cache") => new()
    {
        Provider = provider,
        SecretServerBaseUrl = Stack.Vault.BaseUri,
        Authority = new Uri(Identity.Authority),
        ClientId = Identity.ClientId,
        Scopes = [Identity.Scope],
        TokenExchangeEndpoint = Identity.TokenExchangeEndpoint,
        TokenCache = TokenCacheMode.File,
        CacheDirectory = Path.Combine(Folder, cache),
        DevCertificate = CertificatePath,
    };

    /// <summary>A new MSAL client, as a new process would make: nothing in memory, only the cache folder.</summary>
    public IdentityClient NewClient(AuthSettings? settings = null)
    {
        settings ??= Settings();
        return new IdentityClient(
            settings, new TokenCacheStore(settings, NullLogger<TokenCacheStore>.Instance),
            new DevCertificateTrust(settings.DevCertificate), TimeProvider.System, NullLogger<IdentityClient>.Instance);
    }

    public async Task<IdentityToken> SignInWithDeviceCodeAsync(IdentityClient client) =>
        await client.SignInWithDeviceCodeAsync(prompt =>
        {
            Identity.ApproveDeviceCode(prompt.UserCode, User).Should().BeTrue();
            return Task.CompletedTask;
        }, CancellationToken.None);

    public async ValueTask DisposeAsync()
    {
        await Stack.DisposeAsync();
        try
        {
            Directory.Delete(Folder, true);
        }
        catch (IOException)
        {
        }
    }
}
