using System.CommandLine;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Cli;

/// <summary>
/// Used by snippets: prints the value to stdout with nothing added (for a cmd ticket, the broker's
/// one encoded line). On failure prints nothing to stdout and exactly one line to stderr, which is
/// the only line the snippet shows. Kept off the generic host and DI, because it runs inside every
/// agent command that needs a secret.
/// </summary>
internal static class RedeemCommand
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var ticket = new Argument<string>("ticket") { Description = "The ticket from a snippet (smt1.…)." };
        var variable = new Option<string?>("--variable")
        {
            Description = "The variable the snippet sets; named in the error line when redemption fails.",
        };
        var inline = new Option<bool>("--inline")
        {
            Description = "The snippet runs a command only when redemption succeeds; the error line says so.",
        };
        var command = new Command("redeem", "Print a ticket's secret value to stdout, exactly (used by snippets).")
        {
            variable,
            inline,
            ticket,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = await RedeemClient.RedeemAsync(parse.GetValue(ticket)!, s_timeout, cancellationToken)
                .ConfigureAwait(false);
            if (result.Value is null)
            {
                CommandLine.Fail(result.Error + Consequence(parse.GetValue(variable), parse.GetValue(inline)));
                return result.Kind switch
                {
                    RedeemFailure.AccessDenied => ExitCodes.AccessDenied,
                    RedeemFailure.NotSignedIn => ExitCodes.NotSignedInOrConfig,
                    RedeemFailure.Unavailable => ExitCodes.SecretServerUnavailable,
                    _ => ExitCodes.TicketProblem,
                };
            }

            try
            {
                // The raw stream, not Console.Out: no encoding, no newline, no buffering surprises.
                using var stdout = Console.OpenStandardOutput();
                await stdout.WriteAsync(result.Value, cancellationToken).ConfigureAwait(false);
                await stdout.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                Array.Clear(result.Value);
            }

            return ExitCodes.Ok;
        });
        return command;
    }

    /// <summary>What the failure means for the snippet that called redeem; the name is echoed only if valid.</summary>
    internal static string Consequence(string? variable, bool inline)
    {
        var name = variable is not null && VariableName.Validate(variable) is null ? variable : null;
        return (name, inline) switch
        {
            (null, false) => "",
            (null, true) => "; the command was not run",
            (_, false) => $"; {name} is unset",
            (_, true) => $"; {name} was not set and the command was not run",
        };
    }
}
