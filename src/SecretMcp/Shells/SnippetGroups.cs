namespace SecretMcp.Shells;

/// <summary>
/// One snippet that sets several variables, each from its own ticket (an alias such as PGHOST,
/// PGUSER and PGPASSWORD). Built from the single-variable generators, so quoting stays theirs.
/// </summary>
public static class SnippetGroups
{
    /// <param name="self">The argv that starts this tool (<see cref="HelperCommand.Self"/>).</param>
    /// <param name="items">Each variable with its own ticket.</param>
    public static SnippetSet ForVariables(
        ShellKind shell, IReadOnlyList<string> self, IReadOnlyList<(string Variable, string Ticket)> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        if (items.Count == 0)
        {
            throw new ArgumentException("A group needs at least one variable.", nameof(items));
        }

        var sets = items.Select(i => SnippetFactory.ForVariable(shell, i.Variable, self, i.Ticket)).ToList();
        return sets.Count == 1 ? sets[0] : new SnippetSet(Export(shell, items, sets), Inline(sets));
    }

    /// <summary>
    /// POSIX shells: all or nothing. The first failure stops the rest, and every variable of the group
    /// is unset again, so a command never runs with half of its settings.
    /// </summary>
    private static string Export(
        ShellKind shell, IReadOnlyList<(string Variable, string Ticket)> items, List<SnippetSet> sets)
    {
        var names = string.Join(' ', items.Select(i => i.Variable));
        if (shell is ShellKind.Bash or ShellKind.Zsh or ShellKind.Sh)
        {
            return string.Join(" &&", sets.Select(s => s.Export))
                + $" || {{ unset -v {names}; echo \"secret-mcp: none of {names} is set\" >&2; false; }}";
        }

        // TODO(#7): an all-or-nothing group form for fish, pwsh and cmd. Until then each line sets one
        // variable and fails loudly on its own, so a failure is still never silent.
        return string.Join('\n', sets.Select(s => s.Export));
    }

    /// <summary>
    /// Nests the inline forms: each one runs the next in place of its command, so the agent's command
    /// runs once, inside all of them, and not at all if any ticket fails.
    /// </summary>
    private static string Inline(List<SnippetSet> sets)
    {
        var inline = InlinePlaceholder.Command;
        for (var i = sets.Count - 1; i >= 0; i--)
        {
            var outer = sets[i].Inline;
            var at = outer.IndexOf(InlinePlaceholder.Command, StringComparison.Ordinal);
            if (at < 0 || outer.IndexOf(InlinePlaceholder.Command, at + 1, StringComparison.Ordinal) >= 0)
            {
                throw new InvalidOperationException(
                    "An inline snippet must hold the command placeholder exactly once.");
            }

            inline = string.Concat(outer.AsSpan(0, at), inline, outer.AsSpan(at + InlinePlaceholder.Command.Length));
        }

        return inline;
    }
}
