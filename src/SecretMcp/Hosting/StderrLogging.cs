using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace SecretMcp.Hosting;

/// <summary>
/// All logging goes to stderr: in serve, stdout is the JSON-RPC channel, and in redeem it is the
/// value. The level comes from SECRET_MCP_LOG_LEVEL (trace, debug, information, warning, error).
/// </summary>
public static class StderrLogging
{
    public const string LevelVariable = "SECRET_MCP_LOG_LEVEL";

    /// <param name="defaultLevel">
    /// The level when SECRET_MCP_LOG_LEVEL is not set; commands a person runs use Warning.
    /// </param>
    public static ILoggerFactory CreateFactory(LogLevel defaultLevel = LogLevel.Information) =>
        LoggerFactory.Create(logging => Configure(logging, defaultLevel));

    private static void Configure(ILoggingBuilder logging, LogLevel defaultLevel)
    {
        var level = Enum.TryParse<LogLevel>(Environment.GetEnvironmentVariable(LevelVariable), true, out var parsed)
            ? parsed
            : defaultLevel;

        logging.AddSimpleConsole(console =>
        {
            console.SingleLine = true;
            console.TimestampFormat = "HH:mm:ss ";
            console.ColorBehavior = LoggerColorBehavior.Disabled;
        });
        logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.SetMinimumLevel(level);

        // Framework chatter stays at Warning unless asked for; HttpClient's own logs would name
        // request URIs, and are not needed to tell what the tool did.
        var frameworkLevel = level < LogLevel.Warning ? LogLevel.Warning : level;
        if (level <= LogLevel.Debug)
        {
            frameworkLevel = level;
        }

        // Never Trace for the frameworks: the MCP SDK logs whole JSON-RPC messages there, and tool
        // results carry tickets.
        var frameworkFloor = frameworkLevel < LogLevel.Debug ? LogLevel.Debug : frameworkLevel;
        logging.AddFilter("Microsoft", frameworkFloor);
        logging.AddFilter("System.Net.Http", LogLevel.Warning);
        logging.AddFilter("ModelContextProtocol", frameworkFloor);
    }
}
