using System.Globalization;

namespace SecretMcp.Tickets;

/// <summary>
/// The code page cmd decodes <c>for /f</c> output with. Only redeem's process can ask its console,
/// so it sends the number with every request; the broker encodes a cmd ticket's value with it.
/// </summary>
public static class ConsoleCodePage
{
    public const string Header = "X-Console-Code-Page";

    /// <summary>Overrides the console's code page (for a cmd whose decoding differs, such as Wine's).</summary>
    public const string OverrideVariable = "SECRET_MCP_CONSOLE_CODE_PAGE";

    /// <summary>
    /// What redeem sends: the override, else the Windows console's output code page, else nothing (UTF-8).
    /// </summary>
    public static int? OfThisProcess()
    {
        if (Parse(Environment.GetEnvironmentVariable(OverrideVariable)) is { } chosen)
        {
            return chosen;
        }

        if (!OperatingSystem.IsWindows())
        {
            return null;
        }

        try
        {
            var codePage = Console.OutputEncoding.CodePage;
            return codePage > 0 ? codePage : null;
        }
        catch (IOException)
        {
            // No console attached: cmd is not reading us through one either.
            return null;
        }
    }

    public static int? Parse(string? text) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value is > 0 and <= 65535
            ? value
            : null;
}
