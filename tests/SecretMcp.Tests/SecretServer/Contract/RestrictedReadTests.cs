using System.Net;
using System.Text;
using System.Text.Json;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>Comments, approval and check-out, through the client against the running dev vault.</summary>
public sealed class RestrictedReadTests : IAsyncLifetime
{
    private ClientHarness _harness = null!;

    private SecretServerClient Client => _harness.Client;

    public async Task InitializeAsync() => _harness = await ClientHarness.StartAsync();

    public async Task DisposeAsync()
    {
        _harness.AssertLogsClean();
        await _harness.DisposeAsync();
    }

    private static SecretReference Ref(string text)
    {
        SecretReference.TryParse(text, out var reference, out _).Should().BeTrue();
        return reference;
    }

    [Fact]
    public async Task A_secret_that_requires_a_comment_is_refused_early_without_a_reason()
    {
        var prepare = () => Client.PrepareReadAsync(Ref("restricted/commented"), FieldReadRequest.None, default);
        (await prepare.Should().ThrowAsync<SecretRequiresCommentException>()).Which.Message
            .Should().Contain("call again with reason");

        var read = () => Client.ReadFieldAsync(20, "password", default);
        await read.Should().ThrowAsync<SecretRequiresCommentException>();
        _harness.Vault.AuditsOf(20).Should().BeEmpty();
    }

    [Fact]
    public async Task The_reason_and_ticket_number_reach_the_audit_through_the_restricted_read()
    {
        var request = new FieldReadRequest("deploy hotfix 42", "CHG-1001");
        var metadata = await Client.PrepareReadAsync(Ref("restricted/commented"), request, default);
        metadata.DefaultField!.Slug.Should().Be("password");

        var value = await Client.ReadFieldAsync(20, "password", request, default);

        Encoding.UTF8.GetString(value).Should().Be(ContractSeed.CommentedPassword);
        _harness.Count("POST", "/api/v1/secrets/20/restricted/fields/password").Should().Be(1);

        // Read back through the audits endpoint, as any Secret Server client would.
        using var audits = await _harness.AsUserAsync("carol", "carol-pw", HttpMethod.Get, "api/v1/secrets/20/audits");
        audits.StatusCode.Should().Be(HttpStatusCode.OK);
        var record = JsonDocument.Parse(await audits.Content.ReadAsStringAsync()).RootElement.GetProperty("records")[0];
        record.GetProperty("action").GetString().Should().Be("VIEW");
        record.GetProperty("username").GetString().Should().Be("dev");
        record.GetProperty("notes").GetString().Should().Be("deploy hotfix 42");
        record.GetProperty("ticketNumber").GetString().Should().Be("CHG-1001");
    }

    [Fact]
    public async Task A_reason_is_recorded_even_when_the_secret_does_not_require_one()
    {
        await Client.ReadFieldAsync(10, "username", new FieldReadRequest("checking the login"), default);

        _harness.Vault.AuditsOf(10).Should().ContainSingle().Which.Notes.Should().Be("checking the login");
    }

    [Fact]
    public async Task A_secret_that_requires_approval_says_to_request_access_in_secret_server()
    {
        var prepare = () => Client.PrepareReadAsync(Ref("restricted/approval"), new FieldReadRequest("why"), default);
        (await prepare.Should().ThrowAsync<SecretRequiresApprovalException>()).Which.Message
            .Should().Contain("request access").And.Contain("Secret Server");

        var read = () => Client.ReadFieldAsync(21, "password", default);
        await read.Should().ThrowAsync<SecretRequiresApprovalException>();

        await using var approved = ClientHarness.Create(
            _harness.Vault, ClientHarness.Fast(_harness.Vault.BaseUri), "carol", "carol-pw");
        (await approved.Client.ReadFieldAsync(21, "password", default)).Should().NotBeEmpty();
    }

    [Fact]
    public async Task A_check_out_secret_is_checked_out_and_back_in_around_the_read_with_the_reason()
    {
        var value = await Client.ReadFieldAsync(22, "password", new FieldReadRequest("rotate the cache"), default);

        Encoding.UTF8.GetString(value).Should().Be(ContractSeed.CheckoutPassword);
        var audits = _harness.Vault.AuditsOf(22);
        audits.Select(a => a.Action).Should().Equal("CHECKOUT", "VIEW", "CHECKIN");
        audits[1].Notes.Should().Be("rotate the cache");
        audits[2].Notes.Should().Be("rotate the cache");

        var after = await Client.GetSecretAsync(Ref("22"), default);
        after.Flags.CheckedOut.Should().BeFalse("the client checked it back in");
    }

    [Fact]
    public async Task Without_a_reason_the_check_in_still_carries_a_comment()
    {
        await Client.ReadFieldAsync(22, "password", default);

        _harness.Vault.AuditsOf(22).Last().Should().Match<(string Action, string Username, string? Notes, string? TicketNumber)>(
            a => a.Action == "CHECKIN" && a.Notes!.Contains("secret-mcp"));
    }

    [Fact]
    public async Task Check_out_and_comment_together_need_the_reason_and_use_both()
    {
        var refused = () => Client.PrepareReadAsync(Ref("restricted/checkout-comment"), FieldReadRequest.None, default);
        await refused.Should().ThrowAsync<SecretRequiresCommentException>();

        var value = await Client.ReadFieldAsync(23, "password", new FieldReadRequest("incident 7"), default);

        value.Should().NotBeEmpty();
        _harness.Vault.AuditsOf(23).Select(a => a.Action).Should().Equal("CHECKOUT", "VIEW", "CHECKIN");
    }

    [Fact]
    public async Task A_secret_checked_out_by_someone_else_is_refused_naming_the_holder()
    {
        using var checkout = await _harness.AsUserAsync("carol", "carol-pw", HttpMethod.Post, "api/v1/secrets/22/check-out");
        checkout.StatusCode.Should().Be(HttpStatusCode.OK);

        var prepare = () => Client.PrepareReadAsync(Ref("restricted/checkout"), FieldReadRequest.None, default);
        (await prepare.Should().ThrowAsync<SecretCheckedOutException>()).Which.Message
            .Should().Contain("Carol Checkout").And.Contain("minute");

        var read = () => Client.ReadFieldAsync(22, "password", default);
        await read.Should().ThrowAsync<SecretCheckedOutException>();
        _harness.Count("POST", "/api/v1/secrets/22/check-out").Should().Be(1, "only carol's check-out happened");
    }
}
