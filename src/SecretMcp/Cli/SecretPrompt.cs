using System.Text;

namespace SecretMcp.Cli;

/// <summary>
/// Reads a password or one-time code from the terminal with echo off. When stdin is not a terminal
/// (a pipe from a script), one line is read from it; nothing is echoed either way, and nothing is kept.
/// </summary>
internal static class SecretPrompt
{
    public static string? Read(string prompt)
    {
        Console.Error.Write(prompt);
        if (Console.IsInputRedirected)
        {
            var line = Console.In.ReadLine();
            Console.Error.WriteLine();
            return line;
        }

        var typed = new StringBuilder();
        while (true)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                break;
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (typed.Length > 0)
                {
                    typed.Length--;
                }

                continue;
            }

            if (!char.IsControl(key.KeyChar))
            {
                typed.Append(key.KeyChar);
            }
        }

        Console.Error.WriteLine();
        return typed.ToString();
    }
}
