using System.Text;
using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

public sealed class ValueLimitsTests
{
    [Theory]
    [InlineData(ShellKind.Bash)]
    [InlineData(ShellKind.Fish)]
    [InlineData(ShellKind.Pwsh)]
    public void Multi_line_text_with_every_special_character_passes_where_the_shell_can_hold_it(ShellKind shell)
    {
        var value = "p$HOME\"q\\w$(id)`x`!! 'sq' %PATH% ^&|<>\r\n\u200b\uFEFF\n\n"u8.ToArray();

        ValueLimits.TryFormat(shell, value, null, windows: false, out var output).Should().BeNull();
        output.Should().BeSameAs(value, "POSIX shells, fish and pwsh get the raw bytes");
    }

    [Fact]
    public void A_nul_byte_and_more_than_100_KiB_are_refused_everywhere()
    {
        foreach (var shell in Enum.GetValues<ShellKind>())
        {
            ValueLimits.Check(shell, "a\0b"u8, windows: false).Should().Contain("NUL");
            ValueLimits.Check(shell, Encoding.ASCII.GetBytes(new string('a', (100 * 1024) + 1)), windows: false)
                .Should().Contain("E2BIG");
        }
    }

    [Fact]
    public void Bytes_that_are_not_utf8_reach_posix_shells_and_fish_only()
    {
        byte[] binary = [0x66, 0xFF, 0xFE, 0x80];

        ValueLimits.Check(ShellKind.Bash, binary, windows: false).Should().BeNull();
        ValueLimits.Check(ShellKind.Fish, binary, windows: false).Should().BeNull();
        ValueLimits.Check(ShellKind.Pwsh, binary, windows: false).Should().Contain("binary");
        ValueLimits.Check(ShellKind.Cmd, binary, windows: false).Should().Contain("binary");
    }

    [Fact]
    public void An_empty_value_is_refused_where_empty_means_unset()
    {
        ValueLimits.Check(ShellKind.Bash, [], windows: false).Should().BeNull();
        ValueLimits.Check(ShellKind.Pwsh, [], windows: false).Should().BeNull();
        ValueLimits.Check(ShellKind.PowerShell, [], windows: true).Should().Contain("Windows PowerShell 5.1 deletes");
        ValueLimits.Check(ShellKind.Cmd, [], windows: true).Should().Contain("cannot tell an empty variable");
    }

    [Fact]
    public void Windows_caps_a_variable_at_32767_characters()
    {
        var value = Encoding.ASCII.GetBytes(new string('a', ValueLimits.MaxWindowsChars + 1));

        ValueLimits.Check(ShellKind.Pwsh, value, windows: false).Should().BeNull();
        ValueLimits.Check(ShellKind.Pwsh, value, windows: true).Should().Contain("Windows environment variable");
        ValueLimits.Check(ShellKind.PowerShell, value, windows: false).Should().NotBeNull("5.1 only runs on Windows");
    }

    [Theory]
    [InlineData("secret\n", "line breaks")]
    [InlineData("line1\r\nline2", "line breaks")]
    [InlineData("secret\r", "line breaks")]
    [InlineData("a\tb", "control characters")]
    [InlineData("\u001b[31mred", "control characters")]
    [InlineData("a\u0085b", "control characters")]
    [InlineData(";semicolon", "starts with ';'")]
    [InlineData("50%PATH%^&|<>\"!x", "'!'")]
    [InlineData("\uFEFFbom", "byte-order mark")]
    public void Cmd_refuses_what_for_f_and_set_cannot_carry(string value, string reason)
    {
        ValueLimits.TryFormat(ShellKind.Cmd, Encoding.UTF8.GetBytes(value), 65001, windows: true, out _)
            .Should().Contain(reason);
    }

    [Fact]
    public void Cmd_refuses_more_than_8000_characters()
    {
        CmdValue.Refusal(new string('c', CmdValue.MaxChars)).Should().BeNull();
        CmdValue.Refusal(new string('c', CmdValue.MaxChars + 1)).Should().Contain("8,191");
    }

    [Fact]
    public void Cmd_gets_one_line_in_the_console_code_page_with_crlf()
    {
        var value = "50%PATH%^&|<>\"x café"u8.ToArray();

        ValueLimits.TryFormat(ShellKind.Cmd, value, 850, windows: true, out var oem).Should().BeNull();
        ValueLimits.TryFormat(ShellKind.Cmd, value, 1252, windows: true, out var ansi).Should().BeNull();
        ValueLimits.TryFormat(ShellKind.Cmd, value, null, windows: true, out var utf8).Should().BeNull();

        oem[^7..].Should().Equal([(byte)' ', (byte)'c', (byte)'a', (byte)'f', 0x82, (byte)'\r', (byte)'\n']);
        ansi[^3..].Should().Equal([0xE9, (byte)'\r', (byte)'\n']);
        utf8.Should().Equal([.. value, (byte)'\r', (byte)'\n']);
    }

    [Fact]
    public void Cmd_refuses_characters_the_code_page_cannot_carry_instead_of_guessing()
    {
        var value = "p\u00e4ss \u20ac \U0001F600"u8.ToArray();

        ValueLimits.TryFormat(ShellKind.Cmd, value, 437, windows: true, out var output)
            .Should().Contain("code page 437 cannot carry").And.Contain("chcp 65001");
        output.Should().BeEmpty();
        ValueLimits.TryFormat(ShellKind.Cmd, value, 65001, windows: true, out _).Should().BeNull();
        ValueLimits.TryFormat(ShellKind.Cmd, "x"u8.ToArray(), 12345, windows: true, out _).Should().Contain("not one");
    }

    [Theory]
    [InlineData(ShellKind.Cmd, true, false, "multi-line notes field")]
    [InlineData(ShellKind.Cmd, false, true, "file attachment")]
    [InlineData(ShellKind.Pwsh, true, false, null)]
    [InlineData(ShellKind.Bash, false, true, null)]
    [InlineData(ShellKind.Cmd, false, false, null)]
    public void Field_metadata_refuses_notes_and_files_for_cmd_before_minting(
        ShellKind shell, bool isNotes, bool isFile, string? expected)
    {
        var refusal = FieldFit.Refusal(shell, "notes", isNotes, isFile);

        if (expected is null)
        {
            refusal.Should().BeNull();
        }
        else
        {
            refusal.Should().Contain(expected).And.Contain("pwsh");
        }
    }
}
