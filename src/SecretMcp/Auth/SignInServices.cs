using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using SecretMcp.SecretServer;

namespace SecretMcp.Auth;

/// <summary>Registers the session provider the settings choose, and what it needs, for serve and the CLI.</summary>
public static class SignInServices
{
    public static IServiceCollection AddSecretServerSignIn(
        this IServiceCollection services, AuthSettings settings, AuthSecrets secrets)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentNullException.ThrowIfNull(secrets);

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(settings);

        // Reads the dev certificate now, so a wrong path stops the start with a message naming the key.
        services.AddSingleton(new DevCertificateTrust(settings.DevCertificate));
        services.AddHttpClient(TokenExchangeSession.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30))
            .ConfigurePrimaryHttpMessageHandler(provider => Get<DevCertificateTrust>(provider).CreateHandler());
        services.AddSingleton<TokenCacheStore>();
        services.AddSingleton<SignInElicitation>();

        // The transport (SecretServer/SecretServerTransport) may already have set the normalised base
        // address; it wins over the raw setting.
        var secretServer = services.AddHttpClient(SecretServerClient.HttpClientName, http =>
            http.BaseAddress ??= settings.SecretServerBaseUrl ?? VaultRouteHandler.Placeholder);

        if (settings.Problem() is { } problem)
        {
            var nothingConfigured = settings.SecretServerBaseUrl is null && settings.PlatformUrl is null;
            services.AddSingleton<ISecretServerSession>(new UnavailableSession(nothingConfigured
                ? "secret-mcp is not connected to Secret Server: start it with 'serve --dev' for the built-in "
                    + "dev vault, or configure the sign-in: " + problem
                : "not signed in: " + problem));
            return services;
        }

        switch (settings.Provider)
        {
            case SessionProviderKind.TokenExchange:
                services.AddSingleton<IdentityClient>();
                services.AddSingleton<TokenExchangeSession>();
                services.AddSingleton<ISecretServerSession>(Get<TokenExchangeSession>);
                break;
            case SessionProviderKind.Bearer:
                services.AddSingleton<IdentityClient>();
                services.AddSingleton(provider => new MsalBearerSession(
                    Get<IdentityClient>(provider), Get<TimeProvider>(provider)));
                services.AddSingleton<ISecretServerSession>(Get<MsalBearerSession>);
                break;
            case SessionProviderKind.Platform:
                services.AddSingleton(provider => new PlatformSession(
                    Get<IHttpClientFactory>(provider), settings, secrets.PlatformClientSecret,
                    Get<TimeProvider>(provider), Get<ILogger<PlatformSession>>(provider)));
                services.AddSingleton<ISecretServerSession>(Get<PlatformSession>);
                secretServer.AddHttpMessageHandler(provider => new VaultRouteHandler(Get<PlatformSession>(provider)));
                break;
            case SessionProviderKind.Token:
                services.AddSingleton<ISecretServerSession>(
                    new StaticTokenSession(secrets.Token, settings.TokenVariable));
                break;
            default:
                services.AddSingleton(provider => new PasswordGrantSession(
                    Get<IHttpClientFactory>(provider),
                    new PasswordAccount(settings.SecretServerBaseUrl!, settings.Username!, settings.Domain),
                    secrets.Password, Get<TokenCacheStore>(provider), Get<TimeProvider>(provider),
                    Get<ILogger<PasswordGrantSession>>(provider)));
                services.AddSingleton<ISecretServerSession>(Get<PasswordGrantSession>);
                break;
        }

        return services;
    }

    private static T Get<T>(IServiceProvider provider)
        where T : notnull => provider.GetRequiredService<T>();
}
