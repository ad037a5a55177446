using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Http.Resilience;
using Polly;

namespace SecretMcp.SecretServer;

/// <summary>
/// The HTTP stack for Secret Server: a named client from IHttpClientFactory with timeouts, bounded
/// retries (reads and token grants only) that honour Retry-After, TLS verification that cannot be
/// turned off (a CA bundle may replace the system CAs), and the environment's proxy settings.
/// Nothing in this stack logs a header or a body: the factory's request loggers are removed.
/// </summary>
public static class SecretServerTransport
{
    /// <summary>Marks a POST as safe to retry (token grants); GET and HEAD always are.</summary>
    public static readonly HttpRequestOptionsKey<bool> Retryable = new("secret-mcp.retryable");

    /// <summary>
    /// Registers the named client <see cref="SecretServerClient.HttpClientName"/>. The proxy variables
    /// come from <paramref name="environment"/> (the process environment when null).
    /// </summary>
    /// <exception cref="SecretServerConfigurationException">The CA bundle or proxy setting is unusable.</exception>
    public static IHttpClientBuilder AddSecretServerHttpClient(
        this IServiceCollection services, SecretServerOptions options, Func<string, string?>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(options);

        // Read the bundle and proxy now, so a bad setting stops serve at start and not at the first call.
        var trust = ServerCertificateTrust.Create(options.CaBundlePath);
        var proxy = EnvironmentProxy.Create(options, environment);

        var builder = services.AddHttpClient(SecretServerClient.HttpClientName, http =>
        {
            http.BaseAddress = options.BaseUri;

            // The resilience pipeline owns the timeouts; this is only a backstop.
            http.Timeout = options.TotalTimeout + TimeSpan.FromSeconds(5);
            http.DefaultRequestHeaders.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("secret-mcp", "1"));
        });

        builder.RemoveAllLoggers();
        builder.ConfigurePrimaryHttpMessageHandler(() => CreatePrimaryHandler(options, trust, proxy));
        builder.AddResilienceHandler("secret-server", pipeline =>
        {
            pipeline.AddTimeout(options.TotalTimeout);
            pipeline.AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.RetryBaseDelay,
                MaxDelay = options.MaxRetryDelay,
                ShouldRetryAfterHeader = false,
                DelayGenerator = args => ValueTask.FromResult(RetryAfter(args.Outcome.Result, options)),
                ShouldHandle = args => ValueTask.FromResult(
                    options.MaxRetries > 0
                    && IsRetryable(args.Context.GetRequestMessage())
                    && HttpClientResiliencePredicates.IsTransient(args.Outcome)),
            });
            pipeline.AddTimeout(options.AttemptTimeout);
        });

        // Inside the retries: reading the whole body there turns a cut-off answer into a retryable error.
        builder.AddHttpMessageHandler(() => new ResponseBufferingHandler(options.MaxResponseBytes));
        return builder;
    }

    private static SocketsHttpHandler CreatePrimaryHandler(
        SecretServerOptions options, ServerCertificateTrust trust, EnvironmentProxy? proxy)
    {
        var handler = new SocketsHttpHandler
        {
            ConnectTimeout = options.ConnectTimeout,
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            // A redirect from an API is a misconfiguration (a login page, a wrong path): report it.
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
            UseCookies = false,
            UseProxy = proxy is not null,
            Proxy = proxy,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = trust.Validate;
        return handler;
    }

    private static bool IsRetryable(HttpRequestMessage? request) =>
        request is not null
        && (request.Method == HttpMethod.Get || request.Method == HttpMethod.Head
            || (request.Options.TryGetValue(Retryable, out var marked) && marked));

    /// <summary>Secret Server's Retry-After (seconds or a date), capped; null falls back to the backoff.</summary>
    private static TimeSpan? RetryAfter(HttpResponseMessage? response, SecretServerOptions options)
    {
        var header = response?.Headers.RetryAfter;
        TimeSpan? wait = header?.Delta;
        if (wait is null && header?.Date is { } date)
        {
            wait = date - DateTimeOffset.UtcNow;
        }

        if (wait is null && response?.Headers.TryGetValues("Retry-After", out var raw) == true
            && double.TryParse(raw.FirstOrDefault(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            wait = TimeSpan.FromSeconds(seconds);
        }

        if (wait is null)
        {
            return null;
        }

        return wait.Value < TimeSpan.Zero ? TimeSpan.Zero
            : wait.Value > options.MaxRetryDelay ? options.MaxRetryDelay
            : wait.Value;
    }
}
