using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>A private CA and a server certificate it signs, made by the test (case C03).</summary>
internal sealed class TestCertificates : IDisposable
{
    private TestCertificates(X509Certificate2 ca, X509Certificate2 server, string folder)
    {
        Ca = ca;
        Server = server;
        Folder = folder;
        CaBundlePath = Path.Combine(folder, "ca-bundle.pem");
        File.WriteAllText(CaBundlePath, ca.ExportCertificatePem() + "\n");
    }

    public X509Certificate2 Ca { get; }

    /// <summary>The server's certificate, with its private key, for the dev vault's HTTPS.</summary>
    public X509Certificate2 Server { get; }

    public string Folder { get; }

    /// <summary>A PEM file holding the CA certificate, as a user would configure it.</summary>
    public string CaBundlePath { get; }

    public static TestCertificates Create(params string[] dnsNames)
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=secret-mcp test private CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(
            new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        caRequest.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(caRequest.PublicKey, false));
        var ca = caRequest.CreateSelfSigned(now.AddDays(-1), now.AddDays(2));

        using var serverKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var serverRequest = new CertificateRequest($"CN={dnsNames[0]}", serverKey, HashAlgorithmName.SHA256);
        serverRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        serverRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.DigitalSignature, true));
        serverRequest.CertificateExtensions.Add(
            new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        serverRequest.CertificateExtensions.Add(X509AuthorityKeyIdentifierExtension.CreateFromCertificate(ca, true, false));
        var names = new SubjectAlternativeNameBuilder();
        foreach (var name in dnsNames)
        {
            names.AddDnsName(name);
        }

        serverRequest.CertificateExtensions.Add(names.Build());
        using var signed = serverRequest.Create(ca, now.AddDays(-1), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        var server = signed.CopyWithPrivateKey(serverKey);

        var folder = Path.Combine(Path.GetTempPath(), "smt-ca-" + Guid.NewGuid().ToString("N")[..10]);
        Directory.CreateDirectory(folder);
        return new TestCertificates(ca, server, folder);
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Directory.Delete(Folder, true);
    }
}
