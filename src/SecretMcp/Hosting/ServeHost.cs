using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SecretMcp.Audit;
using SecretMcp.Auth;
using SecretMcp.DevVault;
using SecretMcp.Mcp;
using SecretMcp.SecretServer;
using SecretMcp.Cli;
using SecretMcp.Tickets;

namespace SecretMcp.Hosting;

/// <summary>
/// serve: the stdio MCP server and the ticket broker in one process. stdout carries JSON-RPC only;
/// every log line goes to stderr.
/// </summary>
public static partial class ServeHost
{
    public static async Task<int> RunAsync(ServeOptions options, CancellationToken cancellationToken)
    {
        using var loggerFactory = StderrLogging.CreateFactory();
        var logger = loggerFactory.CreateLogger("SecretMcp.Serve");

        await using var vault = options.Dev
            ? await StartDevVaultAsync(options.SeedPath, loggerFactory, cancellationToken).ConfigureAwait(false)
            : null;
        var connection = vault is not null
            ? new SecretServerConnection(
                new SecretServerOptions { BaseUri = vault.BaseUri }, vault.Username, vault.Password)
            : SecretServerConnection.FromEnvironment();
        foreach (var note in connection?.Options.BaseUrlNotes ?? [])
        {
            LogBaseUrlNote(logger, note);
        }

        using var instance = BrokerInstance.Claim(RuntimeFolder.Resolve());
        var app = Build(instance, connection, loggerFactory);
        await using (app.ConfigureAwait(false))
        {
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var store = app.Services.GetRequiredService<TicketStore>();
            var audit = app.Services.GetRequiredService<AuditTrail>();
            lifetime.ApplicationStopping.Register(() => RevokeAllOnStop(store, audit, logger));

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            BrokerHosting.Tighten(instance);

            LogReady(logger, instance.Id, connection?.BaseUri.ToString() ?? "(not configured)");
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
        }

        return ExitCodes.Ok;
    }

    private static async Task<DevVaultServer> StartDevVaultAsync(
        string? seedPath, ILoggerFactory loggerFactory, CancellationToken cancellationToken)
    {
        var seed = seedPath is null ? SeedFile.LoadDefault() : SeedFile.LoadFile(seedPath);
        return await DevVaultServer.StartAsync(new DevVaultOptions { Seed = seed }, loggerFactory, cancellationToken)
            .ConfigureAwait(false);
    }

    private static WebApplication Build(
        BrokerInstance instance, SecretServerConnection? connection, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => BrokerHosting.Listen(kestrel, instance));
        builder.Services.AddRoutingCore();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<TicketStore>();
        builder.Services.AddSingleton<SessionLedger>();
        builder.Services.AddSingleton<RedeemEndpoint>();
        builder.Services.AddSingleton(services => new AuditTrail(
            new AuditLog(AuditLocation.StateFolder()), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<AuditTrail>>(), () => ClientOf(services), instance.Id));
        builder.Services.AddSingleton<SecretServerClient>();
        AddSecretServerTransport(builder.Services, connection);
        builder.Services.AddSingleton<ISecretServerSession>(services => CreateSession(services, connection));

        var toolJson = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        toolJson.TypeInfoResolverChain.Add(ToolJsonContext.Default);
        toolJson.TypeInfoResolverChain.Add(CatalogJsonContext.Default);
        builder.Services
            .AddMcpServer(mcp => mcp.ServerInfo = new Implementation { Name = "secret-mcp", Version = ToolVersion.Current })
            .WithStdioServerTransport()
            .WithTools<SecretTools>(toolJson)
            .WithTools<CatalogTools>(toolJson);

        var app = builder.Build();
        BrokerHosting.MapRedeem(app);
        return app;
    }

    private static void AddSecretServerTransport(IServiceCollection services, SecretServerConnection? connection)
    {
        if (connection is null)
        {
            // Nothing to reach; the session explains why on the first tool call.
            services.AddHttpClient(SecretServerClient.HttpClientName);
            return;
        }

        try
        {
            services.AddSecretServerHttpClient(connection.Options);
        }
        catch (SecretServerConfigurationException e)
        {
            throw new ConfigurationProblemException(e.Message);
        }
    }

    private static ISecretServerSession CreateSession(IServiceProvider services, SecretServerConnection? connection)
    {
        if (connection is null)
        {
            return new UnavailableSession(
                "secret-mcp is not connected to Secret Server: start it with 'serve --dev' for the built-in dev "
                + $"vault, or set {SecretServerConnection.BaseUrlVariable}, {SecretServerConnection.UsernameVariable} "
                + $"and {SecretServerConnection.PasswordVariable} for the user who runs the agent.");
        }

        if (string.IsNullOrEmpty(connection.Username) || string.IsNullOrEmpty(connection.Password))
        {
            return new UnavailableSession(
                $"not signed in to Secret Server: ask the user to set {SecretServerConnection.UsernameVariable} and "
                + $"{SecretServerConnection.PasswordVariable} for secret-mcp.");
        }

        return new PasswordGrantSession(
            services.GetRequiredService<IHttpClientFactory>(), connection.Username, connection.Password,
            services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<PasswordGrantSession>>());
    }

    /// <summary>When serve stops, no ticket it minted may work any more; each one revoked is audited.</summary>
    private static void RevokeAllOnStop(TicketStore store, AuditTrail audit, ILogger logger)
    {
        var revoked = store.RevokeAll();
        foreach (var entry in revoked)
        {
            audit.Record(AuditEvent.ForTicket(AuditEventKind.Revoked, entry, reason: "shutdown"));
        }

        LogStopping(logger, revoked.Count);
    }

    /// <summary>The MCP client as it named itself, once it has initialized (stdio: one client per process).</summary>
    private static AuditClient? ClientOf(IServiceProvider services) =>
        services.GetService<McpServer>()?.ClientInfo is { } info ? new AuditClient(info.Name, info.Version) : null;

    [LoggerMessage(Level = LogLevel.Information, Message = "secret-mcp serve is ready: broker {Instance}, Secret Server {BaseUri}")]
    private static partial void LogReady(ILogger logger, string instance, string baseUri);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Secret Server base URL: {Note}")]
    private static partial void LogBaseUrlNote(ILogger logger, string note);

    [LoggerMessage(Level = LogLevel.Information, Message = "secret-mcp serve is stopping; revoked {Count} outstanding ticket(s)")]
    private static partial void LogStopping(ILogger logger, int count);
}
