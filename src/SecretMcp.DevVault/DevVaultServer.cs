using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SecretMcp.DevVault;

/// <summary>
/// A real HTTP server on 127.0.0.1 that answers like Secret Server. Started in-process by
/// <c>serve --dev</c>, <c>dev-server</c>, <c>demo</c> and the tests.
/// </summary>
public sealed class DevVaultServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private DevVaultServer(WebApplication app, Uri baseUri, SeedUser user)
    {
        _app = app;
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

    public static async Task<DevVaultServer> StartAsync(
        DevVaultOptions options, ILoggerFactory? loggerFactory = null, CancellationToken cancellationToken = default)
    {
        var seed = options.Seed ?? SeedFile.LoadDefault();
        var state = new VaultState(seed, options, options.TimeProvider);

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        if (loggerFactory is not null)
        {
            builder.Services.AddSingleton(loggerFactory);
        }

        builder.WebHost.ConfigureKestrel(k => k.Listen(System.Net.IPAddress.Loopback, options.Port));
        builder.Services.AddSingleton(state);

        var app = builder.Build();

        // On-prem instances live under /SecretServer; answer there and at the root alike.
        app.UsePathBase("/SecretServer");
        SecretServerEndpoints.Map(app, state);

        await app.StartAsync(cancellationToken).ConfigureAwait(false);

        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!
            .Addresses.First();
        return new DevVaultServer(app, new Uri(address.TrimEnd('/') + "/"), seed.Users[0]);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
