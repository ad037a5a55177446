using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using SecretMcp.Auth;
using SecretMcp.Config;
using SecretMcp.Hosting;
using SecretMcp.SecretServer;

namespace SecretMcp.Cli;

/// <summary>What login, logout and status share: the settings and the same sign-in services serve uses.</summary>
internal sealed class SignInContext : IAsyncDisposable
{
    private readonly ILoggerFactory _loggerFactory;
    private readonly ServiceProvider _services;

    private SignInContext(AuthSettings settings, ILoggerFactory loggerFactory, ServiceProvider services)
    {
        Settings = settings;
        _loggerFactory = loggerFactory;
        _services = services;
    }

    public AuthSettings Settings { get; }

    public IServiceProvider Services => _services;

    public string ProviderName => AuthSettings.ProviderName(Settings.Provider);

    /// <param name="interactive">For login: the password is typed, so one from the environment is ignored.</param>
    public static SignInContext Create(bool interactive = false)
    {
        var settings = AuthSettings.Read(LoadConfig().Lookup);
        var secrets = AuthSecrets.FromEnvironment(settings);
        if (interactive)
        {
            secrets = secrets with { Password = null };
        }

        var loggerFactory = StderrLogging.CreateFactory(LogLevel.Warning);
        try
        {
            var services = new ServiceCollection();
            services.AddSingleton(loggerFactory);
            services.AddSingleton(typeof(ILogger<>), typeof(Logger<>));
            services.AddHttpClient(SecretServerClient.HttpClientName, http => http.Timeout = TimeSpan.FromSeconds(30));
            services.AddSecretServerSignIn(settings, secrets);
            return new SignInContext(settings, loggerFactory, services.BuildServiceProvider());
        }
        catch
        {
            loggerFactory.Dispose();
            throw;
        }
    }

    /// <summary>The config file with SECRET_MCP__ overrides, as serve reads it; its problems name their keys.</summary>
    private static SecretMcpSettings LoadConfig()
    {
        try
        {
            return SecretMcpConfig.Load();
        }
        catch (ConfigException e)
        {
            throw new ConfigurationProblemException(e.Message);
        }
    }

    public T Get<T>()
        where T : notnull => _services.GetRequiredService<T>();

    public T? Find<T>() => _services.GetService<T>();

    public async ValueTask DisposeAsync()
    {
        await _services.DisposeAsync().ConfigureAwait(false);
        _loggerFactory.Dispose();
    }

    /// <summary>Maps a sign-in failure to one line on stderr and an exit code.</summary>
    public static int Fail(Exception e) => e switch
    {
        SecretServerUnavailableException => FailWith(e.Message, ExitCodes.SecretServerUnavailable),
        _ => FailWith(e.Message, ExitCodes.NotSignedInOrConfig),
    };

    private static int FailWith(string message, int code)
    {
        CommandLine.Fail(message);
        return code;
    }
}
