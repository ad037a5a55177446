using System.Net;
using System.Text;
using Microsoft.Extensions.Logging.Abstractions;
using SecretMcp.Auth;
using SecretMcp.SecretServer;

namespace SecretMcp.Tests.Auth;

public sealed class PasswordGrantSessionTests : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "smt-pw-" + Guid.NewGuid().ToString("N")[..10]);
    private readonly RecordingHandler _handler = new();

    public void Dispose()
    {
        _handler.Dispose();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, true);
        }
    }

    [Fact]
    public async Task SignIn_sends_the_domain_and_the_one_time_code_in_the_OTP_header()
    {
        using var session = NewSession(password: null, "CORP");

        var token = await session.SignInAsync("pw", "123456", default);

        token.Who.Should().Be("CORP\\svc");
        var request = _handler.Requests.Should().ContainSingle().Subject;
        request.Otp.Should().Be("123456");
        request.Form.Should().Contain("grant_type=password").And.Contain("domain=CORP").And.Contain("username=svc");
    }

    [Fact]
    public async Task A_later_process_uses_the_stored_session_without_the_password()
    {
        using (var login = NewSession(password: null))
        {
            await login.SignInAsync("pw", null, default);
        }

        using var serve = NewSession(password: null);
        var token = await serve.GetAccessTokenAsync(default);

        token.Should().Be("access-1");
        _handler.Requests.Should().ContainSingle("serve found the session login stored");
        var stored = Directory.GetFiles(_folder, "*", SearchOption.AllDirectories)
            .Select(File.ReadAllText).Should().NotContain(text => text.Contains("pw=") || text.Contains("\"pw\""));
        if (!OperatingSystem.IsWindows())
        {
            File.GetUnixFileMode(_folder).Should()
                .Be(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
    }

    [Fact]
    public async Task A_password_from_the_environment_signs_in_without_writing_the_session_anywhere()
    {
        using var session = NewSession(password: "pw");

        (await session.GetAccessTokenAsync(default)).Should().Be("access-1");

        var written = Directory.Exists(_folder)
            ? Directory.GetFiles(_folder, "*", SearchOption.AllDirectories).Where(f => new FileInfo(f).Length > 0)
            : [];
        written.Should().BeEmpty("a session that can be made again from the environment is kept in memory only");
    }

    [Fact]
    public async Task Logout_asks_Secret_Server_to_end_the_stored_session()
    {
        using (var login = NewSession(password: null))
        {
            await login.SignInAsync("pw", null, default);
        }

        using var logout = NewSession(password: null);
        await logout.RevokeStoredAsync(default);

        _handler.Revocations.Should().ContainSingle().Which.Bearer.Should().Be("access-1");
    }

    [Fact]
    public async Task Without_a_password_or_a_stored_session_it_says_to_run_login()
    {
        using var session = NewSession(password: null);

        var act = async () => await session.GetAccessTokenAsync(default);

        (await act.Should().ThrowAsync<NotSignedInException>()).Which.Message.Should().Contain("secret-mcp login");
        _handler.Requests.Should().BeEmpty();
    }

    private PasswordGrantSession NewSession(string? password, string? domain = null)
    {
        var settings = new AuthSettings { TokenCache = TokenCacheMode.File, CacheDirectory = _folder };
        return new PasswordGrantSession(
            new Factory(_handler), new PasswordAccount(new Uri("https://ss.example/SecretServer/"), "svc", domain),
            password,
            new TokenCacheStore(settings, NullLogger<TokenCacheStore>.Instance), TimeProvider.System,
            NullLogger<PasswordGrantSession>.Instance);
    }

    private sealed class Factory(HttpMessageHandler handler) : IHttpClientFactory
    {
        public HttpClient CreateClient(string name) =>
            new(handler, disposeHandler: false) { BaseAddress = new Uri("https://ss.example/SecretServer/") };
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public List<(string Form, string? Otp)> Requests { get; } = [];

        public List<(string Path, string? Bearer)> Revocations { get; } = [];

        protected override async Task<HttpResponseMessage> SendAsync(
            HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/api/v1/oauth-expiration", StringComparison.Ordinal))
            {
                Revocations.Add((request.RequestUri.AbsolutePath, request.Headers.Authorization?.Parameter));
                return new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("true") };
            }

            var form = await request.Content!.ReadAsStringAsync(cancellationToken);
            Requests.Add((form, request.Headers.TryGetValues("OTP", out var otp) ? otp.Single() : null));
            return new HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new StringContent(
                    $"{{\"access_token\":\"access-{Requests.Count}\",\"token_type\":\"bearer\","
                    + "\"expires_in\":1199,\"refresh_token\":\"r\"}",
                    Encoding.UTF8, "application/json"),
            };
        }
    }
}
