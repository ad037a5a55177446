using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

public sealed class VariableNameTests
{
    [Theory]
    [InlineData("DB_PASSWORD")]
    [InlineData("_X")]
    [InlineData("A1")]
    [InlineData("PGPASSWORD")]
    [InlineData("GITHUB_TOKEN")]
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
    [InlineData("db_password")]
    [InlineData("path")]
    [InlineData("status")]
    [InlineData("Api_Key")]
    public void Names_outside_the_ascii_pattern_are_refused(string name)
    {
        VariableName.Validate(name).Should().NotBeNull();
    }

    [Theory]
    [InlineData("PATH")]
    [InlineData("HOME")]
    [InlineData("IFS")]
    [InlineData("BASH_ENV")]
    [InlineData("LD_PRELOAD")]
    [InlineData("LD_LIBRARY_PATH")]
    [InlineData("ERRORLEVEL")]
    [InlineData("COMSPEC")]
    [InlineData("PATHEXT")]
    [InlineData("TMOUT")]
    [InlineData("FPATH")]
    [InlineData("PSMODULEPATH")]
    [InlineData("_")]
    [InlineData("HISTFILE")]
    [InlineData("DOTNET_STARTUP_HOOKS")]
    public void Names_that_change_how_shells_behave_are_refused(string name)
    {
        VariableName.Validate(name).Should().Contain("reserved");
    }

    [Fact]
    public void A_lower_case_name_is_refused_with_the_upper_case_spelling_to_use()
    {
        VariableName.Validate("db_password").Should().Contain("[A-Z_][A-Z0-9_]*").And.Contain("did you mean DB_PASSWORD?");
        VariableName.Validate("path").Should().NotContain("did you mean", "PATH is reserved too");
    }

    [Fact]
    public void The_deny_list_ignores_case_as_windows_does()
    {
        // Lower case never passes the pattern, so the deny-list's case folding is what a future,
        // laxer pattern would rely on: check it directly through a name that differs only in case.
        VariableName.Validate("COMSPEC").Should().Contain("reserved", "Windows spells it ComSpec");
        VariableName.Validate("COMPLUS_X").Should().Contain("reserved prefix");
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
