using System.Globalization;
using System.Text;

namespace SecretMcp.Shells;

/// <summary>
/// What cmd can hold, and the one line redeem prints for it (shells.md section 1, "cmd cannot hold").
/// <c>for /f</c> splits its input into lines, skips blank lines and lines starting with ';', and
/// decodes bytes with the console code page; <c>set "N="</c> deletes a variable; with delayed
/// expansion on (<c>cmd /v:on</c>), <c>!NAME!</c> in the value would be expanded. So the value must be
/// one non-empty line of printable characters the code page can carry, without '!' and not starting
/// with ';'. Everything else is refused whole, never delivered half.
/// </summary>
public static class CmdValue
{
    /// <summary>cmd's line limit is 8,191 characters; this leaves room for <c>set "NAME=…"</c>.</summary>
    public const int MaxChars = 8000;

    private static readonly UTF8Encoding s_strictUtf8 = new(false, true);

    static CmdValue()
    {
        // Windows code pages (437, 850, 1252, 932, …) ship with .NET but must be registered to be found.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
    }

    /// <summary>Null and the encoded line plus CRLF, or the reason and an empty array.</summary>
    public static string? TryEncode(ReadOnlySpan<byte> utf8Value, int codePage, out byte[] line)
    {
        line = [];
        string text;
        try
        {
            text = s_strictUtf8.GetString(utf8Value);
        }
        catch (DecoderFallbackException)
        {
            // The exception's message would quote the offending bytes of the value: say nothing of it.
            return "the value is binary (not UTF-8 text), which a cmd variable cannot hold";
        }

        if (Refusal(text) is { } reason)
        {
            return reason;
        }

        Encoding encoding;
        try
        {
            encoding = Encoding.GetEncoding(
                codePage, EncoderFallback.ExceptionFallback, DecoderFallback.ExceptionFallback);
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return $"the console code page {codePage.ToString(CultureInfo.InvariantCulture)} is not one secret-mcp "
                + "knows; run 'chcp 65001' in cmd, then ask for a new ticket";
        }

        try
        {
            line = [.. encoding.GetBytes(text), (byte)'\r', (byte)'\n'];
            return null;
        }
        catch (EncoderFallbackException)
        {
            return $"the value has characters that cmd's console code page "
                + $"{codePage.ToString(CultureInfo.InvariantCulture)} cannot carry; run 'chcp 65001' in cmd, then "
                + "ask for a new ticket, or use pwsh";
        }
    }

    /// <summary>The reason cmd cannot hold this text whatever the code page, or null.</summary>
    public static string? Refusal(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length == 0)
        {
            return "the value is empty, and cmd cannot tell an empty variable from an unset one (set \"NAME=\" "
                + "deletes it); use pwsh (7.5 or later), bash, zsh, sh or fish";
        }

        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            return "the value has line breaks, which a cmd variable cannot hold (for /f reads one line at a time); "
                + "use shell pwsh or powershell instead";
        }

        if (text.Any(char.IsControl))
        {
            return "the value has control characters, which a cmd variable cannot hold; use shell pwsh or "
                + "powershell instead";
        }

        if (text[0] == ';')
        {
            return "the value starts with ';', which cmd's for /f skips as a comment line; use shell pwsh or "
                + "powershell instead";
        }

        if (text[0] == '\uFEFF')
        {
            return "the value starts with a byte-order mark, which cmd's console may drop; use shell pwsh or "
                + "powershell instead";
        }

        if (text.Contains('!', StringComparison.Ordinal))
        {
            return "the value contains '!', which cmd expands when delayed expansion is on (cmd /v:on); use shell "
                + "pwsh or powershell instead";
        }

        if (text.Length > MaxChars)
        {
            return $"the value has {text.Length} characters; a cmd command line holds at most 8,191";
        }

        return null;
    }
}
