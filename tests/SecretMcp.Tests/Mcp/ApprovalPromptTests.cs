using System.Text.Json;
using ModelContextProtocol.Protocol;
using SecretMcp.Mcp;
using SecretMcp.Policy;

namespace SecretMcp.Tests.Mcp;

public sealed class ApprovalPromptTests
{
    private static readonly ApprovalQuestion s_question = new(
        "Claude Code 2.1", "db/prod", 10, "SQL Server Account", [("server", "PGHOST"), ("password", "PGPASSWORD")], "bash",
        "run the\nmigration\u001b[31m tests", new EffectiveLimits(TimeSpan.FromMinutes(5), 2, false, null, true),
        "rule 'prod' says ask");

    [Theory]
    [InlineData("accept", "approve-once", ApprovalAnswer.Once)]
    [InlineData("accept", "approve-session", ApprovalAnswer.Session)]
    [InlineData("accept", "decline", ApprovalAnswer.Declined)]
    [InlineData("accept", "APPROVE-ONCE", ApprovalAnswer.NoChoice)]
    [InlineData("accept", "yes", ApprovalAnswer.NoChoice)]
    [InlineData("accept", null, ApprovalAnswer.NoChoice)]
    [InlineData("decline", "approve-once", ApprovalAnswer.Declined)]
    [InlineData("cancel", "approve-once", ApprovalAnswer.Dismissed)]
    [InlineData("", null, ApprovalAnswer.Dismissed)]
    [InlineData("something-new", "approve-once", ApprovalAnswer.Dismissed)]
    public void Only_an_explicit_approval_is_approval(string action, string? choice, ApprovalAnswer expected)
    {
        var result = new ElicitResult
        {
            Action = action,
            Content = choice is null ? null : new Dictionary<string, JsonElement> { ["decision"] = JsonSerializer.SerializeToElement(choice) },
        };

        ApprovalPrompt.Read(result).Should().Be(expected);
    }

    [Fact]
    public void A_choice_that_is_not_a_string_is_not_approval()
    {
        var result = new ElicitResult
        {
            Action = "accept",
            Content = new Dictionary<string, JsonElement> { ["decision"] = JsonSerializer.SerializeToElement(true) },
        };

        ApprovalPrompt.Read(result).Should().Be(ApprovalAnswer.NoChoice);
    }

    [Fact]
    public void The_question_says_what_who_why_and_how_long()
    {
        var request = ApprovalPrompt.Build(s_question);

        request.Message.Should().Be(
            "Claude Code 2.1 asks secret-mcp for a secret from Secret Server.\n\n"
            + "Secret: db/prod (id 10, template \"SQL Server Account\")\n"
            + "Field \"server\" into $PGHOST\n"
            + "Field \"password\" into $PGPASSWORD\n"
            + "Shell: bash\n"
            + "The agent's reason: \"run the migration [31m tests\"\n"
            + "Each ticket allows 2 uses within 5 minutes; the value goes to the shell, never into the chat. "
            + "The password will be changed in Secret Server after use.\n"
            + "Policy: rule 'prod' says ask.");
    }

    [Fact]
    public void The_form_requires_a_choice_and_never_preselects_approval()
    {
        var schema = ApprovalPrompt.Build(s_question).RequestedSchema!;

        schema.Required.Should().Equal("decision");
        var choice = schema.Properties["decision"].Should().BeOfType<ElicitRequestParams.TitledSingleSelectEnumSchema>().Subject;
        choice.OneOf.Select(o => o.Const).Should().Equal("approve-once", "approve-session", "decline");
        choice.OneOf.Select(o => o.Title).Should().Equal("Approve once", "Approve for this session", "Decline");
        choice.Default.Should().Be("decline");
    }

    [Fact]
    public void Long_reasons_are_cut()
    {
        ApprovalPrompt.Sanitize(new string('x', 400)).Should().HaveLength(301).And.EndWith("…");
    }
}
