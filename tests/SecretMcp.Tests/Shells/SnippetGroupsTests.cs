using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

public sealed class SnippetGroupsTests
{
    private static readonly IReadOnlyList<string> s_helperA = ["/opt/secret-mcp", "redeem", "smt1.a.AAA"];
    private static readonly IReadOnlyList<string> s_helperB = ["/opt/secret-mcp", "redeem", "smt1.a.BBB"];

    [Fact]
    public void One_variable_is_the_plain_snippet()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, [("A", s_helperA)]);

        group.Should().Be(SnippetFactory.ForVariable(ShellKind.Bash, "A", s_helperA));
    }

    [Fact]
    public void Posix_groups_set_all_or_unset_all()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, [("A", s_helperA), ("B", s_helperB)]);

        var a = SnippetFactory.ForVariable(ShellKind.Bash, "A", s_helperA).Export;
        var b = SnippetFactory.ForVariable(ShellKind.Bash, "B", s_helperB).Export;
        group.Export.Should().Be(a + " &&" + b + " || { unset -v A B; echo \"secret-mcp: none of A B is set\" >&2; false; }");
        group.Export.Should().NotContain("\n", "one command line");
    }

    [Fact]
    public void Inline_forms_nest_so_the_command_runs_once_inside_all_of_them()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, [("A", s_helperA), ("B", s_helperB)]);

        group.Inline.Split(InlinePlaceholder.Command).Should().HaveCount(2, "the placeholder appears once");
        var a = SnippetFactory.ForVariable(ShellKind.Bash, "A", s_helperA).Inline;
        var b = SnippetFactory.ForVariable(ShellKind.Bash, "B", s_helperB).Inline;
        group.Inline.Should().Be(a.Replace(InlinePlaceholder.Command, b, StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_group_is_refused()
    {
        var act = () => SnippetGroups.ForVariables(ShellKind.Bash, []);

        act.Should().Throw<ArgumentException>();
    }
}
