using System.Collections.Concurrent;
using System.Text;

namespace SecretMcp.SecretServer;

// Finding and describing secrets. Nothing here views a secret that is restricted (comment, approval,
// check-out), so describing one never lands in its audit as a view or checks it out.
public sealed partial class SecretServerClient
{
    private const int SearchPageSize = 100;
    private const int MaxSearchRecords = 1000;

    private readonly ConcurrentDictionary<int, string> _folderPaths = new();

    /// <summary>
    /// Names, folder, template, field slugs, flags and access state of a secret; no values. Fields
    /// come from the secret's template, or from the secret itself when it is freely readable.
    /// </summary>
    public async Task<SecretMetadata> GetSecretAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);

        var summary = await ResolveSummaryAsync(reference, cancellationToken).ConfigureAwait(false);
        var candidate = await ToCandidateAsync(summary, cancellationToken).ConfigureAwait(false);
        var access = await GetAccessAsync(summary.Id, candidate.Flags, cancellationToken).ConfigureAwait(false);

        var (fields, reason) = await ListFieldsAsync(summary, access, cancellationToken).ConfigureAwait(false);
        return new SecretMetadata(
            summary.Id, candidate.Name, summary.FolderId ?? -1, candidate.FolderPath, candidate.Template, fields,
            candidate.Flags, access)
        {
            FieldsUnavailableReason = reason,
        };
    }

    /// <summary>Resolves a reference to one secret: its id, name and path.</summary>
    public async Task<SecretCandidate> ResolveAsync(SecretReference reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(reference);

        var summary = await ResolveSummaryAsync(reference, cancellationToken).ConfigureAwait(false);
        return await ToCandidateAsync(summary, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Secrets whose name contains <paramref name="query"/>, case-insensitively. Only names are
    /// matched, even where Secret Server's search also matches field contents: a search must never
    /// tell whether some secret holds a given value.
    /// </summary>
    public async Task<SecretSearchResult> SearchAsync(string query, int limit, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(query);

        var text = query.Trim();
        var records = await SearchRecordsAsync(text, exact: false, cancellationToken).ConfigureAwait(false);
        var matching = records
            .Where(r => (r.Name ?? "").Contains(text, StringComparison.OrdinalIgnoreCase))
            .ToList();

        var secrets = new List<SecretCandidate>();
        foreach (var record in matching.Take(limit))
        {
            secrets.Add(await ToCandidateAsync(record, cancellationToken).ConfigureAwait(false));
        }

        return new SecretSearchResult(secrets, matching.Count, matching.Count > limit);
    }

    private async Task<SecretSummaryWire> ResolveSummaryAsync(
        SecretReference reference, CancellationToken cancellationToken)
    {
        if (reference.Id is { } id)
        {
            return await SendForJsonAsync(
                ApiCall.Get($"api/v1/secrets/{Id(id)}/summary", "the secret lookup", $"secret {Id(id)}"),
                SecretServerJsonContext.Default.SecretSummaryWire, cancellationToken).ConfigureAwait(false);
        }

        var path = reference.Path!;
        var segments = path.Split('\\', StringSplitOptions.RemoveEmptyEntries);
        var subject = $"secret '{reference.Label}'";

        if (segments.Length > 1)
        {
            // Secret Server resolves a full path itself (id 0 plus secretPath).
            try
            {
                return await SendForJsonAsync(
                    ApiCall.Get($"api/v1/secrets/0/summary?secretPath={Uri.EscapeDataString(path)}",
                        "the secret lookup", subject),
                    SecretServerJsonContext.Default.SecretSummaryWire, cancellationToken).ConfigureAwait(false);
            }
            catch (SecretServerException e) when (e is SecretNotFoundException or SecretServerUnavailableException
                { UnexpectedAnswer: true })
            {
                // Not a full path from the root: it may still name a unique secret by its folder's end.
            }
        }

        // A bare name, or a path that is not complete: the secret with exactly this name, in a folder
        // whose path ends with the given folders.
        var name = segments[^1];
        var folderSuffix = segments.Length > 1 ? "\\" + string.Join('\\', segments[..^1]) : null;
        var records = await SearchRecordsAsync(name, exact: true, cancellationToken).ConfigureAwait(false);

        var candidates = new List<(SecretSummaryWire Summary, SecretCandidate Candidate)>();
        foreach (var record in records.Where(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase)))
        {
            var candidate = await ToCandidateAsync(record, cancellationToken).ConfigureAwait(false);
            if (folderSuffix is null || FolderEndsWith(candidate.FolderPath, folderSuffix))
            {
                candidates.Add((record, candidate));
            }
        }

        if (candidates.Count == 1)
        {
            return candidates[0].Summary;
        }

        if (candidates.Count > 1)
        {
            throw Ambiguous(reference, candidates.Select(c => c.Candidate).ToList());
        }

        if (segments.Length == 1)
        {
            // Search may leave out what it does not index; a secret in the root folder has this path.
            return await SendForJsonAsync(
                ApiCall.Get($"api/v1/secrets/0/summary?secretPath={Uri.EscapeDataString(path)}",
                    "the secret lookup", subject),
                SecretServerJsonContext.Default.SecretSummaryWire, cancellationToken).ConfigureAwait(false);
        }

        throw NotFound(reference);
    }

    /// <summary>
    /// What the client answers for a secret that does not exist under this reference, word for word,
    /// so a secret hidden on purpose (the policy) can be answered the same way.
    /// </summary>
    public static SecretNotFoundException NotFound(SecretReference reference)
    {
        ArgumentNullException.ThrowIfNull(reference);

        if (reference.Id is { } id)
        {
            return new SecretNotFoundException(NotFoundMessage($"secret {Id(id)}"));
        }

        // A path of several folders that is not found is searched for and reported as a path; a bare
        // name ends with Secret Server's own lookup, reported as any refused lookup is.
        var segments = reference.Path!.Split('\\', StringSplitOptions.RemoveEmptyEntries);
        return new SecretNotFoundException(segments.Length > 1
            ? $"secret '{reference.Label}' was not found, or this account may not see it. Check the path "
              + "(search_secrets lists what you can use)."
            : NotFoundMessage($"secret '{reference.Label}'"));
    }

    internal static string NotFoundMessage(string what) =>
        $"{what} was not found, or this account may not see it. Check the id or path "
        + "(search_secrets lists what you can use).";

    private static AmbiguousSecretException Ambiguous(SecretReference reference, List<SecretCandidate> candidates)
    {
        var list = new StringBuilder();
        foreach (var candidate in candidates.OrderBy(c => c.Path, StringComparer.OrdinalIgnoreCase).Take(20))
        {
            list.Append(list.Length == 0 ? "" : "; ").Append(candidate.Id).Append(' ').Append(candidate.Path);
        }

        if (candidates.Count > 20)
        {
            list.Append("; and ").Append(candidates.Count - 20).Append(" more");
        }

        return new AmbiguousSecretException(
            $"'{reference.Label}' matches {candidates.Count} secrets: {list}. Call again with the id or the full "
            + "path of the one you mean.",
            candidates);
    }

    /// <summary>Whole segments only: the suffix starts with a backslash, so "\\web" never matches "\\cobweb".</summary>
    private static bool FolderEndsWith(string folderPath, string suffix) =>
        folderPath.EndsWith(suffix, StringComparison.OrdinalIgnoreCase);

    /// <summary>All pages of a search, up to a cap. Query keys as Secret Server's own clients send them.</summary>
    private async Task<List<SecretSummaryWire>> SearchRecordsAsync(
        string text, bool exact, CancellationToken cancellationToken)
    {
        var records = new List<SecretSummaryWire>();
        var skip = 0;
        while (records.Count < MaxSearchRecords)
        {
            var uri = $"api/v1/secrets?filter.searchText={Uri.EscapeDataString(text)}"
                + $"&filter.isExactMatch={(exact ? "true" : "false")}&filter.includeRestricted=true"
                + $"&skip={Id(skip)}&take={Id(SearchPageSize)}";
            var page = await SendForJsonAsync(
                ApiCall.Get(uri, "the search", $"the search for '{text}'"),
                SecretServerJsonContext.Default.SecretSearchPageWire, cancellationToken).ConfigureAwait(false);

            var batch = page.Records ?? [];
            records.AddRange(batch);
            if (!page.HasNext || batch.Count == 0)
            {
                break;
            }

            skip = page.NextSkip is { } next && next > skip ? next : skip + batch.Count;
        }

        return records;
    }

    private async Task<SecretCandidate> ToCandidateAsync(SecretSummaryWire summary, CancellationToken cancellationToken)
    {
        var folderPath = await GetFolderPathAsync(summary.FolderId, cancellationToken).ConfigureAwait(false);
        var flags = new SecretFlags(
            summary.RequiresComment, summary.RequiresApproval, summary.CheckOutEnabled, summary.CheckedOut,
            summary.IsRestricted || summary.RequiresComment || summary.RequiresApproval || summary.CheckOutEnabled,
            summary.DoubleLockEnabled, summary.Active ?? true);
        return new SecretCandidate(summary.Id, summary.Name ?? "", folderPath, summary.SecretTemplateName ?? "", flags);
    }

    /// <summary>A folder's full path, cached: folders rarely move while serve runs.</summary>
    private async Task<string> GetFolderPathAsync(int? folderId, CancellationToken cancellationToken)
    {
        // Secrets in the root folder have no folder (null or -1, depending on the version).
        if (folderId is null or <= 0)
        {
            return "\\";
        }

        if (_folderPaths.TryGetValue(folderId.Value, out var cached))
        {
            return cached;
        }

        string path;
        try
        {
            var folder = await SendForJsonAsync(
                ApiCall.Get(
                    $"api/v1/folders/{Id(folderId.Value)}", "the folder lookup", $"folder {Id(folderId.Value)}"),
                SecretServerJsonContext.Default.FolderWire, cancellationToken).ConfigureAwait(false);
            path = SecretReference.NormalizeFolderPath(folder.FolderPath ?? folder.FolderName);
        }
        catch (SecretServerException e) when (e is SecretNotFoundException or SecretAccessDeniedException)
        {
            // A secret may be visible in a folder this account may not open; say which folder at least.
            return $"\\(folder {Id(folderId.Value)})";
        }

        _folderPaths[folderId.Value] = path;
        return path;
    }

    /// <summary>
    /// Whether this account may read the secret now (Secret Server's <c>/state</c>). Servers without
    /// that endpoint get <see cref="SecretAccess.Unknown"/>, and the flags decide.
    /// </summary>
    private async Task<SecretAccess> GetAccessAsync(
        int secretId, SecretFlags flags, CancellationToken cancellationToken)
    {
        SecretStateWire state;
        try
        {
            state = await SendForJsonAsync(
                ApiCall.Get($"api/v1/secrets/{Id(secretId)}/state", "the access check", $"secret {Id(secretId)}"),
                SecretServerJsonContext.Default.SecretStateWire, cancellationToken).ConfigureAwait(false);
        }
        catch (SecretServerException e) when (e is SecretNotFoundException
            or SecretServerUnavailableException { UnexpectedAnswer: true })
        {
            // An older server without /state, or an unknown shape: the summary's flags guide the read.
            return SecretAccess.Unknown;
        }
        catch (SecretAccessDeniedException)
        {
            return new SecretAccess(SecretAccessKind.CannotView);
        }

        if (state.IsCheckedOut && !state.IsCheckedOutByCurrentUser)
        {
            return new SecretAccess(
                SecretAccessKind.CheckedOutByOther, state.CheckedOutUserDisplayName, state.CheckOutMinutesRemaining);
        }

        var kind = state.SecretState?.Trim() switch
        {
            "None" => SecretAccessKind.Allowed,
            "RequiresComment" => SecretAccessKind.RequiresComment,
            "RequiresCheckout" => SecretAccessKind.RequiresCheckout,
            "RequiresCheckoutAndComment" => SecretAccessKind.RequiresCheckoutAndComment,
            "RequiresApproval" => SecretAccessKind.RequiresApproval,
            "RequiresCheckoutPendingRPC" => SecretAccessKind.PasswordChangePending,
            "RequiresDoubleLockPassword" or "CreateDoubleLockPassword" or "DoubleLockNoAccess" =>
                SecretAccessKind.DoubleLock,
            "CannotView" => SecretAccessKind.CannotView,
            "RequiresUndelete" => SecretAccessKind.Inactive,
            _ => SecretAccessKind.Unknown,
        };

        // Checked out by this very account already: no check-out needed, the comment rule still applies.
        if (state.IsCheckedOutByCurrentUser)
        {
            kind = kind switch
            {
                SecretAccessKind.RequiresCheckout => SecretAccessKind.Allowed,
                SecretAccessKind.RequiresCheckoutAndComment => SecretAccessKind.RequiresComment,
                _ => kind,
            };
        }

        if (kind == SecretAccessKind.Allowed && state.IsActive == false)
        {
            kind = SecretAccessKind.Inactive;
        }

        return new SecretAccess(kind, state.CheckedOutUserDisplayName, state.CheckOutMinutesRemaining);
    }

    /// <summary>
    /// The secret's fields: from its template, which needs no view of the secret; else, for a secret
    /// this account reads freely, from the secret itself (values are not even deserialised).
    /// </summary>
    private async Task<(IReadOnlyList<FieldMetadata> Fields, string? Reason)> ListFieldsAsync(
        SecretSummaryWire summary, SecretAccess access, CancellationToken cancellationToken)
    {
        if (summary.SecretTemplateId > 0)
        {
            try
            {
                var template = await SendForJsonAsync(
                    ApiCall.Get($"api/v1/secret-templates/{Id(summary.SecretTemplateId)}", "the template lookup",
                        $"template {Id(summary.SecretTemplateId)}"),
                    SecretServerJsonContext.Default.TemplateWire, cancellationToken).ConfigureAwait(false);
                var fields = (template.Fields ?? [])
                    .Where(f => !string.IsNullOrEmpty(f.FieldSlugName))
                    .Select(f => new FieldMetadata(
                        f.FieldSlugName!, f.DisplayName ?? f.Name ?? f.FieldSlugName!, f.IsPassword, f.IsFile,
                        f.IsNotes))
                    .ToList();
                if (fields.Count > 0)
                {
                    return (fields, null);
                }
            }
            catch (SecretServerException e) when (e is SecretNotFoundException or SecretAccessDeniedException
                or SecretServerUnavailableException { UnexpectedAnswer: true })
            {
                // Many accounts may not read templates; the secret itself lists its fields too.
            }
        }

        if (access.Kind is not (SecretAccessKind.Allowed or SecretAccessKind.Unknown))
        {
            return ([], $"the fields are not listed because reading this secret is restricted ({access.Describe()})");
        }

        var secret = await SendForJsonAsync(
            ApiCall.Get($"api/v1/secrets/{Id(summary.Id)}?noAutoCheckout=true", "the secret lookup",
                $"secret {Id(summary.Id)}"),
            SecretServerJsonContext.Default.SecretWire, cancellationToken).ConfigureAwait(false);
        var items = (secret.Items ?? [])
            .Where(i => !string.IsNullOrEmpty(i.Slug))
            .Select(i => new FieldMetadata(i.Slug!, i.FieldName ?? i.Slug!, i.IsPassword, i.IsFile, i.IsNotes))
            .ToList();
        return (items, null);
    }
}
