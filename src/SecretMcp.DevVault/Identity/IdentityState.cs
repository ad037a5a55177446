using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// What the dev identity provider holds: its users, pending device codes and browser sign-ins,
/// authorization codes, refresh tokens, and the Secret Server tokens it handed out.
/// </summary>
internal sealed class IdentityState : IDisposable
{
    private const string UserCodeAlphabet = "BCDFGHJKLMNPQRSTVWXZ";

    private readonly Dictionary<string, string> _passwords = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, DeviceAuthorization> _deviceCodes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthorizeRequest> _authorizeRequests = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, AuthorizationCode> _codes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, RefreshGrant> _refreshTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ExternalBearer> _secretServerTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _platformTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _issued = new();
    private readonly ConcurrentQueue<string> _grants = new();

    public IdentityState(DevIdentityOptions options)
    {
        Options = options;
        Time = options.TimeProvider;
        PlatformClientSecret = options.PlatformClientSecret ?? "dev-platform-" + NewOpaque(18);
        foreach (var user in options.Users)
        {
            _passwords[user.Username] = user.Password;
        }
    }

    public DevIdentityOptions Options { get; }

    public TimeProvider Time { get; }

    public JwtKeys Keys { get; } = new();

    public string PlatformClientSecret { get; }

    /// <summary>Set once Kestrel knows its port.</summary>
    public Uri BaseUri { get; set; } = new("https://127.0.0.1/");

    public Uri? VaultUri { get; set; }

    public string Authority => $"{BaseUri}{Options.TenantId}";

    public string Issuer => $"{Authority}/v2.0";

    public IReadOnlyCollection<string> Issued => _issued;

    public IReadOnlyCollection<string> Grants => _grants;

