using System.CommandLine;
using SecretMcp.Cli;

var parsed = CommandLine.Build().Parse(args);

// A typo in an agent's MCP config ('serve --bogus') must not put help text on stdout, which
// carries JSON-RPC in serve: parse errors and their help go to stderr. --help stays on stdout.
var invocation = parsed.Errors.Count > 0 ? new InvocationConfiguration { Output = Console.Error } : null;
return await parsed.InvokeAsync(invocation).ConfigureAwait(false);
