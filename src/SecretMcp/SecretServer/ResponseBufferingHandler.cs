using System.Net.Http.Headers;

namespace SecretMcp.SecretServer;

/// <summary>
/// Reads each response body completely, up to a limit, before the retry strategy sees the response.
/// An answer cut off mid-body then fails as a transport error that a read may retry, and a
/// runaway body is refused instead of filling memory.
/// </summary>
internal sealed class ResponseBufferingHandler(long maxBytes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(
        HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.Content.Headers.ContentLength > maxBytes)
        {
            response.Dispose();
            throw new ResponseTooLargeException(maxBytes);
        }

        byte[] body;
        try
        {
            body = await ReadBoundedAsync(response.Content, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException e)
        {
            response.Dispose();
            throw new HttpRequestException(HttpRequestError.ResponseEnded,
                "Secret Server's answer was cut off before its end.", e);
        }
        catch
        {
            response.Dispose();
            throw;
        }

        var buffered = new ByteArrayContent(body);
        foreach (var header in response.Content.Headers)
        {
            buffered.Headers.TryAddWithoutValidation(header.Key, header.Value);
        }

        buffered.Headers.ContentLength = body.Length;
        response.Content.Dispose();
        response.Content = buffered;
        return response;
    }

    private async Task<byte[]> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        using var stream = await content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        using var memory = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
        {
            if (memory.Length + read > maxBytes)
            {
                throw new ResponseTooLargeException(maxBytes);
            }

            memory.Write(chunk, 0, read);
        }

        return memory.ToArray();
    }
}

/// <summary>Not a transient failure: asking again would get the same oversized answer.</summary>
internal sealed class ResponseTooLargeException(long maxBytes)
    : InvalidOperationException($"Secret Server's answer is larger than {maxBytes} bytes; it was refused.");

internal static class ContentHeadersExtensions
{
    public static bool IsHtml(this HttpContentHeaders headers) =>
        headers.ContentType?.MediaType is "text/html" or "application/xhtml+xml";
}
