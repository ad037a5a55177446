using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

public sealed class VariableNameTests
{
    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("_x")]
    [InlineData("a1")]
    [InlineData("PGPASSWORD")]
    public void Plain_ascii_names_are_accepted(string name)
    {
        VariableName.Validate(name).Should().BeNull();
    }

    [Theory]
    [InlineData("")]
    [InlineData("X;rm -rf ~")]
    [InlineData("$(id)")]
    [InlineData("`id`")]
    [InlineData("A B")]
    [InlineData("FOO\n")]
    [InlineData("FOO=BAR")]
    [InlineData("-X")]
    [InlineData("1ABC")]
    [InlineData("\u212AEY")] // KEY spelled with the Kelvin sign
    [InlineData("\u0420ATH")] // PATH spelled with a Cyrillic Er
    [InlineData("=C:")]
    [InlineData("%PATH%")]
    [InlineData("X!Y")]
    [InlineData("ÄPI")]
    public void Names_outside_the_ascii_pattern_are_refused(string name)
    {
        VariableName.Validate(name).Should().NotBeNull();
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("Path")]
    [InlineData("HOME")]
    [InlineData("IFS")]
    [InlineData("BASH_ENV")]
    [InlineData("LD_PRELOAD")]
    [InlineData("ld_library_path")]
    [InlineData("ERRORLEVEL")]
    [InlineData("ComSpec")]
    public void Names_that_change_how_shells_behave_are_refused(string name)
    {
        VariableName.Validate(name).Should().Contain("reserved");
    }

    [Fact]
    public void Over_long_names_are_refused()
    {
        VariableName.Validate(new string('A', 129)).Should().NotBeNull();
        VariableName.Validate(new string('A', 128)).Should().BeNull();
    }

    [Theory]
    [InlineData("db/prod", "password", "DB_PROD_PASSWORD")]
    [InlineData("infra/deploy/signing-key", "private-key", "INFRA_DEPLOY_SIGNING_KEY_PRIVATE_KEY")]
    [InlineData("10", "password", "SECRET_10_PASSWORD")]
    [InlineData("Ünïcode name", "api-key", "N_CODE_NAME_API_KEY")]
    public void Derived_names_are_valid(string secret, string field, string expected)
    {
        var name = VariableName.Derive(secret, field);

        name.Should().Be(expected);
        VariableName.Validate(name).Should().BeNull();
    }

    [Fact]
    public void A_derived_name_that_would_be_reserved_gets_a_prefix()
    {
        VariableName.Derive("", "path").Should().Be("SECRET_PATH");
    }
}
