using System.Text;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer.Contract;

/// <summary>The client against the running dev vault: finding secrets, describing them, reading fields.</summary>
public sealed class ResolveAndReadTests : IAsyncLifetime
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
        SecretReference.TryParse(text, out var reference, out var error).Should().BeTrue(error);
        return reference;
    }

    [Theory]
    [InlineData("10")]
    [InlineData("db/prod")]
    [InlineData("/db/prod")]
    [InlineData("\\db\\prod")]
    [InlineData("DB/Prod")]
    public async Task A_secret_resolves_by_id_and_by_every_spelling_of_its_path(string text)
    {
        var secret = await Client.GetSecretAsync(Ref(text), default);

        secret.Id.Should().Be(10);
        secret.Name.Should().Be("prod");
        secret.FolderPath.Should().Be("\\db");
        secret.Path.Should().Be("\\db\\prod");
        secret.Template.Should().Be("SQL Server Account");
        secret.Fields.Select(f => f.Slug).Should().Equal("server", "username", "password");
        secret.DefaultField!.Slug.Should().Be("password", "the template's isPassword field is the default");
        secret.Access.Kind.Should().Be(SecretAccessKind.Allowed);
    }

    [Fact]
    public async Task A_full_path_wins_over_a_secret_of_the_same_name_elsewhere()
    {
        (await Client.ResolveAsync(Ref("Infra/db/prod"), default)).Id.Should().Be(11);
        (await Client.ResolveAsync(Ref("db/prod"), default)).Id.Should().Be(10);
    }

    [Theory]
    [InlineData("api-key")]
    [InlineData("web/api-key")]
    [InlineData("API-KEY")]
    public async Task An_exact_name_or_the_end_of_a_path_resolves_through_search_when_it_is_unique(string text)
    {
        var secret = await Client.ResolveAsync(Ref(text), default);

        secret.Id.Should().Be(12);
        secret.Path.Should().Be("\\Infra\\web\\api-key");
    }

    [Fact]
    public async Task An_ambiguous_name_is_an_error_listing_ids_and_paths_and_no_values()
    {
        var act = () => Client.ResolveAsync(Ref("prod"), default);

        var error = (await act.Should().ThrowAsync<AmbiguousSecretException>()).Which;
        error.Candidates.Select(c => c.Id).Should().BeEquivalentTo([10, 11]);
        error.Message.Should().Contain("10 \\db\\prod").And.Contain("11 \\Infra\\db\\prod")
            .And.Contain("id or the full path");
        error.Message.Should().NotContain(ContractSeed.Marker);
    }

    [Theory]
    [InlineData("db/nope")]
    [InlineData("nope")]
    [InlineData("999")]
    [InlineData("25")]
    [InlineData("restricted/hidden")]
    public async Task A_missing_or_hidden_secret_is_not_found(string text)
    {
        var act = () => Client.GetSecretAsync(Ref(text), default);

        (await act.Should().ThrowAsync<SecretNotFoundException>()).Which.Message
            .Should().Contain("not found").And.Contain("search_secrets");
    }

    [Fact]
    public async Task A_deactivated_secret_is_not_found()
    {
        var act = () => Client.GetSecretAsync(Ref("27"), default);

        await act.Should().ThrowAsync<SecretNotFoundException>();
    }

    [Fact]
    public async Task A_text_field_arrives_byte_exact_from_its_json_string_literal()
    {
        var value = await Client.ReadFieldAsync(10, "password", default);

        value.Should().Equal(Encoding.UTF8.GetBytes(ContractSeed.DbPassword));
    }

    [Fact]
    public async Task A_file_field_arrives_as_raw_bytes_even_when_it_starts_like_html()
    {
        var secret = await Client.GetSecretAsync(Ref("files/cert"), default);
        secret.Fields.Single(f => f.Slug == "certificate").IsFile.Should().BeTrue();
        secret.DefaultField.Should().BeNull("the template has no password field");

        var value = await Client.ReadFieldAsync(26, "certificate", default);

        value.Should().Equal(ContractSeed.CertificateFile);
    }

    [Fact]
    public async Task An_unknown_field_is_a_field_error()
    {
        var act = () => Client.ReadFieldAsync(10, "nope", default);

        (await act.Should().ThrowAsync<FieldNotFoundException>()).Which.Message.Should().Contain("no field 'nope'");
    }

    [Fact]
    public async Task Search_matches_names_only_pages_through_every_result_and_lists_paths()
    {
        var bulk = await Client.SearchAsync("item-", 500, default);
        bulk.Total.Should().Be(ContractSeed.BulkCount, "the client follows the paging envelope past one page");
        bulk.Secrets.Should().HaveCount(ContractSeed.BulkCount);
        bulk.Secrets[0].Path.Should().Be("\\bulk\\item-001");
        _harness.Vault.Requests.Count(r => r.Path == "/api/v1/secrets").Should().BeGreaterThan(1);

        var limited = await Client.SearchAsync("item-", 5, default);
        limited.Secrets.Should().HaveCount(5);
        limited.Truncated.Should().BeTrue();

        var prod = await Client.SearchAsync("PROD", 50, default);
        prod.Secrets.Select(s => s.Path).Should().BeEquivalentTo(["\\db\\prod", "\\Infra\\db\\prod"]);
    }

    [Fact]
    public async Task Search_never_tells_whether_a_secret_holds_a_value()
    {
        // The dev vault, like Secret Server, matches field contents too; the client keeps names only.
        var byField = await Client.SearchAsync(ContractSeed.ProbeUsername, 50, default);
        byField.Total.Should().Be(0);

        var hidden = await Client.SearchAsync("hidden", 50, default);
        hidden.Total.Should().Be(0, "a secret this account may not list does not show");
    }

    [Fact]
    public async Task Describe_lists_restricted_secrets_from_the_template_without_viewing_them()
    {
        var commented = await Client.GetSecretAsync(Ref("restricted/commented"), default);
        commented.Access.Kind.Should().Be(SecretAccessKind.RequiresComment);
        commented.RequiresComment.Should().BeTrue();
        commented.Fields.Select(f => f.Slug).Should().Equal("password");

        var checkout = await Client.GetSecretAsync(Ref("restricted/checkout"), default);
        checkout.Access.Kind.Should().Be(SecretAccessKind.RequiresCheckout);
        checkout.Flags.CheckOutEnabled.Should().BeTrue();
        checkout.Flags.CheckedOut.Should().BeFalse();

        var approval = await Client.GetSecretAsync(Ref("restricted/approval"), default);
        approval.Access.Kind.Should().Be(SecretAccessKind.RequiresApproval);
        approval.Flags.RequiresApproval.Should().BeTrue();

        _harness.Vault.AuditsOf(20).Should().BeEmpty("describing is not viewing");
        _harness.Vault.AuditsOf(22).Should().BeEmpty("describing checks nothing out");
    }

    [Fact]
    public async Task A_list_only_secret_is_described_but_reading_it_is_access_denied()
    {
        var secret = await Client.GetSecretAsync(Ref("restricted/list-only"), default);
        secret.Access.Kind.Should().Be(SecretAccessKind.CannotView);

        var prepare = () => Client.PrepareReadAsync(Ref("24"), FieldReadRequest.None, default);
        (await prepare.Should().ThrowAsync<SecretAccessDeniedException>()).Which.Message.Should().Contain("View permission");

        var read = () => Client.ReadFieldAsync(24, "password", default);
        await read.Should().ThrowAsync<SecretAccessDeniedException>();
    }

    [Fact]
    public async Task Without_template_access_fields_come_from_the_secret_when_it_is_freely_readable()
    {
        await using var other = ClientHarness.Create(
            _harness.Vault, ClientHarness.Fast(_harness.Vault.BaseUri), "no-templates", "nt-pw");

        var free = await other.Client.GetSecretAsync(Ref("db/prod"), default);
        free.Fields.Select(f => f.Slug).Should().Equal("server", "username", "password");

        var restricted = await other.Client.GetSecretAsync(Ref("restricted/commented"), default);
        restricted.Fields.Should().BeEmpty();
        restricted.FieldsUnavailableReason.Should().Contain("restricted");
        _harness.Vault.AuditsOf(20).Should().BeEmpty();
    }
}
