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
}
