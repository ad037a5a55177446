namespace SecretMcp.Shells;

/// <summary>Chooses the generator for a shell. Pure: no I/O, no state. Names are validated first.</summary>
public static class SnippetFactory
{
    /// <summary>
    /// The export and inline forms for one ticket. <paramref name="self"/> is the argv that starts this
    /// tool (<see cref="HelperCommand.Self"/>); the ticket is never interpreted, only passed on.
    /// </summary>
    public static SnippetSet ForVariable(ShellKind shell, string variable, IReadOnlyList<string> self, string ticket)
    {
        EnsureValidName(variable);
        var export = HelperCommand.Redeem(self, variable, ticket, inline: false);
        var inline = HelperCommand.Redeem(self, variable, ticket, inline: true);
        const string Command = InlinePlaceholder.Command;
        return shell switch
        {
            ShellKind.Bash or ShellKind.Zsh or ShellKind.Sh =>
                new(PosixSnippets.Export(variable, export), PosixSnippets.Inline(variable, inline, Command)),
            ShellKind.Fish =>
                new(FishSnippets.Export(variable, export), FishSnippets.Inline(variable, inline, Command)),
            ShellKind.Pwsh or ShellKind.PowerShell => new(
                PowerShellSnippets.Export(variable, export, shell is ShellKind.PowerShell),
                PowerShellSnippets.Inline(variable, inline, Command, shell is ShellKind.PowerShell)),
            ShellKind.Cmd => new(CmdSnippets.Export(variable, export), CmdSnippets.Inline(variable, inline, Command)),
            _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "Unknown shell."),
        };
    }

    /// <summary>Unsets the variables; an empty list still yields a command that succeeds.</summary>
    public static string Unset(ShellKind shell, IReadOnlyCollection<string> variables)
    {
        foreach (var variable in variables)
        {
            EnsureValidName(variable);
        }

        // "Run what cleanup returned" must never fail, even when there is nothing to unset.
        if (variables.Count == 0)
        {
            return shell switch
            {
                ShellKind.Pwsh or ShellKind.PowerShell => " $null = $null",
                ShellKind.Cmd => "rem nothing to unset",
                _ => " true",
            };
        }

        return shell switch
        {
            ShellKind.Bash or ShellKind.Zsh or ShellKind.Sh => PosixSnippets.Unset(variables),
            ShellKind.Fish => FishSnippets.Unset(variables),
            ShellKind.Pwsh or ShellKind.PowerShell => PowerShellSnippets.Unset(variables),
            ShellKind.Cmd => CmdSnippets.Unset(variables),
            _ => throw new ArgumentOutOfRangeException(nameof(shell), shell, "Unknown shell."),
        };
    }

    private static void EnsureValidName(string variable)
    {
        if (VariableName.Validate(variable) is { } reason)
        {
            throw new ArgumentException(reason, nameof(variable));
        }
    }
}
