namespace SecretMcp.Config;

/// <summary>
/// The configuration cannot be used. Each problem names the key and says how to fix it; the
/// message never quotes a value that looked like a secret.
/// </summary>
public sealed class ConfigException : Exception
{
    public ConfigException(string origin, IReadOnlyList<string> problems)
        : base(Compose(origin, problems))
    {
        Origin = origin;
        Problems = problems;
    }

    /// <summary>The file (or "the environment") the problems are in.</summary>
    public string Origin { get; }

    public IReadOnlyList<string> Problems { get; }

    private static string Compose(string origin, IReadOnlyList<string> problems) => problems.Count == 1
        ? $"config {origin}: {problems[0]}"
        : $"config {origin} has {problems.Count} problems:" + string.Concat(problems.Select(p => "\n  - " + p));
}
