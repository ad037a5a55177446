using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretMcp.SecretServer;

/// <summary>
/// Decides whether Secret Server's TLS certificate is trusted. Verification is always on: either the
/// system's CAs, or, when a CA bundle is configured, exactly the CAs in that PEM file (a private CA).
/// A refusal says which host and why, instead of .NET's generic "SSL connection could not be
/// established".
/// </summary>
public sealed class ServerCertificateTrust
{
    private readonly X509Certificate2Collection? _roots;
    private readonly string? _bundlePath;

    private ServerCertificateTrust(X509Certificate2Collection? roots, string? bundlePath)
    {
        _roots = roots;
        _bundlePath = bundlePath;
    }

    /// <summary>Trust for the options: the system's CAs, or those of the configured bundle.</summary>
    /// <exception cref="SecretServerConfigurationException">The bundle is unreadable or has no certificate.</exception>
    public static ServerCertificateTrust Create(string? caBundlePath)
    {
        if (string.IsNullOrWhiteSpace(caBundlePath))
        {
            return new ServerCertificateTrust(null, null);
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(caBundlePath);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            throw new SecretServerConfigurationException(
                $"The CA bundle '{caBundlePath}' ({SecretServerOptions.CaBundleVariable}) cannot be read as PEM "
                + $"certificates: {e.Message}", e);
        }

        if (roots.Count == 0)
        {
            throw new SecretServerConfigurationException(
                $"The CA bundle '{caBundlePath}' ({SecretServerOptions.CaBundleVariable}) holds no "
                + "'-----BEGIN CERTIFICATE-----' block.");
        }

        return new ServerCertificateTrust(roots, caBundlePath);
    }

    /// <summary>For SocketsHttpHandler: accepts a trusted certificate, throws a clear refusal otherwise.</summary>
    public bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        var host = (sender as SslStream)?.TargetHostName is { Length: > 0 } name ? name : "the server";

        if (certificate is null || errors.HasFlag(SslPolicyErrors.RemoteCertificateNotAvailable))
        {
            throw new UntrustedServerCertificateException($"{host} presented no TLS certificate.");
        }

        if (errors.HasFlag(SslPolicyErrors.RemoteCertificateNameMismatch))
        {
            throw new UntrustedServerCertificateException(
                $"the TLS certificate of {host} is not issued for that name; use the host name the certificate "
                + "names in the base URL.");
        }

        if (_roots is null)
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            throw new UntrustedServerCertificateException(
                $"the TLS certificate chain of {host} is untrusted ({Describe(chain)}). If Secret Server uses a "
                + $"private or internal CA, set {SecretServerOptions.CaBundleVariable} to a PEM file holding that "
                + "CA's certificate; verification cannot be turned off.");
        }

        // The bundle replaces the system's CAs: build the chain again against those roots only.
        using var custom = new X509Chain();
        custom.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        custom.ChainPolicy.CustomTrustStore.AddRange(_roots);
        custom.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                custom.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        using var leaf = new X509Certificate2(certificate);
        if (custom.Build(leaf))
        {
            return true;
        }

        throw new UntrustedServerCertificateException(
            $"the TLS certificate chain of {host} is untrusted ({Describe(custom)}): no CA in the bundle "
            + $"'{_bundlePath}' ({SecretServerOptions.CaBundleVariable}) signed it.");
    }

    private static string Describe(X509Chain? chain)
    {
        var statuses = chain?.ChainStatus.Select(s => s.Status.ToString()).Distinct().ToList() ?? [];
        return statuses.Count == 0 ? "no chain to a trusted CA" : string.Join(", ", statuses);
    }
}

/// <summary>Thrown from certificate validation so the refusal's reason survives up to the client.</summary>
public sealed class UntrustedServerCertificateException(string message) : AuthenticationException(message);
