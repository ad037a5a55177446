using SecretMcp.SecretServer;

namespace SecretMcp.Policy;

/// <summary>
/// A short name the agent can ask for (<c>db-prod</c>), standing for one secret and the variables
/// to set from it: one field into one variable, or several fields into several variables at once
/// (PGHOST, PGUSER, PGPASSWORD from one database secret).
/// </summary>
public sealed record SecretAlias(string Name, SecretReference Secret, IReadOnlyList<AliasVariable> Variables)
{
    /// <summary>Alias names: what an agent can type and a config key can hold.</summary>
    public const int MaxNameLength = 64;

    /// <summary>True when the alias sets several variables, so the result lists them under 'variables'.</summary>
    public bool IsMulti => Variables.Count > 1;

    /// <summary>Null when the name is usable as an alias; otherwise why not.</summary>
    public static string? ValidateName(string name)
    {
        if (name.Length is 0 or > MaxNameLength)
        {
            return $"an alias name has 1 to {MaxNameLength} characters";
        }

        // Letters, digits, '-', '_' and '.': never a slash, so an alias cannot look like a folder path,
        // and never all digits, so it cannot look like a secret id.
        if (!char.IsAsciiLetterOrDigit(name[0])
            || name.Any(c => !char.IsAsciiLetterOrDigit(c) && c is not ('-' or '_' or '.')))
        {
            return "an alias name starts with a letter or digit and holds only letters, digits, '-', '_' and '.'";
        }

        return name.All(char.IsAsciiDigit) ? "an alias name cannot be all digits (that reads as a secret id)" : null;
    }
}

/// <summary>
/// One variable of an alias. <paramref name="Variable"/> null: derived from the alias name and field.
/// <paramref name="Field"/> null: the secret's password field.
/// </summary>
public sealed record AliasVariable(string? Variable, string? Field);
