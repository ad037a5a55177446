using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer;

public sealed class SecretServerBaseUrlTests
{
    [Theory]
    [InlineData("https://h", "https://h/")]
    [InlineData("https://h/", "https://h/")]
    [InlineData("https://h/SecretServer", "https://h/SecretServer/")]
    [InlineData("https://h/SecretServer/", "https://h/SecretServer/")]
    [InlineData("https://h/SecretServer//", "https://h/SecretServer/")]
    [InlineData("  https://h:8443/SecretServer  ", "https://h:8443/SecretServer/")]
    [InlineData("https://tenant.secretservercloud.com", "https://tenant.secretservercloud.com/")]
    [InlineData("https://tenant.secretservercloud.eu/", "https://tenant.secretservercloud.eu/")]
    [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
    [InlineData("http://localhost:5000/SecretServer", "http://localhost:5000/SecretServer/")]
    [InlineData("http://[::1]:5000/", "http://[::1]:5000/")]
    public void Instance_roots_are_kept_with_one_trailing_slash(string text, string expected)
    {
        var uri = SecretServerBaseUrl.Normalize(text, "BaseUrl", out var notes);

        uri.ToString().Should().Be(expected);
        notes.Should().BeEmpty();
    }

    [Theory]
    [InlineData("https://h/SecretServer/api/v1", "https://h/SecretServer/", "/api/v1")]
    [InlineData("https://h/SecretServer/api/v1/", "https://h/SecretServer/", "/api/v1")]
    [InlineData("https://h/SecretServer/API/V2", "https://h/SecretServer/", "/API/V2")]
    [InlineData("https://h/SecretServer/oauth2/token", "https://h/SecretServer/", "/oauth2/token")]
    [InlineData("https://tenant.secretservercloud.com/oauth2/token", "https://tenant.secretservercloud.com/", "/oauth2/token")]
    [InlineData("https://h/SecretServer/api", "https://h/SecretServer/", "/api")]
    [InlineData("https://h/SecretServer/Login.aspx", "https://h/SecretServer/", "Login.aspx")]
    [InlineData("https://h/SecretServer/app/#/secrets/view/all", "https://h/SecretServer/", "/app")]
    [InlineData("https://h/SecretServer/RestApiDocs.ashx?doc=token-help", "https://h/SecretServer/", "RestApiDocs.ashx")]
    public void Pasted_api_suffixes_and_pages_are_removed_and_reported(string text, string expected, string removed)
    {
        var uri = SecretServerBaseUrl.Normalize(text, "BaseUrl", out var notes);

        uri.ToString().Should().Be(expected);
        notes.Should().Contain(n => n.Contains(removed, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public void A_missing_scheme_means_https_and_is_reported()
    {
        var uri = SecretServerBaseUrl.Normalize("tenant.secretservercloud.com", "BaseUrl", out var notes);

        uri.ToString().Should().Be("https://tenant.secretservercloud.com/");
        notes.Should().ContainSingle().Which.Should().Contain("https:// was assumed");
    }

    [Fact]
    public void A_platform_address_is_accepted_with_a_hint_about_the_vault_address()
    {
        SecretServerBaseUrl.Normalize("https://acme.delinea.app", "BaseUrl", out var notes);

        notes.Should().ContainSingle().Which.Should().Contain("Delinea Platform");
    }

    [Theory]
    [InlineData("", "is empty")]
    [InlineData("ftp://h/SecretServer", "not an http(s) URL")]
    [InlineData("https://", "not an http(s) URL")]
    [InlineData("http://secret.example.com/SecretServer", "plain http")]
    [InlineData("https://admin:hunter2@h/SecretServer", "user name or password")]
    public void Unusable_urls_are_refused_with_the_setting_named(string text, string expected)
    {
        var act = () => SecretServerBaseUrl.Normalize(text, "SECRET_MCP__SecretServer__BaseUrl", out _);

        var message = act.Should().Throw<SecretServerConfigurationException>().Which.Message;
        message.Should().Contain(expected).And.Contain("SECRET_MCP__SecretServer__BaseUrl");
        message.Should().NotContain("hunter2", "a password in the URL is never echoed");
    }
}
