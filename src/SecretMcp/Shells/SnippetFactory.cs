namespace SecretMcp.Shells;

/// <summary>Chooses the generator for a shell. Pure: no I/O, no state.</summary>
public static class SnippetFactory
{
    /// <summary>Shells this build can write snippets for; the rest are refused with a reason.</summary>
    public static bool IsSupported(ShellKind shell) => shell is ShellKind.Bash;

    public static string UnsupportedReason(ShellKind shell) =>
        $"snippets for {shell.Name()} are not available yet; use shell \"bash\" (supported: "
        + string.Join(", ", ShellNames.All.Where(n => ShellNames.TryParse(n, out var s) && IsSupported(s))) + ")";

    public static SnippetSet ForVariable(ShellKind shell, string variable, IReadOnlyList<string> helper)
    {
        EnsureSupported(shell);
        EnsureValidName(variable);
        return new SnippetSet(
            PosixSnippets.Export(variable, helper),
            PosixSnippets.Inline(variable, helper, InlinePlaceholder.Command));
    }

    public static string Unset(ShellKind shell, IReadOnlyCollection<string> variables)
    {
        EnsureSupported(shell);
        foreach (var variable in variables)
        {
            EnsureValidName(variable);
        }

        // An empty list still yields a command that succeeds, so "run what cleanup returned" never fails.
        return variables.Count == 0 ? " true" : PosixSnippets.Unset(variables);
    }

    private static void EnsureSupported(ShellKind shell)
    {
        if (!IsSupported(shell))
        {
            throw new NotSupportedException(UnsupportedReason(shell));
        }
    }

    private static void EnsureValidName(string variable)
    {
        if (VariableName.Validate(variable) is { } reason)
        {
            throw new ArgumentException(reason, nameof(variable));
        }
    }
}
