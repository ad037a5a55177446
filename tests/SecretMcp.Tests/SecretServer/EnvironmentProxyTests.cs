using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer;

public sealed class EnvironmentProxyTests
{
    private static readonly Uri s_base = new("https://ss.example.com/SecretServer/");

    private static EnvironmentProxy? Create(
        Dictionary<string, string> environment, Uri? explicitProxy = null, bool direct = false) =>
        EnvironmentProxy.Create(
            new SecretServerOptions { BaseUri = s_base, Proxy = explicitProxy, DirectConnection = direct },
            name => environment.GetValueOrDefault(name));

    [Fact]
    public void Without_proxy_variables_traffic_goes_direct()
    {
        Create([]).Should().BeNull();
    }

    [Theory]
    [InlineData("HTTPS_PROXY")]
    [InlineData("https_proxy")]
    [InlineData("ALL_PROXY")]
    public void Https_proxy_variables_are_honoured(string variable)
    {
        var proxy = Create(new() { [variable] = "proxy.corp:3128" })!;

        proxy.GetProxy(new Uri("https://ss.example.com/api/v1/secrets/1")).Should().Be(new Uri("http://proxy.corp:3128/"));
    }

    [Fact]
    public void Http_proxy_alone_does_not_apply_to_https_traffic()
    {
        var proxy = Create(new() { ["HTTP_PROXY"] = "http://proxy.corp:3128" })!;

        proxy.IsBypassed(new Uri("https://ss.example.com/")).Should().BeTrue();
        proxy.IsBypassed(new Uri("http://ss.example.com/")).Should().BeFalse();
    }

    [Theory]
    [InlineData("*", "https://ss.example.com/", true)]
    [InlineData("example.com", "https://ss.example.com/", true)]
    [InlineData(".example.com", "https://ss.example.com/", true)]
    [InlineData("*.example.com", "https://ss.example.com/", true)]
    [InlineData("example.com", "https://notexample.com/", false)]
    [InlineData("ss.example.com:443", "https://ss.example.com/", true)]
    [InlineData("ss.example.com:8443", "https://ss.example.com/", false)]
    [InlineData("10.0.0.0/8", "https://10.1.2.3/", true)]
    [InlineData("10.0.0.0/8", "https://11.1.2.3/", false)]
    [InlineData("other.com, EXAMPLE.COM", "https://ss.example.com/", true)]
    [InlineData("", "https://127.0.0.1:5000/", true)]
    [InlineData("", "https://localhost/", true)]
    [InlineData("", "https://[::1]/", true)]
    public void No_proxy_entries_bypass_the_proxy(string noProxy, string destination, bool bypassed)
    {
        var proxy = Create(new() { ["HTTPS_PROXY"] = "http://proxy.corp:3128", ["NO_PROXY"] = noProxy })!;

        proxy.IsBypassed(new Uri(destination)).Should().Be(bypassed);
        (proxy.GetProxy(new Uri(destination)) is null).Should().Be(bypassed);
    }

    [Fact]
    public void An_explicit_proxy_wins_and_direct_turns_proxies_off()
    {
        var environment = new Dictionary<string, string> { ["HTTPS_PROXY"] = "http://env-proxy:1" };

        Create(environment, new Uri("http://explicit:2"))!.GetProxy(s_base).Should().Be(new Uri("http://explicit:2/"));
        Create(environment, direct: true).Should().BeNull();
    }

    [Fact]
    public void Proxy_credentials_come_from_the_url_and_never_appear_in_its_description()
    {
        var proxy = Create(new() { ["HTTPS_PROXY"] = "http://alice:s3cr%3At@proxy.corp:3128" })!;

        var credential = proxy.Credentials!.GetCredential(new Uri("http://proxy.corp:3128"), "Basic")!;
        credential.UserName.Should().Be("alice");
        credential.Password.Should().Be("s3cr:t");
        proxy.Describe(s_base).Should().Be("http://proxy.corp:3128");
    }

    [Fact]
    public void A_malformed_proxy_is_refused_without_echoing_it()
    {
        var act = () => Create(new() { ["HTTPS_PROXY"] = "ftp://bob:pw123@proxy" });

        act.Should().Throw<SecretServerConfigurationException>().Which.Message.Should().NotContain("pw123");
    }
}
