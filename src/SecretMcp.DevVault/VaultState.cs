using System.Collections.Concurrent;
using System.Security.Cryptography;

namespace SecretMcp.DevVault;

/// <summary>What the dev vault holds: seeded secrets and users, and the access tokens it issued.</summary>
internal sealed class VaultState
{
    private readonly Dictionary<int, StoredSecret> _secretsById = [];
    private readonly Dictionary<string, StoredSecret> _secretsByPath = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _passwords = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, IssuedToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedToken> _refreshTokens = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;

    public VaultState(SeedFile seed, DevVaultOptions options, TimeProvider time)
    {
        _time = time;
        Options = options;

        foreach (var user in seed.Users)
        {
            _passwords[user.Username] = user.Password;
        }

        var folderIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var templateIds = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var nextFieldId = 100;
        var nextItemId = 1000;
        foreach (var seeded in seed.Secrets)
        {
            var path = VaultPath.Normalize(seeded.Path)!;
            var cut = path.LastIndexOf('\\');
            var folder = cut == 0 ? "\\" : path[..cut];
            var folderId = GetOrAdd(folderIds, folder, folderIds.Count + 1);
            var templateId = GetOrAdd(templateIds, seeded.Template, 6000 + templateIds.Count + 1);

            var fields = seeded.Fields
                .Select(f => new StoredField(
                    nextItemId++, nextFieldId++, f.Slug, f.Name ?? f.Slug, f.GetBytes($"secret {seeded.Id}"),
                    f.IsPassword, f.IsNotes, f.IsFile, f.Filename ?? (f.IsFile ? f.Slug + ".bin" : null)))
                .ToList();

            var secret = new StoredSecret(
                seeded.Id, path[(cut + 1)..], path, folderId, templateId, seeded.Template, fields,
                seeded.RequiresComment, seeded.CheckOutEnabled);
            _secretsById[secret.Id] = secret;
            _secretsByPath[path] = secret;
        }
    }

    public DevVaultOptions Options { get; }

    public StoredSecret? FindById(int id) => _secretsById.GetValueOrDefault(id);

    public StoredSecret? FindByPath(string? path)
    {
        var normalized = VaultPath.Normalize(path);
        return normalized is null ? null : _secretsByPath.GetValueOrDefault(normalized);
    }

    public bool CheckPassword(string username, string password) =>
        _passwords.TryGetValue(username, out var expected)
        && CryptographicOperations.FixedTimeEquals(
            System.Text.Encoding.UTF8.GetBytes(expected), System.Text.Encoding.UTF8.GetBytes(password));

    public (IssuedToken Access, IssuedToken? Refresh) IssueTokens(string username, int refreshesUsed)
    {
        var now = _time.GetUtcNow();
        var access = new IssuedToken(NewOpaqueToken(), username, now.AddSeconds(Options.TokenLifetimeSeconds), refreshesUsed);
        _accessTokens[access.Value] = access;

        IssuedToken? refresh = null;
        if (Options.RefreshTokensEnabled && refreshesUsed < Options.MaxTokenRefreshes)
        {
            // Secret Server lets a refresh token live for the session timeout plus 15 minutes.
            refresh = new IssuedToken(
                NewOpaqueToken(), username, now.AddSeconds(Options.TokenLifetimeSeconds + 900), refreshesUsed);
            _refreshTokens[refresh.Value] = refresh;
        }

        return (access, refresh);
    }

    /// <summary>Refresh tokens are single use: taking one removes it.</summary>
    public IssuedToken? TakeRefreshToken(string value) =>
        _refreshTokens.TryRemove(value, out var token) && token.ExpiresAt > _time.GetUtcNow() ? token : null;

    public TokenCheck CheckAccessToken(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new TokenCheck(TokenStatus.Unknown, null);
        }

        if (!_accessTokens.TryGetValue(value, out var token))
        {
            if (Options.ExternalBearers?.Invoke(value) is not { } external)
            {
                return new TokenCheck(TokenStatus.Unknown, null);
            }

            token = new IssuedToken(value, external.Username, external.ExpiresAt, 0);
        }

        return token.ExpiresAt <= _time.GetUtcNow()
            ? new TokenCheck(TokenStatus.Expired, null)
            : new TokenCheck(TokenStatus.Valid, token.Username);
    }

    private static int GetOrAdd(Dictionary<string, int> map, string key, int value)
    {
        if (!map.TryGetValue(key, out var existing))
        {
            map[key] = existing = value;
        }

        return existing;
    }

    private static string NewOpaqueToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}

internal sealed record StoredSecret(
    int Id,
    string Name,
    string Path,
    int FolderId,
    int TemplateId,
    string TemplateName,
    IReadOnlyList<StoredField> Fields,
    bool RequiresComment,
    bool CheckOutEnabled);

internal sealed record StoredField(
    int ItemId,
    int FieldId,
    string Slug,
    string Name,
    byte[] Value,
    bool IsPassword,
    bool IsNotes,
    bool IsFile,
    string? Filename);

internal sealed record IssuedToken(string Value, string Username, DateTimeOffset ExpiresAt, int RefreshesUsed);

internal enum TokenStatus
{
    Unknown,
    Expired,
    Valid,
}

internal readonly record struct TokenCheck(TokenStatus Status, string? Username);
