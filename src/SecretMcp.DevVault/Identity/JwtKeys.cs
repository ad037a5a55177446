using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// Signs RS256 JWTs and checks them as a resource server would: signature with the key the
/// <c>kid</c> names, algorithm, issuer, audience, and lifetime with a small clock skew.
/// </summary>
internal sealed class JwtKeys : IDisposable
{
    private static readonly TimeSpan s_skew = TimeSpan.FromMinutes(2);

    private readonly RSA _rsa = RSA.Create(2048);

    public JwtKeys()
    {
        KeyId = Base64Url(RandomNumberGenerator.GetBytes(12));
    }

    public string KeyId { get; }

    /// <summary>The public key as a JWK for the keys (JWKS) endpoint.</summary>
    public JwkResponse PublicJwk()
    {
        var parameters = _rsa.ExportParameters(false);
        return new JwkResponse
        {
            Kid = KeyId,
            N = Base64Url(parameters.Modulus!),
            E = Base64Url(parameters.Exponent!),
        };
    }

    /// <summary>Writes the claims with <paramref name="writeClaims"/> and signs them.</summary>
    public string Sign(Action<Utf8JsonWriter> writeClaims)
    {
        var header = Encode(writer =>
        {
            writer.WriteString("typ", "JWT");
            writer.WriteString("alg", "RS256");
            writer.WriteString("kid", KeyId);
        });
        var payload = Encode(writeClaims);
        var signed = header + "." + payload;
        var signature = _rsa.SignData(
            Encoding.ASCII.GetBytes(signed), HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1);
        return signed + "." + Base64Url(signature);
    }

    /// <summary>Validates <paramref name="token"/>; the claims come back only when it is genuine.</summary>
    public JwtCheck Validate(string token, string issuer, string audience, DateTimeOffset now)
    {
        var parts = token.Split('.');
        if (parts.Length != 3)
        {
            return JwtCheck.Fail("not a JWT");
        }

        try
        {
            using var header = JsonDocument.Parse(FromBase64Url(parts[0]));
            if (!header.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
            {
                return JwtCheck.Fail("alg must be RS256");
            }

            if (!header.RootElement.TryGetProperty("kid", out var kid) || kid.GetString() != KeyId)
            {
                return JwtCheck.Fail("unknown kid");
            }

            var signature = FromBase64Url(parts[2]);
            if (!_rsa.VerifyData(Encoding.ASCII.GetBytes(parts[0] + "." + parts[1]), signature,
                    HashAlgorithmName.SHA256, RSASignaturePadding.Pkcs1))
            {
                return JwtCheck.Fail("bad signature");
            }

            using var payload = JsonDocument.Parse(FromBase64Url(parts[1]));
            var claims = payload.RootElement;
            if (GetString(claims, "iss") != issuer)
            {
                return JwtCheck.Fail("wrong issuer");
            }

            if (GetString(claims, "aud") != audience)
            {
                return JwtCheck.Fail("wrong audience");
            }

            var expires = DateTimeOffset.FromUnixTimeSeconds(GetLong(claims, "exp"));
            var notBefore = DateTimeOffset.FromUnixTimeSeconds(GetLong(claims, "nbf"));
            if (notBefore > now + s_skew)
            {
                return JwtCheck.Fail("not valid yet");
            }

            var username = GetString(claims, "preferred_username") ?? "";
            return expires + s_skew <= now
                ? new JwtCheck(JwtStatus.Expired, username, expires, "expired")
                : new JwtCheck(JwtStatus.Valid, username, expires, null);
        }
        catch (Exception e) when (e is JsonException or FormatException or InvalidOperationException
            or CryptographicException)
        {
            return JwtCheck.Fail("malformed");
        }
    }

    public void Dispose() => _rsa.Dispose();

    public static string Base64Url(ReadOnlySpan<byte> bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static byte[] FromBase64Url(string text)
    {
        var padded = text.Replace('-', '+').Replace('_', '/');
        padded += (padded.Length % 4) switch { 2 => "==", 3 => "=", 0 => "", _ => throw new FormatException() };
        return Convert.FromBase64String(padded);
    }

    private static string Encode(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }

        return Base64Url(buffer.ToArray());
    }

    private static string? GetString(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    private static long GetLong(JsonElement claims, string name) =>
        claims.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number
            ? value.GetInt64()
            : throw new InvalidOperationException($"missing {name}");
}

internal enum JwtStatus
{
    Invalid,
    Expired,
    Valid,
}

internal readonly record struct JwtCheck(JwtStatus Status, string? Username, DateTimeOffset ExpiresAt, string? Problem)
{
    public static JwtCheck Fail(string problem) => new(JwtStatus.Invalid, null, default, problem);
}
