using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;

namespace SecretMcp.DevVault;

/// <summary>
/// What the dev vault holds: users, folders, templates and secrets from the seed; the tokens it
/// issued; check-outs, audits, injected faults and a log of the requests it answered.
/// </summary>
internal sealed class VaultState
{
    private readonly Dictionary<int, StoredSecret> _secretsById = [];
    private readonly Dictionary<string, StoredSecret> _secretsByPath = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, VaultUser> _users = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, VaultFolder> _folders = [];
    private readonly Dictionary<string, VaultFolder> _foldersByPath = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<int, VaultTemplate> _templates = [];
    private readonly ConcurrentDictionary<string, IssuedToken> _accessTokens = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, IssuedToken> _refreshTokens = new(StringComparer.Ordinal);
    private readonly List<FaultSlot> _faults = [];
    private readonly ConcurrentQueue<DevVaultRequest> _requests = new();
    private readonly Lock _gate = new();
    private readonly Func<string, ExternalBearer?>? _externalBearers;
    private int _nextAuditId = 1;

    public VaultState(SeedFile seed, DevVaultOptions options)
    {
        Time = options.TimeProvider;
        _externalBearers = options.ExternalBearers;
        Settings = new VaultSettings(
            options.TokenLifetimeSeconds ?? seed.Settings.TokenLifetimeSeconds ?? 1200,
            options.RefreshTokensEnabled ?? seed.Settings.RefreshTokens ?? true,
            options.MaxTokenRefreshes ?? seed.Settings.MaxTokenRefreshes ?? 3,
            seed.Settings.Version ?? "11.7.2",
            seed.Settings.AutoCommentSatisfiesComment);

        var userId = 1;
        foreach (var user in seed.Users)
        {
            _users[user.Username] = new VaultUser(
                userId++, user.Username, user.Password, user.DisplayName ?? user.Username, user.Otp,
                user.CanViewTemplates);
        }

        var templateIds = new Dictionary<string, VaultTemplate>(StringComparer.OrdinalIgnoreCase);
        var nextFieldId = 100;
        var nextItemId = 1000;
        foreach (var seeded in seed.Secrets)
        {
            var path = VaultPath.Normalize(seeded.Path)!;
            var cut = path.LastIndexOf('\\');
            var folder = cut == 0 ? null : AddFolder(path[..cut]);

            if (!templateIds.TryGetValue(seeded.Template, out var template))
            {
                template = new VaultTemplate(6000 + templateIds.Count + 1, seeded.Template, []);
                templateIds[seeded.Template] = template;
                _templates[template.Id] = template;
            }

            var fields = new List<StoredField>();
            foreach (var f in seeded.Fields)
            {
                var templateField = template.Fields.FirstOrDefault(t => t.Slug == f.Slug);
                if (templateField is null)
                {
                    templateField = new TemplateField(
                        nextFieldId++, f.Slug, f.Name ?? f.Slug, f.IsPassword, f.IsFile, f.IsNotes);
                    template.Fields.Add(templateField);
                }

                fields.Add(new StoredField(
                    nextItemId++, templateField.Id, f.Slug, f.Name ?? f.Slug, f.GetBytes($"secret {seeded.Id}"),
                    f.IsPassword, f.IsNotes, f.IsFile, f.Filename ?? (f.IsFile ? f.Slug + ".bin" : null)));
            }

            var permissions = seeded.Permissions?.ToDictionary(
                p => p.Key, p => Enum.Parse<SeedPermission>(p.Value, true), StringComparer.OrdinalIgnoreCase);
            var secret = new StoredSecret(
                seeded.Id, path[(cut + 1)..], path, folder, template, fields, seeded.RequiresComment,
                seeded.CheckOutEnabled, seeded.CheckOutIntervalMinutes ?? 30, seeded.RequiresApproval,
                new HashSet<string>(seeded.ApprovedUsers, StringComparer.OrdinalIgnoreCase), seeded.Active, permissions,
                Time.GetUtcNow());
            _secretsById[secret.Id] = secret;
            _secretsByPath[path] = secret;
        }

        foreach (var fault in seed.Faults.Concat(options.Faults))
        {
            AddFault(fault);
        }
    }

