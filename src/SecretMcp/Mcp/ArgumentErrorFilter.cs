using System.Text;
using System.Text.Json;
using ModelContextProtocol.Protocol;
using ModelContextProtocol.Server;

namespace SecretMcp.Mcp;

/// <summary>
/// When the arguments of a call do not fit a tool's input schema (a number where a string is
/// expected, a required argument missing), the SDK answers only "An error occurred invoking …".
/// This filter replaces that with what is wrong and how to call again, read from the tool's own
/// schema. Arguments are named, never echoed.
/// </summary>
public static class ArgumentErrorFilter
{
    private const string GenericPrefix = "An error occurred invoking '";

    public static McpRequestHandler<CallToolRequestParams, CallToolResult> Filter(
        McpRequestHandler<CallToolRequestParams, CallToolResult> next) => async (context, cancellationToken) =>
    {
        CallToolResult result;
        try
        {
            result = await next(context, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException && Explain(context) is { } explained)
        {
            // Argument binding failed before the tool ran; the exception says no more than the schema.
            return explained;
        }

        return result.IsError == true && IsGeneric(result) && Explain(context) is { } explanation
            ? explanation
            : result;
    };

    private static CallToolResult? Explain(RequestContext<CallToolRequestParams> context)
    {
        if (context.Params is not { } call
            || context.Server.ServerOptions.ToolCollection?.FirstOrDefault(t => t.ProtocolTool.Name == call.Name)
                is not { } tool)
        {
            return null;
        }

        var problems = Describe(tool.ProtocolTool.InputSchema, call.Arguments);
        return problems.Count == 0 ? null : new CallToolResult
        {
            IsError = true,
            Content = [new TextContentBlock
            {
                Text = $"The arguments of {call.Name} do not fit its input schema: {string.Join("; ", problems)}. "
                    + "Call again with every argument as the schema in tools/list gives it (ids too are strings, "
                    + "such as \"10\"). Nothing was issued.",
            }],
        };
    }

    /// <summary>What is wrong with the arguments against a JSON schema of type object.</summary>
    public static IReadOnlyList<string> Describe(JsonElement schema, IDictionary<string, JsonElement>? arguments)
    {
        var problems = new List<string>();
        arguments ??= new Dictionary<string, JsonElement>();

        if (schema.TryGetProperty("required", out var required) && required.ValueKind == JsonValueKind.Array)
        {
            foreach (var name in required.EnumerateArray().Select(r => r.GetString()).OfType<string>())
            {
                if (!arguments.TryGetValue(name, out var value) || value.ValueKind == JsonValueKind.Null)
                {
                    problems.Add($"'{name}' is required");
                }
            }
        }

        if (!schema.TryGetProperty("properties", out var properties) || properties.ValueKind != JsonValueKind.Object)
        {
            return problems;
        }

        foreach (var (name, value) in arguments)
        {
            if (!properties.TryGetProperty(name, out var property))
            {
                problems.Add($"'{Printable(name)}' is not an argument of this tool");
                continue;
            }

            var expected = ExpectedTypes(property);
            var kind = KindName(value.ValueKind);
            var fits = expected.Contains(kind) || (kind == "number" && expected.Contains("integer"));
            if (expected.Count > 0 && !fits)
            {
                problems.Add($"'{name}' must be {string.Join(" or ", expected.Where(t => t != "null"))}, "
                    + $"not {kind}");
            }
        }

        return problems;
    }

    private static bool IsGeneric(CallToolResult result) =>
        result.Content.OfType<TextContentBlock>().FirstOrDefault()?.Text.StartsWith(GenericPrefix, StringComparison.Ordinal)
            == true;

    private static List<string> ExpectedTypes(JsonElement property)
    {
        if (!property.TryGetProperty("type", out var type))
        {
            return [];
        }

        return type.ValueKind switch
        {
            JsonValueKind.String => [type.GetString()!],
            JsonValueKind.Array => type.EnumerateArray().Select(t => t.GetString()).OfType<string>().ToList(),
            _ => [],
        };
    }

    private static string KindName(JsonValueKind kind) => kind switch
    {
        JsonValueKind.String => "string",
        JsonValueKind.Number => "number",
        JsonValueKind.True or JsonValueKind.False => "boolean",
        JsonValueKind.Array => "array",
        JsonValueKind.Object => "object",
        _ => "null",
    };

    private static string Printable(string name)
    {
        var text = new StringBuilder();
        foreach (var c in name.Take(40))
        {
            text.Append(char.IsControl(c) ? '?' : c);
        }

        return text.ToString();
    }
}
