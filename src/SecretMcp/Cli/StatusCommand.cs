using System.CommandLine;
using System.Net.Http.Headers;
using SecretMcp.Auth;
using SecretMcp.Hosting;
using SecretMcp.SecretServer;

namespace SecretMcp.Cli;

/// <summary>
/// secret-mcp status: who is signed in, through which provider, until when, and whether Secret
/// Server answers and takes the session. Never prints a token. Signs in silently at most.
/// </summary>
internal static class StatusCommand
{
    public static Command Create()
    {
        var command = new Command("status",
            "Show who is signed in, how, until when, and whether Secret Server answers.");
        command.SetAction(async (_, cancellationToken) =>
        {
            try
            {
                await using var context = SignInContext.Create();
                return await ShowAsync(context, cancellationToken).ConfigureAwait(false);
            }
            catch (ConfigurationProblemException e)
            {
                CommandLine.Fail(e.Message);
                return ExitCodes.NotSignedInOrConfig;
            }
        });
        return command;
    }

    private static async Task<int> ShowAsync(SignInContext context, CancellationToken cancellationToken)
    {
        var settings = context.Settings;
        Line("provider", context.ProviderName + (settings.Provider == SessionProviderKind.Platform
            ? " (Secret Server audits the service user, not you)"
            : ""));
        if (settings.Problem() is { } problem)
        {
            Line("configuration", problem);
            return ExitCodes.NotSignedInOrConfig;
        }

        var exit = ExitCodes.Ok;
        if (context.Find<IdentityClient>() is { } identity)
        {
            Line("identity provider", settings.Authority!.ToString());
            try
            {
                var token = await identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
                Line("signed in as", token.Username);
                Line("identity token", "valid until " + LoginCommand.Time(token.ExpiresOn));
            }
            catch (SecretServerException e)
            {
                Line("signed in as", "nobody (" + ForThePerson(e.Message) + ")");
                exit = ExitCodes.NotSignedInOrConfig;
            }

            Line("sign-in kept in", context.Get<TokenCacheStore>().Describe());
        }

        var http = context.Get<IHttpClientFactory>().CreateClient(SecretServerClient.HttpClientName);
        var where = settings.SecretServerBaseUrl?.ToString()
            ?? (context.Find<PlatformSession>() is { } platform
                ? await Describe(() => platform.GetVaultAsync(cancellationToken).AsTask()).ConfigureAwait(false)
                : "(not configured)");
        Line("secret server", where);
        Line("secret server answers", await HealthAsync(http, cancellationToken).ConfigureAwait(false));

        if (exit != ExitCodes.Ok)
        {
            return exit;
        }

        try
        {
            var session = context.Get<ISecretServerSession>();
            var token = await session.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
            var (who, expires) = Describe(context);
            if (who is not null)
            {
                Line("session for", who);
            }

            Line("session", await AcceptedAsync(http, token, cancellationToken).ConfigureAwait(false)
                + (expires is { } at ? ", valid until " + LoginCommand.Time(at) : ""));
        }
        catch (SecretServerException e)
        {
            Line("session", "none: " + ForThePerson(e.Message));
            return e is SecretServerUnavailableException
                ? ExitCodes.SecretServerUnavailable
                : ExitCodes.NotSignedInOrConfig;
        }

        return ExitCodes.Ok;
    }

    private static (string? Who, DateTimeOffset? Expires) Describe(SignInContext context)
    {
        if (context.Find<PasswordGrantSession>() is { Current: { } password })
        {
            return (password.Who, password.ExpiresAt);
        }

        var current = context.Find<TokenExchangeSession>()?.Current
            ?? context.Find<MsalBearerSession>()?.Current
            ?? context.Find<PlatformSession>()?.Current;
        return (current?.Who, current?.ExpiresAt);
    }

    private static async Task<string> HealthAsync(HttpClient http, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await http.GetAsync("api/v1/healthcheck", cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode ? "yes" : $"HTTP {(int)response.StatusCode}";
        }
        catch (HttpRequestException e)
        {
            return $"no ({e.HttpRequestError})";
        }
        catch (SecretServerException e)
        {
            return "no (" + e.Message + ")";
        }
    }

    private static async Task<string> AcceptedAsync(HttpClient http, string token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "api/v1/version");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        try
        {
            using var response = await http.SendAsync(request, cancellationToken).ConfigureAwait(false);
            return response.IsSuccessStatusCode
                ? "accepted by Secret Server"
                : $"refused by Secret Server (HTTP {(int)response.StatusCode})";
        }
        catch (HttpRequestException e)
        {
            return $"not checked: Secret Server did not answer ({e.HttpRequestError})";
        }
    }

    private static async Task<string> Describe(Func<Task<Uri>> find)
    {
        try
        {
            return (await find().ConfigureAwait(false)) + " (from Platform vault discovery)";
        }
        catch (SecretServerException e)
        {
            return "unknown: " + e.Message;
        }
    }

    /// <summary>Messages written for the agent say "ask the user to run"; here the user reads them.</summary>
    private static string ForThePerson(string message) =>
        message.Replace("ask the user to run", "run", StringComparison.Ordinal);

    private static void Line(string key, string value) => Console.Out.WriteLine($"{key + ":",-24}{value}");
}
