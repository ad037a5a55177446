using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace SecretMcp.DevVault.Identity;

/// <summary>The few HTML pages a browser sees: sign-in, device code entry, and the form_post hand-back.</summary>
internal static class IdentityPages
{
    public static string SignIn(string action, string requestId, string? problem) => Page("Sign in",
        $"""
        <p>Dev identity provider for secret-mcp. Sign in as a user of the dev vault.</p>
        {ProblemLine(problem)}
        <form method="post" action="{Encode(action)}">
          <input type="hidden" name="request" value="{Encode(requestId)}">
          <label>User <input name="username" autocomplete="username"></label>
          <label>Password <input type="password" name="password" autocomplete="current-password"></label>
          <button type="submit">Sign in</button>
        </form>
        """);

    public static string DeviceLogin(string? problem) => Page("Enter code",
        $"""
        <p>Enter the code shown by secret-mcp, then sign in as a user of the dev vault.</p>
        {ProblemLine(problem)}
        <form method="post" action="/devicelogin">
          <label>Code <input name="user_code"></label>
          <label>User <input name="username" autocomplete="username"></label>
          <label>Password <input type="password" name="password" autocomplete="current-password"></label>
          <button type="submit">Continue</button>
        </form>
        """);

    public static string Done() => Page("Signed in", "<p>You are signed in. Return to your terminal.</p>");

    public static string Problem(string message) => Page("Sign-in problem", ProblemLine(message));

    /// <summary>response_mode=form_post: the browser posts the code back to the app's loopback listener.</summary>
    public static string FormPost(string redirectUri, IEnumerable<KeyValuePair<string, string>> fields)
    {
        var inputs = new StringBuilder();
        foreach (var (name, value) in fields)
        {
            inputs.Append($"""<input type="hidden" name="{Encode(name)}" value="{Encode(value)}">""");
        }

        return Page("Signing in",
            $"""
            <form method="post" action="{Encode(redirectUri)}">{inputs}
            <noscript><button>Continue</button></noscript></form>
            <script>document.forms[0].submit();</script>
            """);
    }

    public static async Task WriteAsync(HttpContext context, int status, string html)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/html; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await context.Response.WriteAsync(html, context.RequestAborted).ConfigureAwait(false);
    }

    private static string Page(string title, string body) =>
        $"""
        <!doctype html>
        <html><head><meta charset="utf-8"><title>{Encode(title)} - secret-mcp dev identity provider</title></head>
        <body><h1>{Encode(title)}</h1>
        {body}
        </body></html>
        """;

    private static string ProblemLine(string? problem) =>
        problem is null ? "" : $"""<p class="problem">{Encode(problem)}</p>""";

    private static string Encode(string text) => WebUtility.HtmlEncode(text);
}
