using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

/// <summary>
/// The generated text itself: what the real-shell table test cannot show (cmd's text on Windows,
/// quoting of nasty helper paths, the Windows PowerShell 5.1 argument string), pinned exactly.
/// </summary>
public sealed class SnippetTextTests
{
    private static readonly string[] s_self = ["C:\\Program Files\\secret-mcp\\secret-mcp.exe"];
    private const string Ticket = "smt1.abc123.DEF-456_x";

    [Fact]
    public void Cmd_export_is_two_lines_that_capture_one_line_and_set_errorlevel()
    {
        var snippets = SnippetFactory.ForVariable(ShellKind.Cmd, "DB_PASSWORD", s_self, Ticket);

        snippets.Export.Should().Be(
            "set \"DB_PASSWORD=\" & (for /f \"usebackq delims=\" %A in (`\"\"C:\\Program Files\\secret-mcp\\secret-mcp.exe\" "
            + "\"redeem\" \"--variable=DB_PASSWORD\" \"smt1.abc123.DEF-456_x\"\"`) do @set \"DB_PASSWORD=%A\")\n"
            + "if defined DB_PASSWORD (cmd /d /c exit 0) else (cmd /d /c exit 1)");
    }

    [Fact]
    public void Cmd_inline_runs_the_command_only_when_the_variable_was_set()
    {
        var snippets = SnippetFactory.ForVariable(ShellKind.Cmd, "DB_PASSWORD", s_self, Ticket);

        snippets.Inline.Should().Be(
            "set \"DB_PASSWORD=\" & (for /f \"usebackq delims=\" %A in (`\"\"C:\\Program Files\\secret-mcp\\secret-mcp.exe\" "
            + "\"redeem\" \"--variable=DB_PASSWORD\" \"--inline\" \"smt1.abc123.DEF-456_x\"\"`) do @set \"DB_PASSWORD=%A\") "
            + "& (if not defined DB_PASSWORD (exit /b 1)) & {command}");
    }

    [Theory]
    [InlineData("C:\\tools\\100%\\secret-mcp.exe")]
    [InlineData("C:\\tools\\a!b\\secret-mcp.exe")]
    [InlineData("C:\\tools\\a^b\\secret-mcp.exe")]
    [InlineData("C:\\tools\\a\"b\\secret-mcp.exe")]
    [InlineData("C:\\tools\\")]
    public void Cmd_refuses_a_helper_path_it_cannot_quote(string path)
    {
        var generate = () => SnippetFactory.ForVariable(ShellKind.Cmd, "X_KEY", [path], Ticket);

        generate.Should().Throw<ArgumentException>().WithMessage("*cannot quote*");
    }

    [Fact]
    public void Cmd_unset_quotes_each_name()
    {
        SnippetFactory.Unset(ShellKind.Cmd, ["A_KEY", "B_KEY"]).Should().Be("set \"A_KEY=\" & set \"B_KEY=\"");
    }

    [Fact]
    public void Cleanup_with_nothing_to_unset_is_a_command_that_succeeds_in_every_shell()
    {
        foreach (var shell in Enum.GetValues<ShellKind>())
        {
            SnippetFactory.Unset(shell, []).Should().NotBeNullOrWhiteSpace();
        }
    }

    [Fact]
    public void PowerShell_quotes_double_every_kind_of_single_quote()
    {
        PowerShellSnippets.Quote("it's \u2018a\u2019 \u201Ab\u201B").Should().Be("'it''s \u2018\u2018a\u2019\u2019 \u201A\u201Ab\u201B\u201B'");
    }

    [Theory]
    [InlineData("redeem", "redeem")]
    [InlineData("C:\\Program Files\\x.dll", "\"C:\\Program Files\\x.dll\"")]
    [InlineData("a\"b", "\"a\\\"b\"")]
    [InlineData("a\\\"b c", "\"a\\\\\\\"b c\"")]
    [InlineData("C:\\dir with space\\", "\"C:\\dir with space\\\\\"")]
    [InlineData("", "\"\"")]
    public void Windows_arguments_follow_the_c_runtime_rules(string argument, string expected)
    {
        PowerShellSnippets.WindowsArgument(argument).Should().Be(expected);
    }

