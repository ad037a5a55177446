using System.CommandLine;
using SecretMcp.Tickets;

namespace SecretMcp.Cli;

/// <summary>
/// Used by snippets: prints the value to stdout with nothing added. Kept off the generic host and
/// DI, because it runs inside every agent command that needs a secret.
/// </summary>
internal static class RedeemCommand
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var ticket = new Argument<string>("ticket") { Description = "The ticket from a snippet (smt1.…)." };
        var command = new Command("redeem", "Print a ticket's secret value to stdout, exactly (used by snippets).")
        {
            ticket,
        };
        command.SetAction(async (parse, cancellationToken) =>
        {
            var result = await RedeemClient.RedeemAsync(parse.GetValue(ticket)!, s_timeout, cancellationToken)
                .ConfigureAwait(false);
            if (result.Value is null)
            {
                CommandLine.Fail(result.Error);
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
}
