using SecretMcp.Config;

namespace SecretMcp.Tests.Config;

public sealed class SecretLikenessTests
{
    [Theory]
    [InlineData("password")]
    [InlineData("Password")]
    [InlineData("client_secret")]
    [InlineData("clientSecret")]
    [InlineData("apiKey")]
    [InlineData("api-key")]
    [InlineData("accessToken")]
    [InlineData("sso_token")]
    [InlineData("privateKey")]
    [InlineData("otp")]
    public void Credential_key_names_are_spotted(string key) =>
        SecretLikeness.KeyReason(key).Should().Contain("would hold a credential");

    [Theory]
    [InlineData("secretId")]
    [InlineData("tokenExchangeUrl")]
    [InlineData("username")]
    [InlineData("requireReason")]
    [InlineData("path")]
    public void Ordinary_key_names_pass(string key) => SecretLikeness.KeyReason(key).Should().BeNull();

    [Theory]
    [InlineData("-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----", "PEM")]
    [InlineData("https://user:hunter2@ss.example.com", "URL with a password")]
    [InlineData("eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJkZXYifQ.c2lnbmF0dXJlLWJ5dGVz", "JSON Web Token")]
    [InlineData("ghp_Z8v2Qm4Xr7Tn1Lp9Ks3Wd6Yb0Hc5Fj", "API token")]
    [InlineData("pk_dev_4f0c1e9b7d2a48e6b3a5c7d9e1f20386", "random-looking string of 39 characters")]
    [InlineData("Zk8vQ2m4Xr7Tn1Lp9Ks3Wd6Yb0", "random-looking")]
    public void Secret_shaped_values_are_spotted(string value, string expected) =>
        SecretLikeness.ValueReason(value).Should().Contain(expected);

    [Theory]
    [InlineData("6f1c2d9e-3a4b-4c5d-8e9f-0a1b2c3d4e5f")]
    [InlineData("https://secretserver.example.com/SecretServer")]
    [InlineData("~/.config/secret-mcp/ca-bundle-2024.pem")]
    [InlineData("/var/lib/secret-mcp/audit-2024-12-01.jsonl")]
    [InlineData("SQL Server Account")]
    [InlineData("infra/**/break-glass")]
    [InlineData("GOOGLE_APPLICATION_CREDENTIALS")]
    [InlineData("password")]
    [InlineData("approvalTimeoutSeconds")]
    [InlineData("")]
    public void Ordinary_values_pass(string value) => SecretLikeness.ValueReason(value).Should().BeNull();
}
