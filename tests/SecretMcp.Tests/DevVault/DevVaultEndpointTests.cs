using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using SecretMcp.DevVault;
using SecretMcp.Tests.SecretServer.Contract;

namespace SecretMcp.Tests.DevVault;

/// <summary>
/// The dev vault's endpoints with a plain HTTP client (no secret-mcp code), as Delinea's SDKs, curl
/// or PowerShell would call them: shapes, status codes and Secret Server's binding quirks.
/// </summary>
public sealed class DevVaultEndpointTests : IAsyncLifetime
{
    private DevVaultServer _vault = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _vault = await DevVaultServer.StartAsync(new DevVaultOptions { Seed = ContractSeed.Load() });
        _http = new HttpClient { BaseAddress = _vault.BaseUri };
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _vault.DisposeAsync();
    }

    private async Task<HttpResponseMessage> TokenAsync(string username, string password, string? otp = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "oauth2/token")
        {
            Content = new FormUrlEncodedContent(
                [new("grant_type", "password"), new("username", username), new("password", password)]),
        };
        if (otp is not null)
        {
            request.Headers.Add("OTP", otp);
        }

        return await _http.SendAsync(request);
    }

    private async Task<string> SignInAsync(string username = "dev", string password = ContractSeed.DevPassword)
    {
        using var response = await TokenAsync(username, password);
        response.StatusCode.Should().Be(HttpStatusCode.OK);
        return (await JsonAsync(response)).GetProperty("access_token").GetString()!;
    }

    private async Task<HttpResponseMessage> CallAsync(string token, HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (json is not null)
        {
            request.Content = new StringContent(json, Encoding.UTF8, "application/json");
        }

        return await _http.SendAsync(request);
    }

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();

    [Fact]
    public async Task The_token_endpoint_answers_like_secret_server()
    {
        using var ok = await TokenAsync("dev", ContractSeed.DevPassword);
        var grant = await JsonAsync(ok);
        grant.GetProperty("token_type").GetString().Should().Be("bearer");
        grant.GetProperty("expires_in").GetInt32().Should().Be(1199);
        grant.GetProperty("refresh_token").GetString().Should().NotBeNullOrEmpty();

        using var bad = await TokenAsync("dev", "wrong");
        bad.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(bad)).GetProperty("error").GetString().Should().NotBeNullOrEmpty();

        using var refresh = await _http.PostAsync("oauth2/token", new FormUrlEncodedContent(
            [new("grant_type", "refresh_token"), new("refresh_token", grant.GetProperty("refresh_token").GetString()!)]));
        refresh.StatusCode.Should().Be(HttpStatusCode.OK);
        using var reused = await _http.PostAsync("oauth2/token", new FormUrlEncodedContent(
            [new("grant_type", "refresh_token"), new("refresh_token", grant.GetProperty("refresh_token").GetString()!)]));
        (await JsonAsync(reused)).GetProperty("error").GetString().Should().Be("invalid_grant", "refresh tokens are single use");
    }

    [Fact]
    public async Task A_user_with_two_factor_needs_the_otp_header()
    {
        using var without = await TokenAsync("otp-user", "otp-pw");
        without.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(without)).GetProperty("error").GetString().Should().Be("Invalid OTP");

        using var wrong = await TokenAsync("otp-user", "otp-pw", "000000");
        wrong.StatusCode.Should().Be(HttpStatusCode.BadRequest);

        using var right = await TokenAsync("otp-user", "otp-pw", "123456");
        right.StatusCode.Should().Be(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Revoking_a_token_gives_the_stale_token_403_and_garbage_gives_401()
    {
        var token = await SignInAsync();

        using var revoke = await CallAsync(token, HttpMethod.Post, "api/v1/oauth-expiration");
        (await revoke.Content.ReadAsStringAsync()).Should().Be("true");

        using var after = await CallAsync(token, HttpMethod.Get, "api/v1/users/current");
        after.StatusCode.Should().Be(HttpStatusCode.Forbidden);
        (await JsonAsync(after)).GetProperty("message").GetString().Should().Be("Authentication failed or expired token.");

        using var garbage = await CallAsync("not-a-token", HttpMethod.Get, "api/v1/users/current");
        garbage.StatusCode.Should().Be(HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Health_version_and_current_user_answer()
    {
        using var health = await _http.GetAsync("api/v1/healthcheck");
        (await JsonAsync(health)).GetProperty("healthy").GetBoolean().Should().BeTrue();

        var token = await SignInAsync();
        using var version = await CallAsync(token, HttpMethod.Get, "SecretServer/api/v1/version");
        (await JsonAsync(version)).GetProperty("version").GetString().Should().NotBeNullOrEmpty();

        using var me = await CallAsync(token, HttpMethod.Get, "api/v1/users/current");
        var user = await JsonAsync(me);
        user.GetProperty("userName").GetString().Should().Be("dev");
        user.GetProperty("displayName").GetString().Should().Be("Dev User");
    }

    [Theory]
    [InlineData("api/v1/secrets/10")]
    [InlineData("api/v2/secrets/10")]
    [InlineData("api/v1/secrets/0?secretPath=%5Cdb%5Cprod")]
    [InlineData("api/v1/secrets/0?SECRETPATH=/db/prod")]
    [InlineData("SecretServer/api/v1/secrets/10")]
    public async Task A_secret_is_served_by_id_by_path_and_under_both_versions(string path)
    {
        var token = await SignInAsync();

        using var response = await CallAsync(token, HttpMethod.Get, path);

        response.StatusCode.Should().Be(HttpStatusCode.OK);
        var secret = await JsonAsync(response);
        secret.GetProperty("id").GetInt32().Should().Be(10);
        secret.GetProperty("secretTemplateName").GetString().Should().Be("SQL Server Account");
        var item = secret.GetProperty("items")[2];
        item.GetProperty("slug").GetString().Should().Be("password");
        item.GetProperty("isPassword").GetBoolean().Should().BeTrue();
        item.GetProperty("itemValue").GetString().Should().Be(ContractSeed.DbPassword);
        item.GetProperty("fileAttachmentId").ValueKind.Should().Be(JsonValueKind.Null);
        item.GetProperty("listType").GetString().Should().Be("None");
    }

    [Fact]
    public async Task Search_binds_keys_case_insensitively_with_an_optional_paging_prefix()
    {
        var token = await SignInAsync();

        using var page = await CallAsync(token, HttpMethod.Get,
            "api/v1/secrets?paging.filter.SEARCHTEXT=item-&paging.take=50&paging.skip=100");
        var envelope = await JsonAsync(page);
        envelope.GetProperty("total").GetInt32().Should().Be(ContractSeed.BulkCount);
        envelope.GetProperty("records").GetArrayLength().Should().Be(20);
        envelope.GetProperty("hasNext").GetBoolean().Should().BeFalse();
        envelope.GetProperty("hasPrev").GetBoolean().Should().BeTrue();
        envelope.GetProperty("success").GetBoolean().Should().BeTrue();
        envelope.GetProperty("severity").GetString().Should().Be("None");

        using var total = await CallAsync(token, HttpMethod.Get, "api/v2/secrets/search-total?filter.searchtext=item-");
        (await total.Content.ReadAsStringAsync()).Should().Be(ContractSeed.BulkCount.ToString(System.Globalization.CultureInfo.InvariantCulture));

        using var exact = await CallAsync(token, HttpMethod.Get, "api/v1/secrets?filter.searchText=prod&filter.isExactmatch=true&filter.includeRestricted=true");
        (await JsonAsync(exact)).GetProperty("total").GetInt32().Should().Be(2);

        using var byField = await CallAsync(token, HttpMethod.Get,
            $"api/v1/secrets?filter.searchText={ContractSeed.ProbeUsername}&filter.searchFieldSlug=username");
        (await JsonAsync(byField)).GetProperty("records")[0].GetProperty("id").GetInt32().Should().Be(30);

        using var lookup = await CallAsync(token, HttpMethod.Get, "api/v1/secrets/lookup?filter.searchText=api-key");
        (await JsonAsync(lookup)).GetProperty("records")[0].GetProperty("value").GetString().Should().EndWith(" - api-key");

        using var one = await CallAsync(token, HttpMethod.Get, "api/v1/secrets/lookup/12");
        (await JsonAsync(one)).GetProperty("value").GetString().Should().Be("api-key");
    }

    [Fact]
    public async Task Folders_resolve_by_id_and_by_path_with_their_children()
    {
        var token = await SignInAsync();

        using var byPath = await CallAsync(token, HttpMethod.Get, "api/v1/folders/0?folderPath=%5CInfra&getAllChildren=true");
        var folder = await JsonAsync(byPath);
        folder.GetProperty("folderPath").GetString().Should().Be("\\Infra");
        folder.GetProperty("parentFolderId").GetInt32().Should().Be(-1);
        folder.GetProperty("childFolders").EnumerateArray().Select(c => c.GetProperty("folderPath").GetString())
            .Should().BeEquivalentTo(["\\Infra\\db", "\\Infra\\web"]);

        var id = folder.GetProperty("childFolders")[0].GetProperty("id").GetInt32();
        using var byId = await CallAsync(token, HttpMethod.Get, $"api/v1/folders/{id}");
        (await JsonAsync(byId)).GetProperty("childFolders").ValueKind.Should().Be(JsonValueKind.Null);
    }

    [Fact]
    public async Task Restricted_reads_need_the_comment_and_reject_a_body_that_is_not_json()
    {
        var token = await SignInAsync();

        using var plain = await CallAsync(token, HttpMethod.Get, "api/v1/secrets/20/fields/password");
        plain.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        (await JsonAsync(plain)).GetProperty("errorCode").GetString().Should().Be("API_ValidateSecretAccessCommentRequired");

        using var broken = await CallAsync(token, HttpMethod.Post, "api/v1/secrets/20/restricted", "{not json");
        broken.StatusCode.Should().Be(HttpStatusCode.BadRequest);
        var invalid = await JsonAsync(broken);
        invalid.GetProperty("message").GetString().Should().Be("The request is invalid.");
        invalid.GetProperty("modelState").GetProperty("args").GetArrayLength().Should().Be(1);

        using var whole = await CallAsync(token, HttpMethod.Post, "api/v1/secrets/20/restricted", """{"Comment":"why"}""");
        whole.StatusCode.Should().Be(HttpStatusCode.OK, "request JSON binds case-insensitively");
        (await JsonAsync(whole)).GetProperty("requiresComment").GetBoolean().Should().BeTrue();
    }

    [Fact]
    public async Task The_http_test_api_injects_faults_and_expires_tokens()
    {
        var token = await SignInAsync();

        using var add = await _http.PostAsync(DevVaultServer.ControlPrefix + "/faults", new StringContent(
            """{ "path": "/api/v1/users/current", "kind": "status", "status": 429, "retryAfterSeconds": 7, "times": 1 }""",
            Encoding.UTF8, "application/json"));
        add.StatusCode.Should().Be(HttpStatusCode.NoContent);

        using var limited = await CallAsync(token, HttpMethod.Get, "api/v1/users/current");
        limited.StatusCode.Should().Be((HttpStatusCode)429);
        limited.Headers.RetryAfter!.Delta.Should().Be(TimeSpan.FromSeconds(7));

        using var expire = await _http.PostAsync(DevVaultServer.ControlPrefix + "/expire-tokens", null);
        using var expired = await CallAsync(token, HttpMethod.Get, "api/v1/users/current");
        expired.StatusCode.Should().Be(HttpStatusCode.Forbidden);
    }
}
