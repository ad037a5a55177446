using SecretMcp.SecretServer;

namespace SecretMcp.Tests.SecretServer;

public sealed class SecretReferenceTests
{
    [Theory]
    [InlineData("db/prod", "\\db\\prod")]
    [InlineData("/db/prod", "\\db\\prod")]
    [InlineData("\\Infra\\db\\prod", "\\Infra\\db\\prod")]
    [InlineData("  db//prod/ ", "\\db\\prod")]
    [InlineData("Infra/My Secret", "\\Infra\\My Secret")]
    [InlineData("prod", "\\prod")]
    public void Paths_are_normalised_to_the_backslash_form(string text, string expected)
    {
        SecretReference.TryParse(text, out var reference, out _).Should().BeTrue();

        reference.Path.Should().Be(expected);
        reference.Id.Should().BeNull();
    }

    [Fact]
    public void Digits_are_an_id()
    {
        SecretReference.TryParse("42", out var reference, out _).Should().BeTrue();

        reference.Id.Should().Be(42);
        reference.Path.Should().BeNull();
        reference.Label.Should().Be("42");
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("0")]
    [InlineData("99999999999")]
    [InlineData("/")]
    [InlineData("db/../prod")]
    [InlineData("db/pr\nod")]
    public void Invalid_references_are_refused_with_a_reason(string text)
    {
        SecretReference.TryParse(text, out _, out var error).Should().BeFalse();

        error.Should().NotBeEmpty();
    }

    [Theory]
    [InlineData("prod", true)]
    [InlineData("/prod", true)]
    [InlineData("db/prod", false)]
    [InlineData("42", false)]
    public void A_single_segment_is_a_bare_name_looked_up_by_search(string text, bool bare)
    {
        SecretReference.TryParse(text, out var reference, out _).Should().BeTrue();

        reference.IsBareName.Should().Be(bare);
    }

    [Theory]
    [InlineData(null, "\\")]
    [InlineData("", "\\")]
    [InlineData("\\", "\\")]
    [InlineData("\\Infra\\db", "\\Infra\\db")]
    [InlineData("Infra/db/", "\\Infra\\db")]
    public void Folder_paths_take_secret_servers_form(string? text, string expected)
    {
        SecretReference.NormalizeFolderPath(text).Should().Be(expected);
    }
}
