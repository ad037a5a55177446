using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using SecretMcp.Audit;
using SecretMcp.Auth;
using SecretMcp.SecretServer;
using SecretMcp.Shells;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

/// <summary>
/// The broker as serve runs it (same listener, limits, peer check and endpoint, on a real Unix
/// socket), with a fake clock and a fake Secret Server so expiry and many-use tickets can be driven.
/// </summary>
public sealed class BrokerHarness : IAsyncDisposable
{
    public const string Value = "harness-value\n";

    private readonly WebApplication _app;

    private BrokerHarness(string root, BrokerInstance instance, WebApplication app, FakeTimeProvider time)
    {
        Root = root;
        Instance = instance;
        _app = app;
        Time = time;
    }

    public string Root { get; }

    public string RuntimeFolder => Instance.Folder;

    public string StateFolder => Path.Combine(Root, "state");

    public BrokerInstance Instance { get; }

    public FakeTimeProvider Time { get; }

    public TicketStore Store => _app.Services.GetRequiredService<TicketStore>();

    public static async Task<BrokerHarness> StartAsync()
    {
        // Short: socket paths must stay under 108 bytes.
        var root = Path.Combine(Path.GetTempPath(), "smt-b-" + Guid.NewGuid().ToString("N")[..8]);
        var time = new FakeTimeProvider(DateTimeOffset.Parse("2026-12-01T10:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        var instance = BrokerInstance.Claim(Path.Combine(root, "run"));

        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.Services.AddSingleton<ILoggerFactory>(NullLoggerFactory.Instance);
        builder.Services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
        builder.WebHost.UseKestrelCore();
        builder.WebHost.ConfigureKestrel(kestrel => BrokerHosting.Listen(kestrel, instance));
        builder.Services.AddRoutingCore();
        builder.Services.AddSingleton<TimeProvider>(time);
        builder.Services.AddSingleton(instance);
        builder.Services.AddSingleton<TicketStore>();
        builder.Services.AddSingleton<RedeemEndpoint>();
        builder.Services.AddSingleton(services => new AuditTrail(
            new AuditLog(Path.Combine(root, "state")), time, NullLogger<AuditTrail>.Instance, null, instance.Id));
        builder.Services.AddSingleton<IHttpClientFactory>(new FakeSecretServer());
        builder.Services.AddSingleton<ISecretServerSession>(new FixedSession());
        builder.Services.AddSingleton<SecretServerClient>();

        var app = builder.Build();
        BrokerHosting.MapRedeem(app);
        await app.StartAsync();
        BrokerHosting.Tighten(instance);
        return new BrokerHarness(root, instance, app, time);
    }

    public MintedTicket Mint(TimeSpan? lifetime = null, int uses = 1) =>
        Store.Mint(new TicketGrant(7, "db/prod", "password", "DB_PW", ShellKind.Bash, "s-harness", "tests"), lifetime, uses);

    public HttpClient CreateClient() => new(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectCallback = async (_, cancellationToken) =>
        {
            for (var attempt = 0; ; attempt++)
            {
                var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
                try
                {
                    await socket.ConnectAsync(new UnixDomainSocketEndPoint(Instance.SocketPath), cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException e) when (e.SocketErrorCode is SocketError.TryAgain or SocketError.WouldBlock && attempt < 500)
                {
                    socket.Dispose();
                    await Task.Delay(10, cancellationToken);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }
        },
    })
    { BaseAddress = new Uri("http://localhost") };

    /// <summary>Redeems over the socket; returns the HTTP status, the problem code (or "") and the body.</summary>
    public static async Task<(int Status, string Code, string ContentType, byte[] Body)> RedeemAsync(HttpClient http, string ticket)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/v1/redeem");
        request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + ticket);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsByteArrayAsync();
        var code = response.IsSuccessStatusCode ? "" : JsonDocument.Parse(body).RootElement.GetProperty("code").GetString()!;
        return ((int)response.StatusCode, code, response.Content.Headers.ContentType?.MediaType ?? "", body);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        Instance.Dispose();
        Directory.Delete(Root, recursive: true);
    }

    private sealed class FixedSession : ISecretServerSession
    {
        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult("fake-token");

        public void Invalidate(string token)
        {
        }
    }

    /// <summary>Answers every field read with <see cref="Value"/> as Secret Server does: a JSON string.</summary>
    private sealed class FakeSecretServer : HttpMessageHandler, IHttpClientFactory
    {
        public HttpClient CreateClient(string name) =>
            new(this, disposeHandler: false) { BaseAddress = new Uri("http://secret-server.invalid/") };

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(JsonSerializer.Serialize(Value), Encoding.UTF8, "application/json"),
            });
    }
}
