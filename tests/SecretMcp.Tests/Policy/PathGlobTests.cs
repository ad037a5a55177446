using SecretMcp.Policy;

namespace SecretMcp.Tests.Policy;

public sealed class PathGlobTests
{
    [Theory]
    [InlineData("db/prod", "\\db\\prod", true)]
    [InlineData("db/prod", "/DB/Prod", true)]
    [InlineData("\\db\\prod", "db/prod", true)]
    [InlineData("db/prod", "db/prod2", false)]
    [InlineData("db/prod", "db/prod/x", false)]
    [InlineData("db/*", "db/prod", true)]
    [InlineData("db/*", "db/x/prod", false)]
    [InlineData("db/*", "dbx/prod", false)]
    [InlineData("db/**", "db/prod", true)]
    [InlineData("db/**", "db/x/y/prod", true)]
    [InlineData("db/**", "other/prod", false)]
    [InlineData("**/prod", "prod", true)]
    [InlineData("**/prod", "a/b/prod", true)]
    [InlineData("**/prod", "a/b/production", false)]
    [InlineData("**/break-glass/**", "infra/break-glass/root", true)]
    [InlineData("**/break-glass/**", "infra/glass/root", false)]
    [InlineData("**", "anything/at/all", true)]
    [InlineData("db/pr?d", "db/prod", true)]
    [InlineData("db/pr?d", "db/prd", false)]
    [InlineData("db/*-prod", "db/pg-prod", true)]
    [InlineData("db/*-prod", "db/pg-prod-old", false)]
    public void Matches_folder_paths_segment_by_segment(string pattern, string path, bool expected)
    {
        var glob = PathGlob.TryParse(pattern, out var problem);

        problem.Should().BeEmpty();
        glob!.IsMatch(path).Should().Be(expected);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("//", "empty")]
    [InlineData("db/a**", "whole segment")]
    [InlineData("db/***", "whole segment")]
    public void Refuses_patterns_that_cannot_mean_what_they_say(string pattern, string expected)
    {
        PathGlob.TryParse(pattern, out var problem).Should().BeNull();
        problem.Should().Contain(expected);
    }

    [Theory]
    [InlineData("SQL Server Account", "sql server account", true)]
    [InlineData("SQL*", "SQL Server Account", true)]
    [InlineData("*Key", "API Key", true)]
    [InlineData("*Key", "API Keys", false)]
    [InlineData("A?I Key", "API Key", true)]
    public void Wildcards_match_the_whole_text_ignoring_case(string pattern, string text, bool expected) =>
        Wildcard.IsMatch(pattern, text).Should().Be(expected);
}
