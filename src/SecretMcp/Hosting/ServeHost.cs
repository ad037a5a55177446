using System.Globalization;
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
using SecretMcp.Config;
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
        var config = SecretMcpConfig.Load();

        await using var vault = options.Dev
            ? await StartDevVaultAsync(options.SeedPath, loggerFactory, cancellationToken).ConfigureAwait(false)
            : null;
        var (settings, secrets) = SignInSettings(vault, config);
        var transport = TransportOptions(vault, config);
        foreach (var note in transport?.BaseUrlNotes ?? [])
        {
            LogBaseUrlNote(logger, note);
        }

        using var instance = BrokerInstance.Claim(RuntimeFolder.Resolve());
        var app = Build(instance, settings, secrets, transport, loggerFactory, config, options.Dev);
        await using (app.ConfigureAwait(false))
        {
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var store = app.Services.GetRequiredService<TicketStore>();
            var audit = app.Services.GetRequiredService<AuditTrail>();
            lifetime.ApplicationStopping.Register(() => RevokeAllOnStop(store, audit, logger));

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            BrokerHosting.Tighten(instance);

            LogReady(logger, instance.Id, settings.SecretServerBaseUrl?.ToString() ?? "(not configured)");
            PolicyServices.LogPolicy(app.Services, logger);
            await app.WaitForShutdownAsync(cancellationToken).ConfigureAwait(false);
            await PolicyServices.FinishAsync(app.Services, logger).ConfigureAwait(false);
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

    /// <summary>
    /// The dev vault signs in with its own sample user; otherwise the settings choose (Auth/), read from
    /// the config file with SECRET_MCP__ overrides. The secrets come from the environment only.
    /// </summary>
    private static (AuthSettings Settings, AuthSecrets Secrets) SignInSettings(
        DevVaultServer? vault, SecretMcpSettings config)
    {
        if (vault is null)
        {
            var settings = AuthSettings.Read(config.Lookup);
            return (settings, AuthSecrets.FromEnvironment(settings));
        }

        return (new AuthSettings
        {
            Provider = SessionProviderKind.Password,
            SecretServerBaseUrl = vault.BaseUri,
            Username = vault.Username,
            TokenCache = TokenCacheMode.None,
        }, new AuthSecrets(vault.Password, null, null));
    }

    private static WebApplication Build(
        BrokerInstance instance,
        AuthSettings settings,
        AuthSecrets secrets,
        SecretServerOptions? transport,
        ILoggerFactory loggerFactory,
        SecretMcpSettings config,
        bool dev)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => BrokerHosting.Listen(kestrel, instance));
        builder.Services.AddRoutingCore();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton(services => new TicketStore(
            instance, services.GetRequiredService<TimeProvider>(), MaxOutstandingTickets(config)));
        builder.Services.AddSingleton<SessionLedger>();
        builder.Services.AddSingleton<RedeemEndpoint>();
        builder.Services.AddSingleton(services => new AuditTrail(
            new AuditLog(AuditLocation.StateFolder()), services.GetRequiredService<TimeProvider>(),
            services.GetRequiredService<ILogger<AuditTrail>>(), () => ClientOf(services), instance.Id));
        builder.Services.AddSingleton<SecretServerClient>();
        AddSecretServerTransport(builder.Services, transport);
        builder.Services.AddSecretServerSignIn(settings, secrets);
        builder.Services.AddPolicy(config, dev);

        var toolJson = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        toolJson.TypeInfoResolverChain.Add(ToolJsonContext.Default);
        toolJson.TypeInfoResolverChain.Add(CatalogJsonContext.Default);
        builder.Services
            .AddMcpServer(mcp =>
                mcp.ServerInfo = new Implementation { Name = "secret-mcp", Version = ToolVersion.Current })
            .WithStdioServerTransport()
            .WithRequestFilters(filters => filters
                .AddCallToolFilter(ArgumentErrorFilter.Filter)
                .AddCallToolFilter(SignInElicitation.Filter))
            .WithTools<SecretTools>(toolJson)
            .WithTools<CatalogTools>(toolJson);

        var app = builder.Build();
        BrokerHosting.MapRedeem(app);
        return app;
    }

    /// <summary>
    /// How to reach Secret Server (CA bundle, timeouts, proxy): the dev vault's loopback address, or
    /// the secretServer settings (config file, SECRET_MCP__SecretServer__* overrides); null when none are set.
    /// </summary>
    private static SecretServerOptions? TransportOptions(DevVaultServer? vault, SecretMcpSettings config)
    {
        if (vault is not null)
        {
            return new SecretServerOptions { BaseUri = vault.BaseUri };
        }

        try
        {
            return SecretServerOptions.FromEnvironment(config.LookupVariable);
        }
        catch (SecretServerConfigurationException e)
        {
            throw new ConfigurationProblemException(e.Message);
        }
    }

    private static void AddSecretServerTransport(IServiceCollection services, SecretServerOptions? transport)
    {
        if (transport is null)
        {
            // Nothing configured to reach; the session explains why on the first tool call.
            services.AddHttpClient(SecretServerClient.HttpClientName);
            return;
        }

        try
        {
            services.AddSecretServerHttpClient(transport);
        }
        catch (SecretServerConfigurationException e)
        {
            throw new ConfigurationProblemException(e.Message);
        }
    }

    /// <summary>
    /// tickets.maxOutstandingPerSession (or SECRET_MCP__Tickets__MaxOutstandingPerSession): the cap on
    /// unused tickets per session.
    /// </summary>
    private static int MaxOutstandingTickets(SecretMcpSettings config)
    {
        const string Variable = "SECRET_MCP__Tickets__MaxOutstandingPerSession";
        var text = config.Lookup("Tickets:MaxOutstandingPerSession");
        if (string.IsNullOrWhiteSpace(text))
        {
            return TicketStore.DefaultMaxOutstandingPerSession;
        }

        var parsed = int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var cap);
        return parsed && cap is >= 1 and <= TicketStore.UpperMaxOutstandingPerSession
            ? cap
            : throw new ConfigurationProblemException(
                $"{Variable} must be a whole number from 1 to {TicketStore.UpperMaxOutstandingPerSession}.");
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
