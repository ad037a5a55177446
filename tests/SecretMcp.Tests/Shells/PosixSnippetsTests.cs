using System.Diagnostics;
using System.Text;
using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

/// <summary>
/// The bash generator, checked as text and run in a real bash against a stand-in helper script
/// (the broker has its own end-to-end tests).
/// </summary>
public sealed class PosixSnippetsTests : IDisposable
{
    private readonly string _folder;
    private readonly string _helper;

    public PosixSnippetsTests()
    {
        // A deliberately nasty folder name, so the helper path's quoting is exercised.
        _folder = Path.Combine(Path.GetTempPath(), "smt-unit-" + Guid.NewGuid().ToString("N")[..8], "bin dir", "it's $x");
        Directory.CreateDirectory(_folder);
        _helper = Path.Combine(_folder, "helper");
        File.WriteAllText(_helper,
            "#!/bin/sh\nif [ \"$1\" = fail ]; then printf 'partial-output\\n'; echo 'helper: failed' >&2; exit 3; fi\n"
            + "cat \"$1\"\n");
        File.SetUnixFileMode(_helper, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    public void Dispose() => Directory.Delete(Path.GetDirectoryName(Path.GetDirectoryName(_folder))!, true);

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("abcxx")]
    [InlineData("secret\n")]
    [InlineData("secret\n\n")]
    [InlineData("\n\n\n")]
    [InlineData("  lead and trail  ")]
    [InlineData("p$HOME\"q\\w$(id)`id`'s")]
    [InlineData("!! !$ ^a^b")]
    [InlineData("-n")]
    [InlineData("a\r\nb\r\n")]
    [InlineData("pässwörd €𝄞 עברית \u200b\ufeff")]
    public async Task Export_sets_the_exact_bytes(string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        var valueFile = WriteValue(bytes);
        var snippet = PosixSnippets.Export("SMT_VALUE", [_helper, valueFile]);

        var (code, stdout, _) = await RunBashAsync(snippet + "\nprintf '%s' \"$SMT_VALUE\" | od -An -v -tx1");

        code.Should().Be(0);
        stdout.Should().Be(Hex(bytes));
    }

    [Fact]
    public async Task Export_failure_prints_one_line_returns_non_zero_and_leaves_the_variable_unset()
    {
        var snippet = PosixSnippets.Export("SMT_VALUE", [_helper, "fail"]);

        var (code, stdout, stderr) = await RunBashAsync(
            "SMT_VALUE=old\n" + snippet + "\necho \"status=$? set=${SMT_VALUE+yes}\"");

        stdout.Should().Be("status=1 set=\n");
        stderr.Should().Be("helper: failed\n", "the helper's own line is the only one: the snippet adds none");
        stdout.Should().NotContain("partial-output");
        code.Should().Be(0);
    }

    [Fact]
    public async Task Export_refuses_to_run_under_set_x()
    {
        var snippet = PosixSnippets.Export("SMT_VALUE", [_helper, WriteValue("TRACE-CANARY"u8.ToArray())]);

        var (_, stdout, stderr) = await RunBashAsync("set -x\n" + snippet + "\necho \"status=$?\"");

        stderr.Should().NotContain("TRACE-CANARY");
        stderr.Should().Contain("shell tracing (set -x) is on");
        stdout.Should().Contain("status=1");
    }

    [Fact]
    public async Task Inline_runs_the_command_with_the_variable_and_keeps_it_out_of_the_caller()
    {
        var valueFile = WriteValue("inline\n"u8.ToArray());
        var inline = PosixSnippets.Inline("SMT_VALUE", [_helper, valueFile], "printf '%s' \"$SMT_VALUE\" | od -An -tx1; exit 7");

        var (code, stdout, _) = await RunBashAsync(inline + "\necho \"after=$? set=${SMT_VALUE+yes}\"");

        stdout.Should().Be(Hex("inline\n"u8.ToArray()) + "after=7 set=\n");
        code.Should().Be(0);
    }

    [Fact]
    public async Task Inline_does_not_run_the_command_when_the_secret_cannot_be_fetched()
    {
        var inline = PosixSnippets.Inline("SMT_VALUE", [_helper, "fail"], "echo RAN");

        var (_, stdout, stderr) = await RunBashAsync(inline + "\necho \"after=$?\"");

        stdout.Should().Be("after=3\n", "the subshell ends with the helper's exit code");
        stderr.Should().Be("helper: failed\n");
    }

    [Fact]
    public async Task Unset_removes_variables_and_is_harmless_when_they_were_never_set()
    {
        var (code, stdout, _) = await RunBashAsync(
            "A=1; B=2; export A\n" + PosixSnippets.Unset(["A", "B", "NEVER_SET"]) + "\necho \"$?:${A+a}${B+b}\"");

        stdout.Should().Be("0:\n");
        code.Should().Be(0);
    }

    [Fact]
    public void Quoting_survives_single_quotes_and_refuses_line_breaks()
    {
        PosixSnippets.Quote("it's").Should().Be("'it'\\''s'");
        var withNewline = () => PosixSnippets.Quote("a\nb");
        withNewline.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void The_snippet_has_no_history_expansion_or_comment_characters_of_its_own()
    {
        var snippet = PosixSnippets.Export("SMT_VALUE", ["/opt/secret-mcp", "redeem", "smt1.abc.def"]);

        snippet.Should().StartWith(" ", "a leading space keeps it out of history where ignorespace is set");
        snippet.Should().NotContain("!").And.NotContain("#").And.NotContain("\n");
    }

    private string WriteValue(byte[] bytes)
    {
        var path = Path.Combine(_folder, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static string Hex(byte[] bytes)
    {
        var output = new StringBuilder();
        for (var i = 0; i < bytes.Length; i += 16)
        {
            foreach (var b in bytes.Skip(i).Take(16))
            {
                output.Append(' ').Append(b.ToString("x2", System.Globalization.CultureInfo.InvariantCulture));
            }

            output.Append('\n');
        }

        return output.ToString();
    }

    private static async Task<(int Code, string Stdout, string Stderr)> RunBashAsync(string script)
    {
        var start = new ProcessStartInfo("bash", ["--norc", "--noprofile", "-c", script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        return (process.ExitCode, await stdout, await stderr);
    }
}
