using System.Globalization;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

// Search, search-total and lookup with Secret Server's filters and paging envelope (reference 3.1, 3.2).
internal static partial class SecretServerEndpoints
{
    /// <summary>ASSUMED: Secret Server's default page size is not documented; clients pass take.</summary>
    private const int DefaultTake = 10;

    private static void MapSearch(IEndpointRouteBuilder app, VaultState state)
    {
        foreach (var version in new[] { "v1", "v2" })
        {
            app.MapGet($"/api/{version}/secrets", context => WithUserAsync(context, state, user =>
                WriteJsonAsync(context, 200,
                    Page(context, Search(context, state, user).Select(s => Summary(state, s)).ToList(), "name"),
                    DevVaultJsonContext.Default.PagingResponseSecretSummaryResponse)));
            app.MapGet($"/api/{version}/secrets/search-total", context => WithUserAsync(context, state, user =>
                WriteJsonAsync(context, 200, Search(context, state, user).Count(), DevVaultJsonContext.Default.Int32)));
        }

        app.MapGet("/api/v1/secrets/lookup", context => WithUserAsync(context, state, user =>
        {
            var records = Search(context, state, user)
                .Select(s => new LookupRecord
                {
                    Id = s.Id,
                    // The value the PowerShell module parses: "<folderId> - <templateId> - <name>".
                    Value = string.Create(CultureInfo.InvariantCulture, $"{s.FolderId} - {s.Template.Id} - {s.Name}"),
                })
                .ToList();
            return WriteJsonAsync(context, 200, Page(context, records, "name"),
                DevVaultJsonContext.Default.PagingResponseLookupRecord);
        }));
    }

    /// <summary>The secrets the filters select, that the user may at least list, sorted.</summary>
    private static IEnumerable<StoredSecret> Search(HttpContext context, VaultState state, VaultUser user)
    {
        var text = GetQuery(context, "filter.searchText");
        var exact = GetBool(context, "filter.isExactMatch");
        var fieldName = GetQuery(context, "filter.searchField");
        var fieldSlug = GetQuery(context, "filter.searchFieldSlug");
        var folderId = GetInt(context, "filter.folderId");
        var subFolders = GetBool(context, "filter.includeSubFolders");
        var includeRestricted = GetBool(context, "filter.includeRestricted");
        var includeInactive = GetBool(context, "filter.includeInactive");
        var templateId = GetInt(context, "filter.secretTemplateId");

        var selected = state.Secrets.Where(s =>
            state.PermissionOf(s, user.Username) >= SeedPermission.List
            && (s.Active || includeInactive)
            && (includeRestricted || !(s.RequiresComment || s.RequiresApproval))
            && (templateId is null || s.Template.Id == templateId)
            && (folderId is null || InFolder(state, s, folderId.Value, subFolders))
            && (string.IsNullOrEmpty(text) || MatchesText(s, text, exact, fieldName, fieldSlug)));

        var sortName = GetQuery(context, "sortBy[0].name") ?? "name";
        var descending = string.Equals(
            GetQuery(context, "sortBy[0].direction"), "Desc", StringComparison.OrdinalIgnoreCase);
        var sorted = string.Equals(sortName, "id", StringComparison.OrdinalIgnoreCase)
            ? selected.OrderBy(s => s.Id)
            : selected.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase).ThenBy(s => s.Id);
        return descending ? sorted.Reverse() : sorted;
    }

    /// <summary>
    /// searchText matches the name and the searchable (not password, not file) field values, as
    /// Secret Server's search does; searchField / searchFieldSlug narrow it to one field.
    /// </summary>
    private static bool MatchesText(StoredSecret secret, string text, bool exact, string? fieldName, string? fieldSlug)
    {
        bool Match(string candidate) => exact
            ? string.Equals(candidate, text, StringComparison.OrdinalIgnoreCase)
            : candidate.Contains(text, StringComparison.OrdinalIgnoreCase);

        var searchable = secret.Fields.Where(f => !f.IsPassword && !f.IsFile).ToList();
        if (!string.IsNullOrEmpty(fieldSlug) || !string.IsNullOrEmpty(fieldName))
        {
            var field = !string.IsNullOrEmpty(fieldSlug)
                ? searchable.FirstOrDefault(f => string.Equals(f.Slug, fieldSlug, StringComparison.OrdinalIgnoreCase))
                : searchable.FirstOrDefault(f => string.Equals(f.Name, fieldName, StringComparison.OrdinalIgnoreCase));

            // Some clients search names with searchField=Name when the template has no such field.
            if (field is null && string.Equals(fieldName, "Name", StringComparison.OrdinalIgnoreCase))
            {
                return Match(secret.Name);
            }

            return field is not null && Match(Encoding.UTF8.GetString(field.Value));
        }

        return Match(secret.Name) || searchable.Any(f => Match(Encoding.UTF8.GetString(f.Value)));
    }

    private static bool InFolder(VaultState state, StoredSecret secret, int folderId, bool subFolders)
    {
        if (secret.FolderId == folderId)
        {
            return true;
        }

        if (!subFolders || state.FindFolder(folderId) is not { } folder)
        {
            return false;
        }

        return secret.Path.StartsWith(folder.Path + "\\", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>One page of <paramref name="all"/> in Secret Server's paging envelope (skip, take from the query).</summary>
    private static PagingResponse<T> Page<T>(
        HttpContext context, List<T> all, string sortedBy, string direction = "Asc")
    {
        var skip = Math.Max(GetInt(context, "skip") ?? 0, 0);
        var take = GetInt(context, "take") is { } t && t > 0 ? t : DefaultTake;
        var records = all.Skip(skip).Take(take).ToList();
        var pageCount = all.Count == 0 ? 0 : (int)Math.Ceiling(all.Count / (double)take);
        var hasNext = skip + records.Count < all.Count;
        return new PagingResponse<T>
        {
            Records = records,
            Total = all.Count,
            Skip = skip,
            Take = take,
            BatchCount = pageCount,
            PageCount = pageCount,
            CurrentPage = skip / take + 1,
            HasNext = hasNext,
            HasPrev = skip > 0,
            NextSkip = hasNext ? skip + take : 0,
            PrevSkip = Math.Max(skip - take, 0),
            SortBy = [new SortResponse { Name = sortedBy, Direction = direction }],
        };
    }
}
