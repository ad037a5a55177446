using SecretMcp.Auth;
using SecretMcp.Hosting;

namespace SecretMcp.Tests.Auth;

public sealed class AuthSettingsTests
{
    [Fact]
    public void Read_takes_Section_Key_names_and_splits_scopes()
    {
        var settings = AuthSettings.Read(Lookup(new()
        {
            ["Auth:Provider"] = "token-exchange",
            ["Auth:Authority"] = "https://login.microsoftonline.com/contoso",
            ["Auth:Scopes"] = "api://ss/.default, offline_access",
            ["Auth:TokenCache"] = "keyring",
        }));

        settings.Provider.Should().Be(SessionProviderKind.TokenExchange);
        settings.Scopes.Should().Equal("api://ss/.default", "offline_access");
        settings.TokenCache.Should().Be(TokenCacheMode.Keyring);
        settings.Problem().Should().Contain("SECRET_MCP__SecretServer__BaseUrl")
            .And.Contain("SECRET_MCP__Auth__ClientId")
            .And.Contain("SECRET_MCP__Auth__TokenExchangeEndpoint");
    }

    [Theory]
    [InlineData("Auth:Provider", "sso", "SECRET_MCP__Auth__Provider")]
    [InlineData("Auth:Authority", "http://login.example/t", "SECRET_MCP__Auth__Authority")]
    [InlineData("Auth:RedirectUri", "https://app.example/cb", "SECRET_MCP__Auth__RedirectUri")]
    [InlineData("Auth:TokenCache", "plaintext", "SECRET_MCP__Auth__TokenCache")]
    public void A_bad_value_stops_the_start_with_a_message_naming_the_key(string key, string value, string named)
    {
        var act = () => AuthSettings.Read(Lookup(new() { [key] = value }));

        act.Should().Throw<ConfigurationProblemException>().Which.Message.Should().Contain(named);
    }

    [Fact]
    public void The_default_provider_is_password_as_before()
    {
        var settings = AuthSettings.Read(Lookup(new()
        {
            ["SecretServer:BaseUrl"] = "https://h/SecretServer",
            ["Auth:Username"] = "u",
        }));

        settings.Provider.Should().Be(SessionProviderKind.Password);
        settings.SecretServerBaseUrl!.ToString().Should().Be("https://h/SecretServer/");
        settings.Problem().Should().BeNull();
    }

    private static Func<string, string?> Lookup(Dictionary<string, string> values) =>
        key => values.GetValueOrDefault(key);
}
