namespace SecretMcp.Policy;

/// <summary>
/// What the rules look at. <paramref name="Path"/> is the folder path plus the secret's name (either
/// slash form), or null when it is not known, for example when the agent asked by id and the folder
/// path was not looked up. <paramref name="Template"/> is null when Secret Server did not say.
/// </summary>
public sealed record SecretFacts(int? Id, string? Path, string? Template);
