using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using ModelContextProtocol;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>
/// serve never prompts on stdio. When a tool needs Secret Server, nobody is signed in, and the MCP
/// client supports URL elicitation, the sign-in page is offered through the client instead: it opens
/// the identity provider's page in the user's browser, and the sign-in lands on this process's
/// loopback redirect (auth code + PKCE). Otherwise the tool answers "run 'secret-mcp login'".
/// </summary>
public sealed partial class SignInElicitation(
    IServiceProvider services, TimeProvider time, ILogger<SignInElicitation> logger)
{
    private static readonly TimeSpan s_signInTimeout = TimeSpan.FromMinutes(5);

    // Tools that never reach Secret Server do not need a sign-in.
    private static readonly HashSet<string> s_quietTools = new(StringComparer.Ordinal) { "cleanup", "describe_ticket" };

    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>The call-tool filter serve registers (WithRequestFilters).</summary>
    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next) => async (context, cancellationToken) =>
    {
        var elicitation = context.Services?.GetService<SignInElicitation>();
        return elicitation is null
            ? await next(context, cancellationToken).ConfigureAwait(false)
            : await elicitation.InvokeAsync(context, next, cancellationToken).ConfigureAwait(false);
    };

    private async ValueTask<CallToolResult> InvokeAsync(
        RequestContext<CallToolRequestParams> context, McpRequestHandler<CallToolRequestParams, CallToolResult> next,
        CancellationToken cancellationToken)
    {
        if (services.GetService<IdentityClient>() is { } identity && !s_quietTools.Contains(context.Params?.Name ?? "")
            && SupportsUrlElicitation(context.Server))
        {
            var problem = await EnsureSignedInAsync(identity, context.Server, cancellationToken).ConfigureAwait(false);
            if (problem is not null)
            {
                return new CallToolResult { IsError = true, Content = [new TextContentBlock { Text = problem }] };
            }
        }

        return await next(context, cancellationToken).ConfigureAwait(false);
    }

    private static bool SupportsUrlElicitation(McpServer server) =>
        server.ClientCapabilities?.Elicitation?.Url is not null;

    /// <summary>Null when signed in (already, or now); else what the agent should tell the user.</summary>
    private async Task<string?> EnsureSignedInAsync(
        IdentityClient identity, McpServer server, CancellationToken cancellationToken)
    {
        if (await IsSignedInAsync(identity, cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another call may have completed the sign-in while this one waited.
            if (await IsSignedInAsync(identity, cancellationToken).ConfigureAwait(false))
            {
                return null;
            }

            return await SignInThroughClientAsync(identity, server, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private static async Task<bool> IsSignedInAsync(IdentityClient identity, CancellationToken cancellationToken)
    {
        try
        {
            await identity.GetTokenAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }
        catch (NotSignedInException)
        {
            return false;
        }
        catch (SecretServerUnavailableException)
        {
            // The provider is unreachable: a sign-in page would not help; the tool reports the real problem.
            return true;
        }
    }

    private async Task<string?> SignInThroughClientAsync(
        IdentityClient identity, McpServer server, CancellationToken cancellationToken)
    {
        using var signIn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        signIn.CancelAfter(s_signInTimeout);
        var elicitationId = "sign-in-" + Guid.NewGuid().ToString("N")[..12];
        var declined = false;

        LogOffering(logger, elicitationId);
        var started = time.GetTimestamp();
        try
        {
            await identity.SignInInteractiveAsync((address, _) =>
            {
                // MSAL listens on its loopback redirect once this returns, so the client's answer is awaited
                // in the background: a decline cancels the sign-in.
                var answer = server.ElicitAsync(new ElicitRequestParams
                {
                    Mode = "url",
                    ElicitationId = elicitationId,
                    Url = address.AbsoluteUri,
                    Message = "secret-mcp needs you to sign in to your organisation's identity provider before it can "
                        + "read secrets from Secret Server. Open the sign-in page?",
                }, signIn.Token);
                Watch(answer.AsTask(), () =>
                {
                    declined = true;
                    try
                    {
                        signIn.Cancel();
                    }
                    catch (ObjectDisposedException)
                    {
                        // The sign-in already finished.
                    }
                });
                return Task.CompletedTask;
            }, signIn.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is OperationCanceledException or SecretServerException or McpException)
        {
            LogNotCompleted(logger, elicitationId, e.GetType().Name);
            return declined
                ? "not signed in: the user declined to sign in. Ask the user to run 'secret-mcp login' in a "
                    + "terminal, then try again."
                : IdentityClient.NotSignedInMessage;
        }

        LogSignedIn(logger, elicitationId, time.GetElapsedTime(started).TotalSeconds);
        await server.SendNotificationAsync(NotificationMethods.ElicitationCompleteNotification,
            new ElicitationCompleteNotificationParams { ElicitationId = elicitationId },
            McpJsonUtilities.DefaultOptions,
            cancellationToken).ConfigureAwait(false);
        return null;
    }

    private static void Watch(Task<ElicitResult> answer, Action onDeclined) => _ = WatchAnswerAsync(answer, onDeclined);

    private static async Task WatchAnswerAsync(Task<ElicitResult> answer, Action onDeclined)
    {
        try
        {
            var result = await answer.ConfigureAwait(false);
            if (!result.IsAccepted)
            {
                onDeclined();
            }
        }
        catch (Exception e) when (e is McpException or OperationCanceledException or InvalidOperationException)
        {
            onDeclined();
        }
    }

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Not signed in; offering the sign-in page through URL elicitation {ElicitationId}")]
    private static partial void LogOffering(ILogger logger, string elicitationId);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Sign-in through elicitation {ElicitationId} did not complete ({Reason})")]
    private static partial void LogNotCompleted(ILogger logger, string elicitationId, string reason);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Signed in through elicitation {ElicitationId} after {Seconds:0.0} s")]
    private static partial void LogSignedIn(ILogger logger, string elicitationId, double seconds);
}