    public bool CheckPassword(string username, string password) =>
        _passwords.TryGetValue(username, out var expected)
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(expected), Encoding.UTF8.GetBytes(password));

    public bool IsUser(string username) => _passwords.ContainsKey(username);

    public void RecordGrant(string grant) => _grants.Enqueue(grant);

    // ---- device authorization (RFC 8628)

    public DeviceAuthorization StartDeviceAuthorization(string clientId, string scope)
    {
        var userCode = string.Concat(Enumerable.Range(0, 8).Select(i =>
            (i == 4 ? "-" : "") + UserCodeAlphabet[RandomNumberGenerator.GetInt32(UserCodeAlphabet.Length)]));
        var authorization = new DeviceAuthorization(
            NewOpaque(32), userCode, clientId, scope, Time.GetUtcNow().AddMinutes(15));
        _deviceCodes[authorization.DeviceCode] = authorization;
        return authorization;
    }

    /// <summary>Plays the user who finished sign-in (and MFA) on the verification page.</summary>
    public bool ApproveDeviceCode(string userCode, string username)
    {
        var normalized = userCode.Trim().ToUpperInvariant();
        foreach (var authorization in _deviceCodes.Values)
        {
            if (authorization.UserCode == normalized && authorization.ExpiresAt > Time.GetUtcNow() && IsUser(username))
            {
                authorization.ApprovedUser = username;
                return true;
            }
        }

        return false;
    }

    public DeviceAuthorization? FindDeviceCode(string deviceCode) => _deviceCodes.GetValueOrDefault(deviceCode);

    public void ForgetDeviceCode(string deviceCode) => _deviceCodes.TryRemove(deviceCode, out _);

    // ---- browser sign-in (authorization code with PKCE)

    public string AddAuthorizeRequest(AuthorizeRequest request)
    {
        var id = NewOpaque(18);
        _authorizeRequests[id] = request;
        return id;
    }

    public AuthorizeRequest? TakeAuthorizeRequest(string id) =>
        _authorizeRequests.TryRemove(id, out var request) ? request : null;

    public AuthorizeRequest? PeekAuthorizeRequest(string id) => _authorizeRequests.GetValueOrDefault(id);

    public string IssueCode(AuthorizeRequest request, string username)
    {
        var code = NewOpaque(32);
        _codes[code] = new AuthorizationCode(request, username, Time.GetUtcNow().AddMinutes(5));
        return code;
    }

    /// <summary>Codes are single use: taking one removes it.</summary>
    public AuthorizationCode? TakeCode(string code) =>
        _codes.TryRemove(code, out var grant) && grant.ExpiresAt > Time.GetUtcNow() ? grant : null;

    // ---- tokens

    public OAuthTokenResponse IssueTokens(string username, string clientId, string scope, string? nonce)
    {
        var requested = scope.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var resourceScopes = requested
            .Where(s => s is not ("openid" or "profile" or "offline_access" or "email"))
            .ToList();
        var lifetime = Options.AccessTokenLifetimeSeconds;
        var now = Time.GetUtcNow();
        var oid = ObjectId(username);

        // scp holds the scope names without the resource, as Entra writes them.
        var scp = string.Join(' ', resourceScopes.Select(s => s[(s.LastIndexOf('/') + 1)..]));
        var access = IssueAccessToken(username, now, now.AddSeconds(lifetime), Options.Audience, scp);

        string? idToken = null;
        if (requested.Contains("openid"))
        {
            idToken = Keys.Sign(writer =>
            {
                writer.WriteString("iss", Issuer);
                writer.WriteString("aud", clientId);
                WriteTimes(writer, now, now.AddSeconds(lifetime));
                WriteUser(writer, username, oid);
                if (nonce is not null)
                {
                    writer.WriteString("nonce", nonce);
                }

                writer.WriteString("ver", "2.0");
            });
            _issued.Enqueue(idToken);
        }

        string? refresh = null;
        if (requested.Contains("offline_access"))
        {
            refresh = "dev-rt." + NewOpaque(40);
            _refreshTokens[refresh] = new RefreshGrant(username, clientId, scope);
            _issued.Enqueue(refresh);
        }

        var clientInfo = JwtKeys.Base64Url(Encoding.UTF8.GetBytes(
            JsonSerializer.Serialize(new Dictionary<string, string> { ["uid"] = oid, ["utid"] = Options.TenantId },
                ClientInfoJsonContext.Default.DictionaryStringString)));
        return new OAuthTokenResponse
        {
            Scope = string.Join(' ', resourceScopes),
            ExpiresIn = lifetime,
            ExtExpiresIn = lifetime,
            AccessToken = access,
            RefreshToken = refresh,
            IdToken = idToken,
            ClientInfo = clientInfo,
        };
    }

    /// <summary>An access token as the provider issues them; tests also make odd ones with it.</summary>
    public string IssueAccessToken(
        string username, DateTimeOffset notBefore, DateTimeOffset expires, string audience, string scopes)
    {
        var token = Keys.Sign(writer =>
        {
            writer.WriteString("iss", Issuer);
            writer.WriteString("aud", audience);
            WriteTimes(writer, notBefore, expires);
            WriteUser(writer, username, ObjectId(username));
            writer.WriteString("azp", Options.ClientId);
            writer.WriteString("scp", scopes);
            writer.WriteStartArray("amr");
            writer.WriteStringValue("pwd");
            writer.WriteStringValue("mfa");
            writer.WriteEndArray();
            writer.WriteString("ver", "2.0");
            writer.WriteString("uti", NewOpaque(16));
        });
        _issued.Enqueue(token);
        return token;
    }

    /// <summary>Refresh tokens rotate: taking one removes it.</summary>
    public RefreshGrant? TakeRefreshToken(string value) =>
        _refreshTokens.TryRemove(value, out var grant) ? grant : null;

    public JwtCheck ValidateAccessToken(string token) =>
        Keys.Validate(token, Issuer, Options.Audience, Time.GetUtcNow());

    /// <summary>A Secret Server bearer for a mapped user, as an organisation's exchange broker would mint.</summary>
    public (string Token, int Lifetime) IssueSecretServerToken(string username)
    {
        var token = "dev-ss." + NewOpaque(36);
        var lifetime = Options.ExchangedTokenLifetimeSeconds;
        _secretServerTokens[token] = new ExternalBearer(username, Time.GetUtcNow().AddSeconds(lifetime));
        _issued.Enqueue(token);
        return (token, lifetime);
    }

    public string IssuePlatformToken()
    {
        var token = "dev-xpm." + NewOpaque(36);
        var expires = Time.GetUtcNow().AddSeconds(Options.PlatformTokenLifetimeSeconds);
        _platformTokens[token] = expires;
        _secretServerTokens[token] = new ExternalBearer(Options.PlatformClientId, expires);
        _issued.Enqueue(token);
        return token;
    }

    public bool IsPlatformToken(string? token) =>
        token is not null && _platformTokens.TryGetValue(token, out var expires) && expires > Time.GetUtcNow();

    /// <summary>The hook the dev vault calls for a bearer it did not issue itself.</summary>
    public ExternalBearer? ResolveBearer(string token)
    {
        if (_secretServerTokens.TryGetValue(token, out var bearer))
        {
            return bearer;
        }

        // A gateway that validates the identity provider's tokens (the 'bearer' session provider).
        var check = ValidateAccessToken(token);
        return check.Status switch
        {
            JwtStatus.Valid when IsUser(check.Username!) => new ExternalBearer(check.Username!, check.ExpiresAt),
            JwtStatus.Expired => new ExternalBearer(check.Username ?? "", check.ExpiresAt),
            _ => null,
        };
    }

    public void Dispose() => Keys.Dispose();

    public static string ObjectId(string username) =>
        new Guid(SHA256.HashData(Encoding.UTF8.GetBytes("oid:" + username.ToUpperInvariant()))[..16]).ToString();

    private static void WriteTimes(Utf8JsonWriter writer, DateTimeOffset notBefore, DateTimeOffset expires)
    {
        writer.WriteNumber("iat", notBefore.ToUnixTimeSeconds());
        writer.WriteNumber("nbf", notBefore.ToUnixTimeSeconds());
        writer.WriteNumber("exp", expires.ToUnixTimeSeconds());
    }

    private void WriteUser(Utf8JsonWriter writer, string username, string oid)
    {
        writer.WriteString("sub", oid);
        writer.WriteString("oid", oid);
        writer.WriteString("tid", Options.TenantId);
        writer.WriteString("preferred_username", username);
        writer.WriteString("name", username);
    }

    private static string NewOpaque(int bytes) => JwtKeys.Base64Url(RandomNumberGenerator.GetBytes(bytes));
}

internal sealed class DeviceAuthorization(
    string deviceCode, string userCode, string clientId, string scope, DateTimeOffset expiresAt)
{
    public string DeviceCode { get; } = deviceCode;

    public string UserCode { get; } = userCode;

    public string ClientId { get; } = clientId;

    public string Scope { get; } = scope;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    /// <summary>Set by the verification page (or the test hook) once the user signed in.</summary>
    public string? ApprovedUser
    {
        get => Volatile.Read(ref _approvedUser);
        set => Volatile.Write(ref _approvedUser, value);
    }

    private string? _approvedUser;
}

internal sealed record AuthorizeRequest(
    string ClientId, string RedirectUri, string Scope, string? State, string CodeChallenge, string? Nonce,
    string? ResponseMode);

internal sealed record AuthorizationCode(AuthorizeRequest Request, string Username, DateTimeOffset ExpiresAt);

internal sealed record RefreshGrant(string Username, string ClientId, string Scope);

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class ClientInfoJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
