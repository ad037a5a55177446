using System.Text;
using SecretMcp.DevVault;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>
/// Case C03: Secret Server behind a private CA, with the dev vault speaking HTTPS with a certificate
/// made by the test; and the proxy settings of the environment.
/// </summary>
public sealed class TlsAndProxyTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create("localhost", "secret-server.test");

    public void Dispose() => _certificates.Dispose();

    private Task<DevVaultServer> StartHttpsVaultAsync(string hostName = "localhost") =>
        DevVaultServer.StartAsync(new DevVaultOptions
        {
            Seed = ContractSeed.Load(),
            Certificate = _certificates.Server,
            HostName = hostName,
        });

    private static SecretServerOptions Options(Uri baseUri, string? caBundle, Uri? proxy = null) => new()
    {
        BaseUri = baseUri,
        CaBundlePath = caBundle,
        Proxy = proxy,
        RetryBaseDelay = TimeSpan.FromMilliseconds(20),
        TotalTimeout = TimeSpan.FromSeconds(20),
    };

    private static async Task<string> ReadAsync(ClientHarness harness) =>
        Encoding.UTF8.GetString(await harness.Client.ReadFieldAsync(10, "password", default));

    [Fact]
    public async Task A_configured_ca_bundle_is_trusted_with_verification_on()
    {
        await using var vault = await StartHttpsVaultAsync();
        vault.BaseUri.Scheme.Should().Be("https");
        await using var harness = ClientHarness.Create(vault, Options(vault.BaseUri, _certificates.CaBundlePath));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);
    }

    [Fact]
    public async Task Without_the_bundle_the_error_names_the_host_and_says_the_chain_is_untrusted()
    {
        await using var vault = await StartHttpsVaultAsync();
        await using var harness = ClientHarness.Create(vault, Options(vault.BaseUri, caBundle: null));

        var act = () => ReadAsync(harness);

        var message = (await act.Should().ThrowAsync<SecretServerConfigurationException>()).Which.Message;
        message.Should().Contain("localhost").And.Contain("untrusted").And.Contain(SecretServerOptions.CaBundleVariable)
            .And.Contain("cannot be turned off");
        harness.AssertLogsClean();
    }

    [Fact]
    public async Task A_bundle_with_another_ca_does_not_make_the_server_trusted()
    {
        using var other = TestCertificates.Create("localhost");
        await using var vault = await StartHttpsVaultAsync();
        await using var harness = ClientHarness.Create(vault, Options(vault.BaseUri, other.CaBundlePath));

        var act = () => ReadAsync(harness);

        (await act.Should().ThrowAsync<SecretServerConfigurationException>()).Which.Message
            .Should().Contain("untrusted").And.Contain(other.CaBundlePath);
    }

    [Fact]
    public async Task A_certificate_for_another_name_is_refused_even_from_the_trusted_ca()
    {
        await using var vault = await StartHttpsVaultAsync(hostName: "127.0.0.1");
        await using var harness = ClientHarness.Create(vault, Options(vault.BaseUri, _certificates.CaBundlePath));

        var act = () => ReadAsync(harness);

        (await act.Should().ThrowAsync<SecretServerConfigurationException>()).Which.Message
            .Should().Contain("127.0.0.1").And.Contain("not issued for that name");
    }

    [Fact]
    public async Task A_missing_or_empty_bundle_stops_the_start_with_a_clear_message()
    {
        await using var vault = await StartHttpsVaultAsync();
        var missing = Path.Combine(_certificates.Folder, "missing.pem");
        var empty = Path.Combine(_certificates.Folder, "empty.pem");
        await File.WriteAllTextAsync(empty, "not a certificate\n");

        var withMissing = () => ClientHarness.Create(vault, Options(vault.BaseUri, missing));
        var withEmpty = () => ClientHarness.Create(vault, Options(vault.BaseUri, empty));

        withMissing.Should().Throw<SecretServerConfigurationException>().Which.Message.Should().Contain(missing);
        withEmpty.Should().Throw<SecretServerConfigurationException>().Which.Message.Should().Contain("BEGIN CERTIFICATE");
    }

    [Fact]
    public async Task Https_proxy_from_the_environment_carries_secret_server_traffic()
    {
        // Only the proxy can reach this host name: the request cannot have gone direct.
        await using var vault = await StartHttpsVaultAsync(hostName: "secret-server.test");
        await using var proxy = new ConnectProxy();
        var environment = new Dictionary<string, string?> { ["HTTPS_PROXY"] = proxy.Uri.ToString() };
        await using var harness = ClientHarness.Create(
            vault, Options(vault.BaseUri, _certificates.CaBundlePath), environment: name => environment.GetValueOrDefault(name));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        proxy.Targets.Should().Contain($"secret-server.test:{vault.BaseUri.Port}");
    }

    [Fact]
    public async Task An_explicit_proxy_setting_is_used_too()
    {
        await using var vault = await StartHttpsVaultAsync(hostName: "secret-server.test");
        await using var proxy = new ConnectProxy();
        await using var harness = ClientHarness.Create(vault, Options(vault.BaseUri, _certificates.CaBundlePath, proxy.Uri));

        (await ReadAsync(harness)).Should().Be(ContractSeed.DbPassword);

        proxy.Targets.Should().NotBeEmpty();
    }

    [Fact]
    public async Task No_proxy_sends_matching_hosts_direct()
    {
        await using var vault = await StartHttpsVaultAsync(hostName: "secret-server.test");
        await using var proxy = new ConnectProxy();
        var environment = new Dictionary<string, string?>
        {
            ["HTTPS_PROXY"] = proxy.Uri.ToString(),
            ["NO_PROXY"] = "example.com,.test",
        };
        await using var harness = ClientHarness.Create(
            vault, Options(vault.BaseUri, _certificates.CaBundlePath), environment: name => environment.GetValueOrDefault(name));

        var act = () => ReadAsync(harness);

        // Direct, the made-up host name does not resolve; through the proxy it would have worked.
        await act.Should().ThrowAsync<SecretServerUnavailableException>();
        proxy.Targets.Should().BeEmpty();
    }
}
