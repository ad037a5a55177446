using System.Text;
using SecretMcp.DevVault;

namespace SecretMcp.Tests.DevVault;

public sealed class SeedFileTests
{
    private static SeedFile Parse(string json) => SeedFile.Parse(new MemoryStream(Encoding.UTF8.GetBytes(json)), "the test seed");

    [Fact]
    public void The_original_seed_shape_still_loads_with_the_new_defaults()
    {
        var seed = Parse("""
            { "users": [ { "username": "dev", "password": "pw" } ],
              "secrets": [ { "id": 1, "path": "\\a\\b", "fields": [ { "slug": "password", "value": "x", "isPassword": true } ] } ] }
            """);

        seed.Secrets[0].Active.Should().BeTrue();
        seed.Secrets[0].Permissions.Should().BeNull();
        seed.Secrets[0].ApprovedUsers.Should().BeEmpty();
        seed.Users[0].CanViewTemplates.Should().BeTrue();
        seed.Settings.TokenLifetimeSeconds.Should().BeNull();
        seed.Faults.Should().BeEmpty();
    }

    [Fact]
    public void Settings_permissions_approval_and_faults_are_read()
    {
        var seed = Parse("""
            { "users": [ { "username": "dev", "password": "pw", "otp": "123456", "canViewTemplates": false } ],
              "settings": { "tokenLifetimeSeconds": 5, "maxTokenRefreshes": 0, "refreshTokens": false },
              "secrets": [ { "id": 1, "path": "/a/b", "requiresApproval": true, "approvedUsers": [ "dev" ],
                             "checkOutEnabled": true, "checkOutIntervalMinutes": 5, "active": false,
                             "permissions": { "dev": "list" },
                             "fields": [ { "slug": "password", "value": "x", "isPassword": true } ] } ],
              "faults": [ { "path": "/oauth2/token", "kind": "html" },
                          { "path": "*", "kind": "expiredToken", "times": 1 },
                          { "path": "/api/*", "kind": "status", "status": 429, "retryAfterSeconds": 2 } ] }
            """);

        seed.Users[0].Otp.Should().Be("123456");
        seed.Users[0].CanViewTemplates.Should().BeFalse();
        seed.Settings.TokenLifetimeSeconds.Should().Be(5);
        seed.Settings.RefreshTokens.Should().BeFalse();
        seed.Secrets[0].Active.Should().BeFalse();
        seed.Secrets[0].Permissions!["dev"].Should().Be("list");
        seed.Faults.Select(f => f.Kind).Should().Equal(DevVaultFaultKind.Html, DevVaultFaultKind.ExpiredToken, DevVaultFaultKind.Status);
        seed.Faults[2].RetryAfterSeconds.Should().Be(2);
    }

    [Theory]
    [InlineData("""{ "users": [ { "username": "dev", "password": "pw" } ], "settings": { "tokenLifetimeSeconds": 0 } }""", "tokenLifetimeSeconds")]
    [InlineData("""{ "users": [ { "username": "dev", "password": "pw" }, { "username": "DEV", "password": "x" } ] }""", "used twice")]
    [InlineData("""{ "users": [ { "username": "dev", "password": "pw" } ], "secrets": [ { "id": 1, "path": "a", "permissions": { "bob": "View" }, "fields": [] } ] }""", "permissions")]
    [InlineData("""{ "users": [ { "username": "dev", "password": "pw" } ], "faults": [ { "kind": "status", "status": 99 } ] }""", "status")]
    public void A_broken_seed_is_refused_naming_the_problem(string json, string expected)
    {
        var act = () => Parse(json);

        act.Should().Throw<SeedException>().Which.Message.Should().Contain(expected);
    }
}
