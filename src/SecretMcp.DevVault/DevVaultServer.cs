using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretMcp.DevVault;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like Secret Server. Started in-process by
/// <c>serve --dev</c>, <c>dev-server</c>, <c>demo</c> and the tests. Besides Secret Server's API it
/// has a small test API (in process, and under <c>/_devvault/</c>) to inject faults and expire tokens.
/// </summary>
public sealed class DevVaultServer : IAsyncDisposable
{
    /// <summary>The test API's path prefix; not part of Secret Server's API.</summary>
    public const string ControlPrefix = "/_devvault";

    private readonly WebApplication _app;
    private readonly VaultState _state;

    private DevVaultServer(WebApplication app, VaultState state, Uri baseUri, SeedUser user)
    {
        _app = app;
        _state = state;
        BaseUri = baseUri;
        Username = user.Username;
        Password = user.Password;
    }

    /// <summary>The base URL, like an on-prem <c>https://host/SecretServer</c> without the suffix.</summary>
    public Uri BaseUri { get; }

    /// <summary>The first seeded user, for the password grant.</summary>
    public string Username { get; }

    /// <summary>The first seeded user's password. Dev credentials only; never a real one.</summary>
    public string Password { get; }

    /// <summary>Every request answered so far: method, path and status, never a header or a body.</summary>
    public IReadOnlyList<DevVaultRequest> Requests => _state.Requests;

    public static async Task<DevVaultServer> StartAsync(
        DevVaultOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);

