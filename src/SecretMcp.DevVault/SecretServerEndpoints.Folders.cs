using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;

namespace SecretMcp.DevVault;

// Folders by id and by path (reference 3.4), and secret templates (their fields, without any secret).
internal static partial class SecretServerEndpoints
{
    private static void MapFolders(IEndpointRouteBuilder app, VaultState state)
    {
        app.MapGet("/api/v1/folders/{id}", context => WithUserAsync(context, state, _ =>
        {
            var id = int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.AllowLeadingSign,
                CultureInfo.InvariantCulture, out var parsed) ? parsed : -2;
            var folder = id == 0 ? state.FindFolderByPath(GetQuery(context, "folderPath")) : state.FindFolder(id);
            if (folder is null)
            {
                // The reference has no code for an unknown folder; Secret Server's general refusal is used.
                return WriteAccessDeniedAsync(context);
            }

            return WriteJsonAsync(context, 200, Folder(state, folder, GetBool(context, "getAllChildren")),
                DevVaultJsonContext.Default.FolderResponse);
        }));

        app.MapGet("/api/v1/secret-templates/{id}", context => WithUserAsync(context, state, user =>
        {
            var id = int.TryParse(context.Request.RouteValues["id"] as string, NumberStyles.None,
                CultureInfo.InvariantCulture, out var parsed) ? parsed : 0;
            var template = state.FindTemplate(id);
            if (template is null || !user.CanViewTemplates)
            {
                return WriteAccessDeniedAsync(context);
            }

            var response = new TemplateResponse
            {
                Id = template.Id,
                Name = template.Name,
                ConcurrencyId = Guid.Empty.ToString(),
                Fields = template.Fields.Select((f, i) => new TemplateFieldResponse
                {
                    SecretTemplateFieldId = f.Id,
                    FieldSlugName = f.Slug,
                    DisplayName = f.Name,
                    Name = f.Name,
                    IsPassword = f.IsPassword,
                    IsFile = f.IsFile,
                    IsNotes = f.IsNotes,
                    IsIndexable = !f.IsPassword && !f.IsFile,
                    HideOnView = f.IsPassword,
                    MustEncrypt = f.IsPassword,
                    SortOrder = i + 1,
                }).ToList(),
            };
            return WriteJsonAsync(context, 200, response, DevVaultJsonContext.Default.TemplateResponse);
        }));
    }

    private static FolderResponse Folder(VaultState state, VaultFolder folder, bool withChildren) => new()
    {
        Id = folder.Id,
        FolderName = folder.Name,
        FolderPath = folder.Path,
        ParentFolderId = folder.ParentId,
        ChildFolders = withChildren ? state.ChildFolders(folder.Id).Select(c => Folder(state, c, true)).ToList() : null,
        SecretTemplates = withChildren
            ? state.Secrets.Where(s => s.FolderId == folder.Id).Select(s => s.Template).Distinct()
                .Select(t => new TemplateSummaryResponse { Id = t.Id, Name = t.Name }).ToList()
            : null,
    };
}
