using System.Text.Json.Serialization;

namespace SecretMcp.Tickets;

/// <summary>
/// The broker's error body (application/problem+json). <see cref="Code"/> is stable: snippets,
/// scripts and the redeem command rely on it.
/// </summary>
public sealed class BrokerProblem
{
    public string Type { get; init; } = "about:blank";

    public string Title { get; init; } = "";

    public int Status { get; init; }

    public string Code { get; init; } = "";

    public string Detail { get; init; } = "";
}

public static class BrokerProblemCodes
{
    public const string TicketMissing = "ticket_missing";
    public const string RequestInvalid = "request_invalid";
    public const string TicketUnknown = "ticket_unknown";
    public const string TicketExpired = "ticket_expired";
    public const string TicketUsed = "ticket_used";
    public const string TicketRevoked = "ticket_revoked";
    public const string AccessDenied = "access_denied";
    public const string NotSignedIn = "not_signed_in";
    public const string ValueNotRepresentable = "value_not_representable";
    public const string SecretServerUnavailable = "secret_server_unavailable";
    public const string SecretServerMisconfigured = "secret_server_misconfigured";
    public const string SecretNotFound = "secret_not_found";
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(BrokerProblem))]
internal sealed partial class BrokerJsonContext : JsonSerializerContext;
