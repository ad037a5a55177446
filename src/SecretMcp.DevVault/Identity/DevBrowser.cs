using System.Net;
using System.Text.RegularExpressions;

namespace SecretMcp.DevVault.Identity;

/// <summary>
/// A stand-in for the system browser in tests: GET the authorize page, post the sign-in form, then
/// post the form_post page's fields to the app's loopback redirect, as a browser's script would.
/// </summary>
internal static partial class DevBrowser
{
    public static async Task SignInAsync(
        DevIdentityProvider provider, Uri authorizeUri, string username, string password,
        CancellationToken cancellationToken)
    {
        using var idp = provider.CreateTrustingClient();
        var page = await idp.GetStringAsync(authorizeUri, cancellationToken).ConfigureAwait(false);
        var (action, fields) = ReadForm(page);
        fields["username"] = username;
        fields["password"] = password;

        using var credentials = new FormUrlEncodedContent(fields);
        using var signIn = await idp.PostAsync(new Uri(authorizeUri, action), credentials, cancellationToken)
            .ConfigureAwait(false);
        using var loopback = new HttpClient();
        if (signIn.StatusCode == HttpStatusCode.Redirect)
        {
            var location = signIn.Headers.Location;
            await SendWithRetriesAsync(() => loopback.GetAsync(location, cancellationToken), cancellationToken)
                .ConfigureAwait(false);
            return;
        }

        var handBack = await signIn.Content.ReadAsStringAsync(cancellationToken).ConfigureAwait(false);
        var (redirect, codeFields) = ReadForm(handBack);
        if (!codeFields.ContainsKey("code"))
        {
            throw new InvalidOperationException(
                "The dev identity provider did not sign the user in: " + ProblemOf(handBack));
        }

        // The app starts listening only after it asked to open the browser, so a first try may be early.
        await SendWithRetriesAsync(
            () => loopback.PostAsync(redirect, new FormUrlEncodedContent(codeFields), cancellationToken),
            cancellationToken).ConfigureAwait(false);
    }

    private static async Task SendWithRetriesAsync(
        Func<Task<HttpResponseMessage>> send, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var response = await send().ConfigureAwait(false);
                return;
            }
            catch (HttpRequestException) when (attempt < 50)
            {
                await Task.Delay(100, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private static (string Action, Dictionary<string, string> Fields) ReadForm(string html)
    {
        var form = FormPattern().Match(html);
        if (!form.Success)
        {
            throw new InvalidOperationException("The page has no form: " + ProblemOf(html));
        }

        var fields = InputPattern().Matches(html).ToDictionary(
            m => WebUtility.HtmlDecode(m.Groups["name"].Value),
            m => WebUtility.HtmlDecode(m.Groups["value"].Value));
        return (WebUtility.HtmlDecode(form.Groups["action"].Value), fields);
    }

    private static string ProblemOf(string html) =>
        ProblemPattern().Match(html) is { Success: true } match ? match.Groups[1].Value : "(no reason given)";

    [GeneratedRegex("<form method=\"post\" action=\"(?<action>[^\"]*)\"")]
    private static partial Regex FormPattern();

    [GeneratedRegex("<input type=\"hidden\" name=\"(?<name>[^\"]*)\" value=\"(?<value>[^\"]*)\">")]
    private static partial Regex InputPattern();

    [GeneratedRegex("<p class=\"problem\">([^<]*)</p>")]
    private static partial Regex ProblemPattern();
}
