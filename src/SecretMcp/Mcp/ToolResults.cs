using System.Text.Json.Serialization;

namespace SecretMcp.Mcp;

// Structured results of the MCP tools. Clients and scripts rely on these member names
// (DESIGN section 5); none of them ever carries a value.

public sealed record GetSecretResult(
    string Variable,
    string Shell,
    string Mode,
    string Snippet,
    string Inline,
    DateTimeOffset ExpiresAt,
    string TicketId,
    int SecretId,
    string Secret,
    string Field,
    CleanupArguments Cleanup);

public sealed record CleanupArguments(string Shell, IReadOnlyList<string> Variables);

/// <summary>An alias that sets several variables: 'variables' in place of 'variable', one ticket each.</summary>
public sealed record GetSecretsResult(
    IReadOnlyList<IssuedVariable> Variables,
    string Shell,
    string Mode,
    string Snippet,
    string Inline,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<string> TicketIds,
    int SecretId,
    string Secret,
    string Alias,
    CleanupArguments Cleanup);

public sealed record IssuedVariable(string Variable, string Field, string TicketId);

public sealed record CleanupResult(
    string Shell,
    string Snippet,
    IReadOnlyList<string> Variables,
    IReadOnlyList<string> RevokedTicketIds,
    IReadOnlyList<RedeemedTicket> Redeemed,
    IReadOnlyList<RotationReport>? Rotations = null);

/// <summary>What a redeemed ticket delivered: its shape only, so the agent can check without seeing.</summary>
public sealed record RedeemedTicket(string TicketId, string Variable, int Bytes, int Lines, bool TrailingNewline);

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(GetSecretResult))]
[JsonSerializable(typeof(GetSecretsResult))]
[JsonSerializable(typeof(CleanupResult))]
[JsonSerializable(typeof(string[]))]
internal sealed partial class ToolJsonContext : JsonSerializerContext;
