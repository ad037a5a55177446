using SecretMcp.Shells;

namespace SecretMcp.Tests.Shells;

public sealed class SnippetGroupsTests
{
    private static readonly IReadOnlyList<string> s_self = ["/opt/secret-mcp"];
    private const string TicketA = "smt1.a.AAA";
    private const string TicketB = "smt1.a.BBB";

    [Fact]
    public void One_variable_is_the_plain_snippet()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, s_self, [("A", TicketA)]);

        group.Should().Be(SnippetFactory.ForVariable(ShellKind.Bash, "A", s_self, TicketA));
    }

    [Fact]
    public void Posix_groups_set_all_or_unset_all()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, s_self, [("A", TicketA), ("B", TicketB)]);

        var a = SnippetFactory.ForVariable(ShellKind.Bash, "A", s_self, TicketA).Export;
        var b = SnippetFactory.ForVariable(ShellKind.Bash, "B", s_self, TicketB).Export;
        group.Export.Should().Be(a + " &&" + b + " || { unset -v A B; echo \"secret-mcp: none of A B is set\" >&2; false; }");
        group.Export.Should().NotContain("\n", "one command line");
    }

    [Fact]
    public void Inline_forms_nest_so_the_command_runs_once_inside_all_of_them()
    {
        var group = SnippetGroups.ForVariables(ShellKind.Bash, s_self, [("A", TicketA), ("B", TicketB)]);

        group.Inline.Split(InlinePlaceholder.Command).Should().HaveCount(2, "the placeholder appears once");
        var a = SnippetFactory.ForVariable(ShellKind.Bash, "A", s_self, TicketA).Inline;
        var b = SnippetFactory.ForVariable(ShellKind.Bash, "B", s_self, TicketB).Inline;
        group.Inline.Should().Be(a.Replace(InlinePlaceholder.Command, b, StringComparison.Ordinal));
    }

    [Fact]
    public void An_empty_group_is_refused()
    {
        var act = () => SnippetGroups.ForVariables(ShellKind.Bash, s_self, []);

        act.Should().Throw<ArgumentException>();
    }
}
