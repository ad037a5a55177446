namespace SecretMcp.Shells;

/// <summary>What the agent is handed for one variable: never the value, only the way to fetch it.</summary>
/// <param name="Export">Sets the variable in the current shell.</param>
/// <param name="Inline">Runs one command with the variable set; <c>{command}</c> marks where it goes.</param>
public sealed record SnippetSet(string Export, string Inline);

/// <summary>The literal that marks where the agent's command goes in an inline snippet.</summary>
public static class InlinePlaceholder
{
    public const string Command = "{command}";
}