    [Fact]
    public void Windows_powershell_51_gets_an_argument_string_and_pwsh_an_argument_list()
    {
        string[] self = ["/usr/bin/dotnet", "/opt/it's here/secret-mcp.dll"];

        var pwsh = SnippetFactory.ForVariable(ShellKind.Pwsh, "API_KEY", self, Ticket).Export;
        var windows = SnippetFactory.ForVariable(ShellKind.PowerShell, "API_KEY", self, Ticket).Export;

        pwsh.Should().Contain("@('/opt/it''s here/secret-mcp.dll', 'redeem', '--variable=API_KEY', 'smt1.abc123.DEF-456_x')")
            .And.Contain("ArgumentList.Add");
        windows.Should().Contain("$__smt_p.Arguments = '\"/opt/it''s here/secret-mcp.dll\" redeem --variable=API_KEY "
            + "smt1.abc123.DEF-456_x'").And.NotContain("ArgumentList");
    }

    [Fact]
    public void PowerShell_never_assigns_the_value_to_a_variable_so_tracing_cannot_print_it()
    {
        var export = SnippetFactory.ForVariable(ShellKind.Pwsh, "API_KEY", s_self, Ticket).Export;

        export.Should().Contain("[System.Environment]::SetEnvironmentVariable('API_KEY', "
            + "[System.Text.UTF8Encoding]::new($false, $true).GetString($__smt_m.ToArray()))");
        export.Should().NotContain("$env:API_KEY =").And.NotContain("throw ").And.NotContain("{ exit ")
            .And.NotContain("; exit");
    }

    [Fact]
    public void Fish_quotes_backslashes_and_single_quotes()
    {
        FishSnippets.Quote("a\\b'c").Should().Be("'a\\\\b\\'c'");
    }

    [Fact]
    public void Fish_export_keeps_trailing_newlines_and_reads_the_helpers_status()
    {
        var export = SnippetFactory.ForVariable(ShellKind.Fish, "API_KEY", ["/opt/secret-mcp"], Ticket).Export;

        export.Should().Contain("| string collect -N)").And.Contain("$pipestatus[1]").And.Contain("set -gx --unpath API_KEY")
            .And.Contain("fish_trace");
        export.Should().NotContain("\n");
    }

    [Theory]
    [InlineData(ShellKind.Bash)]
    [InlineData(ShellKind.Zsh)]
    [InlineData(ShellKind.Sh)]
    [InlineData(ShellKind.Fish)]
    [InlineData(ShellKind.Pwsh)]
    [InlineData(ShellKind.PowerShell)]
    public void Export_is_one_line_with_a_leading_space_and_inline_puts_the_command_on_its_own_line(ShellKind shell)
    {
        var snippets = SnippetFactory.ForVariable(shell, "API_KEY", ["/opt/secret-mcp"], Ticket);

        snippets.Export.Should().StartWith(" ").And.NotContain("\n").And.NotContain("!");
        snippets.Inline.Should().Contain("\n" + InlinePlaceholder.Command + "\n");
        snippets.Inline.Should().Contain("--inline").And.Contain("--variable=API_KEY");
    }

    [Theory]
    [InlineData("X;rm -rf ~")]
    [InlineData("$(id)")]
    [InlineData("PATH")]
    [InlineData("api_key")]
    public void Every_generator_refuses_a_bad_name_before_writing_anything(string name)
    {
        foreach (var shell in Enum.GetValues<ShellKind>())
        {
            var generate = () => SnippetFactory.ForVariable(shell, name, ["/opt/secret-mcp"], Ticket);
            generate.Should().Throw<ArgumentException>();
            var unset = () => SnippetFactory.Unset(shell, [name]);
            unset.Should().Throw<ArgumentException>();
        }
    }

    [Theory]
    [InlineData("smt1.a.b'; rm -rf ~")]
    [InlineData("smt1.a.b c")]
    [InlineData("")]
    public void A_ticket_with_characters_outside_its_alphabet_is_refused(string ticket)
    {
        var generate = () => SnippetFactory.ForVariable(ShellKind.Bash, "API_KEY", ["/opt/secret-mcp"], ticket);

        generate.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void Redeem_names_the_consequence_of_a_failure_only_for_a_valid_name()
    {
        SecretMcp.Cli.RedeemCommand.Consequence("API_KEY", inline: false).Should().Be("; API_KEY is unset");
        SecretMcp.Cli.RedeemCommand.Consequence("API_KEY", inline: true)
            .Should().Be("; API_KEY was not set and the command was not run");
        SecretMcp.Cli.RedeemCommand.Consequence("\u001b[31mX", inline: false).Should().BeEmpty();
        SecretMcp.Cli.RedeemCommand.Consequence(null, inline: true).Should().Be("; the command was not run");
    }
}