    public TimeProvider Time { get; }

    public VaultSettings Settings { get; }

    public IEnumerable<StoredSecret> Secrets => _secretsById.Values.OrderBy(s => s.Id);

    /// <summary>Access requests filed through the workflow endpoints (SecretServerEndpoints.Workflows).</summary>
    public AccessRequestStore AccessRequests { get; } = new();

    public StoredSecret? FindById(int id) => _secretsById.GetValueOrDefault(id);

    public StoredSecret? FindByPath(string? path)
    {
        var normalized = VaultPath.Normalize(path);
        return normalized is null ? null : _secretsByPath.GetValueOrDefault(normalized);
    }

    public VaultFolder? FindFolder(int id) => _folders.GetValueOrDefault(id);

    public VaultFolder? FindFolderByPath(string? path)
    {
        var normalized = VaultPath.Normalize(path);
        return normalized is null ? null : _foldersByPath.GetValueOrDefault(normalized);
    }

    public IEnumerable<VaultFolder> ChildFolders(int id) =>
        _folders.Values.Where(f => f.ParentId == id).OrderBy(f => f.Name);

    public VaultTemplate? FindTemplate(int id) => _templates.GetValueOrDefault(id);

    public VaultUser? FindUser(string username) => _users.GetValueOrDefault(username);

    public bool CheckPassword(string username, string password) =>
        _users.TryGetValue(username, out var user)
        && CryptographicOperations.FixedTimeEquals(
            Encoding.UTF8.GetBytes(user.Password), Encoding.UTF8.GetBytes(password));

    // ---- tokens ----

    public (IssuedToken Access, IssuedToken? Refresh) IssueTokens(string username, int refreshesUsed)
    {
        var now = Time.GetUtcNow();
        var access = new IssuedToken(
            NewOpaqueToken(), username, now.AddSeconds(Settings.TokenLifetimeSeconds), refreshesUsed);
        _accessTokens[access.Value] = access;

        IssuedToken? refresh = null;
        if (Settings.RefreshTokensEnabled && refreshesUsed < Settings.MaxTokenRefreshes)
        {
            // Secret Server lets a refresh token live for the session timeout plus 15 minutes.
            refresh = new IssuedToken(
                NewOpaqueToken(), username, now.AddSeconds(Settings.TokenLifetimeSeconds + 900), refreshesUsed);
            _refreshTokens[refresh.Value] = refresh;
        }

        return (access, refresh);
    }

    /// <summary>Refresh tokens are single use: taking one removes it.</summary>
    public IssuedToken? TakeRefreshToken(string value) =>
        _refreshTokens.TryRemove(value, out var token) && token.ExpiresAt > Time.GetUtcNow() ? token : null;

    public TokenCheck CheckAccessToken(string? value)
    {
        if (string.IsNullOrEmpty(value))
        {
            return new TokenCheck(TokenStatus.Unknown, null);
        }

        if (!_accessTokens.TryGetValue(value, out var token))
        {
            // Tokens another issuer vouches for (the dev identity provider's providers, #5).
            if (_externalBearers?.Invoke(value) is not { } external)
            {
                return new TokenCheck(TokenStatus.Unknown, null);
            }

            token = new IssuedToken(value, external.Username, external.ExpiresAt, 0);
        }

        return token.Revoked || token.ExpiresAt <= Time.GetUtcNow()
            ? new TokenCheck(TokenStatus.Expired, null)
            : new TokenCheck(TokenStatus.Valid, token.Username);
    }

    /// <summary>What <c>/api/v1/oauth-expiration</c> does: the token stops working at once.</summary>
    public void Revoke(string value)
    {
        if (_accessTokens.TryGetValue(value, out var token))
        {
            token.Revoked = true;
        }
    }

