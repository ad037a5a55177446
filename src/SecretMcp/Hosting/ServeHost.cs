using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
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
        var (settings, secrets) = SignInSettings(vault);

        using var instance = BrokerInstance.Claim(RuntimeFolder.Resolve());
        var app = Build(instance, settings, secrets, loggerFactory);
        await using (app.ConfigureAwait(false))
        {
            var lifetime = app.Services.GetRequiredService<IHostApplicationLifetime>();
            var store = app.Services.GetRequiredService<TicketStore>();
            lifetime.ApplicationStopping.Register(() => LogStopping(logger, store.RevokeAll()));

            await app.StartAsync(cancellationToken).ConfigureAwait(false);
            if (!OperatingSystem.IsWindows())
            {
                // Kestrel creates the socket with the umask's mode; the 0700 folder already shields it.
                File.SetUnixFileMode(instance.SocketPath, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }

            LogReady(logger, instance.Id, settings.SecretServerBaseUrl?.ToString() ?? "(not configured)");
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

    /// <summary>The dev vault signs in with its own sample user; otherwise the settings choose (Auth/).</summary>
    private static (AuthSettings Settings, AuthSecrets Secrets) SignInSettings(DevVaultServer? vault)
    {
        if (vault is null)
        {
            var settings = AuthSettings.FromEnvironment();
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
        BrokerInstance instance, AuthSettings settings, AuthSecrets secrets, ILoggerFactory loggerFactory)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton(loggerFactory);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));

        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // The broker is tiny and local: small limits, short timeouts, so a silent or greedy
            // client cannot hold it.
            kestrel.Limits.MaxRequestBodySize = 1024;
            kestrel.Limits.MaxRequestHeadersTotalSize = 8 * 1024;
            kestrel.Limits.RequestHeadersTimeout = TimeSpan.FromSeconds(5);
            kestrel.Limits.KeepAliveTimeout = TimeSpan.FromSeconds(10);
            kestrel.AddServerHeader = false;
            kestrel.ListenUnixSocket(instance.SocketPath, listen => listen.Use(RejectOtherUsers));
        });
        builder.Services.AddRoutingCore();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<TicketStore>();
        builder.Services.AddSingleton<SessionLedger>();
        builder.Services.AddSingleton<RedeemEndpoint>();
        builder.Services.AddSingleton<SecretServerClient>();
        builder.Services.AddHttpClient(SecretServerClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
        builder.Services.AddSecretServerSignIn(settings, secrets);

        var toolJson = new JsonSerializerOptions(McpJsonUtilities.DefaultOptions);
        toolJson.TypeInfoResolverChain.Add(ToolJsonContext.Default);
        builder.Services
            .AddMcpServer(mcp => mcp.ServerInfo = new Implementation { Name = "secret-mcp", Version = ToolVersion.Current })
            .WithStdioServerTransport()
            .WithRequestFilters(filters => filters.AddCallToolFilter(SignInElicitation.Filter))
            .WithTools<SecretTools>(toolJson);

        var app = builder.Build();
        var endpoint = app.Services.GetRequiredService<RedeemEndpoint>();
        app.MapPost("/v1/redeem", endpoint.HandleAsync);
        return app;
    }

    /// <summary>Drops any connection from another OS user before a byte of HTTP is read.</summary>
    private static ConnectionDelegate RejectOtherUsers(ConnectionDelegate next) => async connection =>
    {
        var socket = connection.Features.Get<IConnectionSocketFeature>()?.Socket;
        if (!PeerCredentials.IsSameUser(socket))
        {
            connection.Abort(new ConnectionAbortedException("The peer is not the user who runs secret-mcp."));
            return;
        }

        await next(connection).ConfigureAwait(false);
    };

    [LoggerMessage(Level = LogLevel.Information, Message = "secret-mcp serve is ready: broker {Instance}, Secret Server {BaseUri}")]
    private static partial void LogReady(ILogger logger, string instance, string baseUri);

    [LoggerMessage(Level = LogLevel.Information, Message = "secret-mcp serve is stopping; revoked {Count} outstanding ticket(s)")]
    private static partial void LogStopping(ILogger logger, int count);
}
