using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Identity.Client;
using SecretMcp.Hosting;

namespace SecretMcp.Auth;

/// <summary>
/// HTTPS for the identity provider, the token exchange and the Platform. Certificates are checked
/// as usual; with the dev/test setting Auth:DevCertificate, a chain that ends in exactly that
/// certificate is accepted too. A host name mismatch is never accepted.
/// </summary>
public sealed class DevCertificateTrust : IMsalHttpClientFactory, IDisposable
{
    private readonly X509Certificate2? _anchor;
    private readonly Lazy<HttpClient> _msalClient;

    public DevCertificateTrust(string? certificatePath)
    {
        if (certificatePath is not null)
        {
            try
            {
                _anchor = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
            {
                throw new ConfigurationProblemException(
                    $"{AuthSettings.EnvironmentName("Auth:DevCertificate")} names '{certificatePath}', which is not a "
                    + $"readable PEM certificate: {e.Message}");
            }
        }

        _msalClient = new Lazy<HttpClient>(() =>
            new HttpClient(CreateHandler()) { Timeout = TimeSpan.FromSeconds(30) });
    }

    /// <summary>A handler with this trust; the caller owns it.</summary>
    public HttpMessageHandler CreateHandler()
    {
        var handler = new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(5) };
        if (_anchor is not null)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = Validate;
        }

        return handler;
    }

    /// <summary>MSAL's HTTP: one shared client, as MSAL expects.</summary>
    public HttpClient GetHttpClient() => _msalClient.Value;

    public void Dispose()
    {
        if (_msalClient.IsValueCreated)
        {
            _msalClient.Value.Dispose();
        }

        _anchor?.Dispose();
    }

    private bool Validate(object sender, X509Certificate? presented, X509Chain? chain, SslPolicyErrors errors)
    {
        if (errors == SslPolicyErrors.None)
        {
            return true;
        }

        // Only an untrusted chain may be rescued by the named certificate; a wrong name never is.
        if (errors != SslPolicyErrors.RemoteCertificateChainErrors || presented is null)
        {
            return false;
        }

        using var pinned = new X509Chain();
        pinned.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        pinned.ChainPolicy.CustomTrustStore.Add(_anchor!);
        pinned.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements.Skip(1))
            {
                pinned.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(presented);
        return pinned.Build(leaf);
    }
}