    /// <summary>Every access token issued so far answers as expired; refresh tokens still work.</summary>
    public int ExpireAllAccessTokens()
    {
        var count = 0;
        foreach (var token in _accessTokens.Values.Where(t => !t.Revoked))
        {
            token.Revoked = true;
            count++;
        }

        return count;
    }

    /// <summary>Every access and refresh token stops working: the next client must sign in afresh.</summary>
    public void RevokeAllTokens()
    {
        ExpireAllAccessTokens();
        _refreshTokens.Clear();
    }

    // ---- permissions, check-out, audit ----

    public SeedPermission PermissionOf(StoredSecret secret, string username) =>
        secret.Permissions is null ? SeedPermission.View : secret.Permissions.GetValueOrDefault(username);

    /// <summary>Who holds the secret checked out now, if anyone; an elapsed check-out counts as checked in.</summary>
    public (string Username, DateTimeOffset Until)? CheckedOut(StoredSecret secret)
    {
        lock (_gate)
        {
            if (secret.CheckedOutBy is { } holder && secret.CheckedOutUntil > Time.GetUtcNow())
            {
                return (holder, secret.CheckedOutUntil);
            }

            secret.CheckedOutBy = null;
            return null;
        }
    }

    /// <summary>Checks the secret out to <paramref name="username"/>; false when someone else holds it.</summary>
    public bool TryCheckOut(StoredSecret secret, string username)
    {
        lock (_gate)
        {
            var holder = CheckedOut(secret);
            if (holder is { } h && !string.Equals(h.Username, username, StringComparison.OrdinalIgnoreCase))
            {
                return false;
            }

            secret.CheckedOutBy = username;
            secret.CheckedOutUntil = Time.GetUtcNow().AddMinutes(secret.CheckOutIntervalMinutes);
            return true;
        }
    }

    public void CheckIn(StoredSecret secret)
    {
        lock (_gate)
        {
            secret.CheckedOutBy = null;
        }
    }

    public void Audit(StoredSecret secret, string username, string action, string? notes, string? ticketNumber)
    {
        lock (_gate)
        {
            secret.Audits.Add(new AuditEntry(
                _nextAuditId++, action, username, FindUser(username)?.DisplayName ?? username, Time.GetUtcNow(),
                string.IsNullOrWhiteSpace(notes) ? null : notes,
                string.IsNullOrWhiteSpace(ticketNumber) ? null : ticketNumber));
        }
    }

    /// <summary>Replaces the value of the secret's password fields; false when it has none.</summary>
    public bool ChangePassword(StoredSecret secret, byte[] value)
    {
        lock (_gate)
        {
            if (!secret.Fields.Any(f => f.IsPassword && !f.IsFile))
            {
                return false;
            }

            // A new list, swapped in whole, so a concurrent read sees the old fields or the new ones.
            secret.Fields = [.. secret.Fields.Select(f => f.IsPassword && !f.IsFile ? f with { Value = value } : f)];
            return true;
        }
    }

    public IReadOnlyList<AuditEntry> AuditsOf(StoredSecret secret)
    {
        lock (_gate)
        {
            return [.. secret.Audits];
        }
    }

    // ---- faults and the request log ----

    public void AddFault(DevVaultFault fault)
    {
        if (fault.Validate() is { } problem)
        {
            throw new ArgumentException(problem, nameof(fault));
        }

        lock (_gate)
        {
            _faults.Add(new FaultSlot(fault));
        }
    }

    public void ClearFaults()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The first fault that applies to this request, counting it as used.</summary>
    public DevVaultFault? TakeFault(string method, string path)
    {
        lock (_gate)
        {
            foreach (var slot in _faults)
            {
                if (!slot.Fault.Matches(method, path))
                {
                    continue;
                }

                slot.Seen++;
                if (slot.Seen <= slot.Fault.Skip)
                {
                    continue;
                }

                if (slot.Fault.Times is { } times && slot.Hits >= times)
                {
                    continue;
                }

                slot.Hits++;
                return slot.Fault;
            }

            return null;
        }
    }

    public void Record(DevVaultRequest request) => _requests.Enqueue(request);

