using System.Text.Json.Serialization;
using System.Text.RegularExpressions;

namespace SecretMcp.DevVault;

/// <summary>
/// A fault the dev vault injects into matching requests, from the seed file (<c>faults</c>) or the
/// test API, so clients can be tested against what real networks and servers do.
/// </summary>
public sealed class DevVaultFault
{
    /// <summary>A path pattern after the base (and after <c>/SecretServer</c>); <c>*</c> matches anything.</summary>
    public string Path { get; set; } = "*";

    /// <summary>The HTTP method to match; any when null.</summary>
    public string? Method { get; init; }

    public DevVaultFaultKind Kind { get; set; } = DevVaultFaultKind.Status;

    /// <summary>
    /// The status of a <see cref="DevVaultFaultKind.Status"/> fault (default 503) or of an HTML answer (default 200).
    /// </summary>
    public int? Status { get; init; }

    /// <summary>Sent as <c>Retry-After</c> (seconds) with a status fault.</summary>
    public int? RetryAfterSeconds { get; init; }

    /// <summary>For <see cref="DevVaultFaultKind.Latency"/>: how long to wait before answering normally.</summary>
    public int DelayMilliseconds { get; init; }

    /// <summary>Matching requests to let through before the fault starts.</summary>
    public int Skip { get; init; }

    /// <summary>How many matching requests the fault hits; every one when null.</summary>
    public int? Times { get; init; }

    internal string? Validate()
    {
        if (Skip < 0 || Times is < 0 || DelayMilliseconds < 0 || RetryAfterSeconds is < 0)
        {
            return "skip, times, delayMilliseconds and retryAfterSeconds cannot be negative.";
        }

        if (Status is < 200 or > 599)
        {
            return "status must be an HTTP status from 200 to 599.";
        }

        return null;
    }

    internal bool Matches(string method, string path) =>
        (Method is null || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase))
        && Regex.IsMatch(path, "^" + Regex.Escape(Path).Replace("\\*", ".*", StringComparison.Ordinal) + "$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
}

[JsonConverter(typeof(JsonStringEnumConverter<DevVaultFaultKind>))]
public enum DevVaultFaultKind
{
    /// <summary>Answer with <see cref="DevVaultFault.Status"/> (5xx, 429, ...) and Secret Server's error body.</summary>
    Status,

    /// <summary>Wait <see cref="DevVaultFault.DelayMilliseconds"/>, then answer normally.</summary>
    Latency,

    /// <summary>Answer with an HTML login page (status 200 unless set), as a proxy or a wrong base URL does.</summary>
    Html,

    /// <summary>Redirect to an HTML login page, as single sign-on in front of the API does.</summary>
    Redirect,

    /// <summary>Promise a longer body than is sent, then close the connection.</summary>
    Truncated,

    /// <summary>Close the connection without answering.</summary>
    Reset,

    /// <summary>Treat the request's access token as expired: 403 with the stale-token message.</summary>
    ExpiredToken,
}

/// <summary>One request the vault answered: method, path and status only, never a header or body.</summary>
public sealed record DevVaultRequest(string Method, string Path, int Status, DateTimeOffset At);