        var seed = options.Seed ?? SeedFile.LoadDefault();
        var state = new VaultState(seed, options);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Listen(IPAddress.Loopback, options.Port, listen =>
            {
                if (options.Certificate is { } certificate)
                {
                    listen.UseHttps(certificate);
                }
            });
        });
        builder.Services.AddSingleton(state);

        var app = builder.Build();

        // On-prem instances live under /SecretServer; answer there and at the root alike.
        app.UsePathBase("/SecretServer");
        app.Use((context, next) => RecordAndInjectAsync(context, next, state));
        app.UseRouting();
        SecretServerEndpoints.Map(app, state);
        MapControl(app, state);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = new Uri(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First());
        var baseUri = new UriBuilder(address.Scheme, options.HostName, address.Port, "/").Uri;
        return new DevVaultServer(app, state, baseUri, seed.Users[0]);
    }

    /// <summary>Injects a fault into the requests it matches, from now on.</summary>
    public void AddFault(DevVaultFault fault) => _state.AddFault(fault);

    public void ClearFaults() => _state.ClearFaults();

    /// <summary>Every access token issued so far answers 403 "expired"; refresh tokens keep working.</summary>
    public int ExpireAccessTokens() => _state.ExpireAllAccessTokens();

    /// <summary>Every access and refresh token stops working, as after a server restart.</summary>
    public void RevokeAllTokens() => _state.RevokeAllTokens();

    /// <summary>The audit trail of a secret: (action, user, notes, ticket number), oldest first.</summary>
    public IReadOnlyList<(string Action, string Username, string? Notes, string? TicketNumber)> AuditsOf(
        int secretId) =>
        _state.FindById(secretId) is { } secret
            ? _state.AuditsOf(secret).Select(a => (a.Action, a.Username, a.Notes, a.TicketNumber)).ToList()
            : [];

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }

    /// <summary>Logs each request (method, path, status) and answers with a fault instead when one applies.</summary>
    private static async Task RecordAndInjectAsync(HttpContext context, Func<Task> next, VaultState state)
    {
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "/";
        var fault = path.StartsWith(ControlPrefix, StringComparison.Ordinal) ? null : state.TakeFault(method, path);
        try
        {
            if (fault is null || fault.Kind == DevVaultFaultKind.Latency)
            {
                if (fault is not null)
                {
                    // Real time even when the vault runs on a fake clock: latency is about the wire.
                    await Task.Delay(fault.DelayMilliseconds, context.RequestAborted).ConfigureAwait(false);
                }

                await next().ConfigureAwait(false);
                return;
            }

            await AnswerWithFaultAsync(context, fault, state).ConfigureAwait(false);
        }
        finally
        {
            state.Record(new DevVaultRequest(method, path, context.Response.StatusCode, state.Time.GetUtcNow()));
        }
    }

    private static async Task AnswerWithFaultAsync(HttpContext context, DevVaultFault fault, VaultState state)
    {
        switch (fault.Kind)
        {
            case DevVaultFaultKind.Reset:
                context.Abort();
                return;

            case DevVaultFaultKind.Truncated:
                // Promise more than is sent, then drop the connection mid-body.
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/json; charset=utf-8";
                context.Response.ContentLength = 4096;
                await context.Response.WriteAsync("{\"records\":[{\"id\":", context.RequestAborted)
                    .ConfigureAwait(false);
                await context.Response.Body.FlushAsync(context.RequestAborted).ConfigureAwait(false);
                context.Abort();
                return;

            case DevVaultFaultKind.Html:
                context.Response.StatusCode = fault.Status ?? 200;
                context.Response.ContentType = "text/html; charset=utf-8";
                await context.Response.WriteAsync(SecretServerEndpoints.LoginPage, context.RequestAborted)
                    .ConfigureAwait(false);
                return;

            case DevVaultFaultKind.Redirect:
                context.Response.StatusCode = 302;
                context.Response.Headers.Location =
                    $"{context.Request.PathBase}/Login.aspx?ReturnUrl={Uri.EscapeDataString(context.Request.Path)}";
                return;

            case DevVaultFaultKind.ExpiredToken:
                if (SecretServerEndpoints.BearerOf(context) is { } token)
                {
                    state.Revoke(token);
                }

                await SecretServerEndpoints.WriteJsonAsync(context, 403,
                    new ApiError { Message = SecretServerEndpoints.StaleTokenMessage },
                    DevVaultJsonContext.Default.ApiError).ConfigureAwait(false);
                return;

            default:
                await AnswerWithStatusAsync(context, fault.Status ?? 503, fault.RetryAfterSeconds)
                    .ConfigureAwait(false);
                return;
        }
    }

    private static Task AnswerWithStatusAsync(HttpContext context, int status, int? retryAfterSeconds)
    {
        if (retryAfterSeconds is { } seconds)
        {
            context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        // Secret Server's 500 body (reference section 4); other statuses carry a plain message.
        return status == 500
            ? SecretServerEndpoints.WriteJsonAsync(context, status,
                new InternalErrorResponse
                {
                    ExceptionMessage = "INVENTED: injected by the dev vault",
                    ExceptionType = "System.Exception",
                },
                DevVaultJsonContext.Default.InternalErrorResponse)
            : SecretServerEndpoints.WriteJsonAsync(context, status,
                new ApiError { Message = $"INVENTED: injected HTTP {status}" }, DevVaultJsonContext.Default.ApiError);
    }

    /// <summary>The test API over HTTP, for clients that run the vault in another process (dev-server).</summary>
    private static void MapControl(WebApplication app, VaultState state)
    {
        app.MapPost(ControlPrefix + "/faults", async context =>
        {
            DevVaultFault? fault;
            try
            {
                fault = await JsonSerializer.DeserializeAsync(context.Request.Body,
                    DevVaultJsonContext.Default.DevVaultFault, context.RequestAborted).ConfigureAwait(false);
            }
            catch (JsonException)
            {
                fault = null;
            }

            if (fault?.Validate() is not null || fault is null)
            {
                context.Response.StatusCode = 400;
                return;
            }

            state.AddFault(fault);
            context.Response.StatusCode = 204;
        });
        app.MapDelete(ControlPrefix + "/faults", context =>
        {
            state.ClearFaults();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
        app.MapPost(ControlPrefix + "/expire-tokens", context =>
        {
            state.ExpireAllAccessTokens();
            context.Response.StatusCode = 204;
            return Task.CompletedTask;
        });
    }
}
