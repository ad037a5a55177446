namespace SecretMcp.Policy;

/// <summary>
/// A glob over Secret Server folder paths plus secret name, such as <c>db/prod</c>, <c>db/*</c> or
/// <c>\Infra\**</c>. Either slash separates segments; matching ignores case, as Secret Server does.
/// <c>*</c> and <c>?</c> stay within one segment; a <c>**</c> segment matches any number of segments.
/// </summary>
public sealed class PathGlob
{
    private readonly string[] _segments;

    private PathGlob(string text, string[] segments)
    {
        Text = text;
        _segments = segments;
    }

    /// <summary>The pattern as written in the config.</summary>
    public string Text { get; }

    /// <summary>Parses a pattern; null with a reason when it cannot match anything sensible.</summary>
    public static PathGlob? TryParse(string? text, out string problem)
    {
        problem = "";
        var segments = Split(text);
        if (segments.Length == 0)
        {
            problem = "the path pattern is empty; use a folder path such as \"db/prod\" or \"db/**\"";
            return null;
        }

        foreach (var segment in segments)
        {
            if (segment.Contains("**", StringComparison.Ordinal) && segment != "**")
            {
                problem = $"\"**\" must be a whole segment (as in \"db/**\"), not part of \"{segment}\"";
                return null;
            }

            if (segment.Any(char.IsControl))
            {
                problem = "the path pattern holds a control character";
                return null;
            }
        }

        return new PathGlob(text!, segments);
    }

    /// <summary>Splits a path in either slash form into its segments, ignoring empty ones.</summary>
    public static string[] Split(string? path) =>
        (path ?? "").Split(['/', '\\'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool IsMatch(string path) => MatchFrom(0, Split(path), 0);

    public override string ToString() => Text;

    private bool MatchFrom(int patternIndex, string[] path, int pathIndex)
    {
        while (patternIndex < _segments.Length)
        {
            var segment = _segments[patternIndex];
            if (segment == "**")
            {
                // Try every split: ** takes zero, one, ... of the remaining segments.
                for (var skip = pathIndex; skip <= path.Length; skip++)
                {
                    if (MatchFrom(patternIndex + 1, path, skip))
                    {
                        return true;
                    }
                }

                return false;
            }

            if (pathIndex >= path.Length || !Wildcard.IsMatch(segment, path[pathIndex]))
            {
                return false;
            }

            patternIndex++;
            pathIndex++;
        }

        return pathIndex == path.Length;
    }
}

/// <summary>A case-insensitive match of <c>*</c> (any run) and <c>?</c> (one character) over the whole text.</summary>
public static class Wildcard
{
    public static bool IsMatch(string pattern, string text)
    {
        int p = 0, t = 0, star = -1, resume = 0;
        while (t < text.Length)
        {
            if (p < pattern.Length && (pattern[p] == '?' || SameChar(pattern[p], text[t])))
            {
                p++;
                t++;
            }
            else if (p < pattern.Length && pattern[p] == '*')
            {
                star = p++;
                resume = t;
            }
            else if (star >= 0)
            {
                p = star + 1;
                t = ++resume;
            }
            else
            {
                return false;
            }
        }

        while (p < pattern.Length && pattern[p] == '*')
        {
            p++;
        }

        return p == pattern.Length;
    }

    private static bool SameChar(char a, char b) => a == b || char.ToUpperInvariant(a) == char.ToUpperInvariant(b);
}