    public IReadOnlyList<DevVaultRequest> Requests => [.. _requests];

    private VaultFolder AddFolder(string path)
    {
        if (_foldersByPath.TryGetValue(path, out var existing))
        {
            return existing;
        }

        var cut = path.LastIndexOf('\\');
        var parent = cut == 0 ? null : AddFolder(path[..cut]);
        var folder = new VaultFolder(_folders.Count + 1, path[(cut + 1)..], path, parent?.Id ?? -1);
        _folders[folder.Id] = folder;
        _foldersByPath[path] = folder;
        return folder;
    }

    private static string NewOpaqueToken() =>
        Convert.ToBase64String(RandomNumberGenerator.GetBytes(48)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private sealed class FaultSlot(DevVaultFault fault)
    {
        public DevVaultFault Fault { get; } = fault;

        public int Seen { get; set; }

        public int Hits { get; set; }
    }
}

internal sealed record VaultSettings(
    int TokenLifetimeSeconds,
    bool RefreshTokensEnabled,
    int MaxTokenRefreshes,
    string Version,
    bool AutoCommentSatisfiesComment);

internal sealed record VaultUser(
    int Id, string Username, string Password, string DisplayName, string? Otp, bool CanViewTemplates);

internal sealed record VaultFolder(int Id, string Name, string Path, int ParentId);

internal sealed record VaultTemplate(int Id, string Name, List<TemplateField> Fields);

internal sealed record TemplateField(int Id, string Slug, string Name, bool IsPassword, bool IsFile, bool IsNotes);

internal sealed class StoredSecret(
    int id,
    string name,
    string path,
    VaultFolder? folder,
    VaultTemplate template,
    IReadOnlyList<StoredField> fields,
    bool requiresComment,
    bool checkOutEnabled,
    int checkOutIntervalMinutes,
    bool requiresApproval,
    HashSet<string> approvedUsers,
    bool active,
    Dictionary<string, SeedPermission>? permissions,
    DateTimeOffset created)
{
    public int Id { get; } = id;

    public string Name { get; } = name;

    public string Path { get; } = path;

    public VaultFolder? Folder { get; } = folder;

    /// <summary>Secrets in the root folder report folder id -1.</summary>
    public int FolderId => Folder?.Id ?? -1;

    public VaultTemplate Template { get; } = template;

    /// <summary>Replaced whole by a password change (VaultState.ChangePassword).</summary>
    public IReadOnlyList<StoredField> Fields { get; set; } = fields;

    public bool RequiresComment { get; } = requiresComment;

    public bool CheckOutEnabled { get; } = checkOutEnabled;

    public int CheckOutIntervalMinutes { get; } = checkOutIntervalMinutes;

    public bool RequiresApproval { get; } = requiresApproval;

    public HashSet<string> ApprovedUsers { get; } = approvedUsers;

    public bool Active { get; } = active;

    public Dictionary<string, SeedPermission>? Permissions { get; } = permissions;

    public DateTimeOffset Created { get; } = created;

    public bool IsRestricted => RequiresComment || RequiresApproval || CheckOutEnabled;

    // Mutable state, guarded by VaultState's lock.
    public string? CheckedOutBy { get; set; }

    public DateTimeOffset CheckedOutUntil { get; set; }

    public List<AuditEntry> Audits { get; } = [];
}

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

internal sealed record AuditEntry(
    int Id, string Action, string Username, string DisplayName, DateTimeOffset At, string? Notes, string? TicketNumber);

internal sealed class IssuedToken(string value, string username, DateTimeOffset expiresAt, int refreshesUsed)
{
    public string Value { get; } = value;

    public string Username { get; } = username;

    public DateTimeOffset ExpiresAt { get; } = expiresAt;

    public int RefreshesUsed { get; } = refreshesUsed;

    public bool Revoked { get; set; }
}

internal enum TokenStatus
{
    Unknown,
    Expired,
    Valid,
}

internal readonly record struct TokenCheck(TokenStatus Status, string? Username);
