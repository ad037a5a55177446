using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer;

public sealed class SecretServerOptionsTests
{
    private static SecretServerOptions? Read(Dictionary<string, string> environment) =>
        SecretServerOptions.FromEnvironment(name => environment.GetValueOrDefault(name));

    [Fact]
    public void No_base_url_means_not_configured()
    {
        Read([]).Should().BeNull();
    }

    [Fact]
    public void Every_setting_is_read_from_its_variable()
    {
        var options = Read(new()
        {
            ["SECRET_MCP__SecretServer__BaseUrl"] = "https://h/SecretServer/api/v1",
            ["SECRET_MCP__SecretServer__CaBundle"] = "/etc/ssl/corp-ca.pem",
            ["SECRET_MCP__SecretServer__TimeoutSeconds"] = "12",
            ["SECRET_MCP__SecretServer__TotalTimeoutSeconds"] = "40",
            ["SECRET_MCP__SecretServer__ConnectTimeoutSeconds"] = "3",
            ["SECRET_MCP__SecretServer__MaxRetries"] = "0",
            ["SECRET_MCP__SecretServer__Proxy"] = "http://proxy:3128",
            ["SECRET_MCP__SecretServer__NoProxy"] = ".corp",
        })!;

        options.BaseUri.Should().Be(new Uri("https://h/SecretServer/"));
        options.BaseUrlNotes.Should().ContainSingle().Which.Should().Contain("/api/v1");
        options.CaBundlePath.Should().Be("/etc/ssl/corp-ca.pem");
        options.AttemptTimeout.Should().Be(TimeSpan.FromSeconds(12));
        options.TotalTimeout.Should().Be(TimeSpan.FromSeconds(40));
        options.ConnectTimeout.Should().Be(TimeSpan.FromSeconds(3));
        options.MaxRetries.Should().Be(0);
        options.Proxy.Should().Be(new Uri("http://proxy:3128"));
        options.NoProxy.Should().Be(".corp");
    }

    [Fact]
    public void Proxy_none_turns_proxies_off()
    {
        var options = Read(new() { ["SECRET_MCP__SecretServer__BaseUrl"] = "https://h", ["SECRET_MCP__SecretServer__Proxy"] = "none" })!;

        options.DirectConnection.Should().BeTrue();
        options.Proxy.Should().BeNull();
    }

    [Theory]
    [InlineData("SECRET_MCP__SecretServer__TimeoutSeconds", "zero")]
    [InlineData("SECRET_MCP__SecretServer__TimeoutSeconds", "0")]
    [InlineData("SECRET_MCP__SecretServer__MaxRetries", "11")]
    [InlineData("SECRET_MCP__SecretServer__MaxRetries", "1.5")]
    public void A_bad_number_names_its_variable(string variable, string value)
    {
        var act = () => Read(new() { ["SECRET_MCP__SecretServer__BaseUrl"] = "https://h", [variable] = value });

        act.Should().Throw<SecretServerConfigurationException>().Which.Message.Should().Contain(variable);
    }
}
