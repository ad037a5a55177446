using System.Text;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

public sealed class RedeemClientTests
{
    [Fact]
    public void A_200_answer_yields_exactly_content_length_bytes()
    {
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Type: application/octet-stream\r\n\r\na\r\n\nb");

        var result = RedeemClient.Parse(response);

        result.Value.Should().Equal(Encoding.ASCII.GetBytes("a\r\n\nb"));
    }

    [Fact]
    public void A_short_body_is_refused_rather_than_delivered_half()
    {
        var response = Encoding.ASCII.GetBytes("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nabc");

        var result = RedeemClient.Parse(response);

        result.Value.Should().BeNull();
        result.Kind.Should().Be(RedeemFailure.Unavailable);
    }

    [Theory]
    [InlineData("ticket_used", RedeemFailure.Ticket)]
    [InlineData("access_denied", RedeemFailure.AccessDenied)]
    [InlineData("not_signed_in", RedeemFailure.NotSignedIn)]
    [InlineData("secret_server_unavailable", RedeemFailure.Unavailable)]
    public void A_problem_answer_maps_its_code(string code, RedeemFailure expected)
    {
        var body = $"{{\"code\":\"{code}\",\"detail\":\"why\"}}";
        var response = Encoding.ASCII.GetBytes(
            $"HTTP/1.1 401 Unauthorized\r\nContent-Type: application/problem+json\r\nContent-Length: {body.Length}\r\n\r\n{body}");

        var result = RedeemClient.Parse(response);

        result.Value.Should().BeNull();
        result.Kind.Should().Be(expected);
        result.Error.Should().Be($"why ({code})");
    }

    [Fact]
    public void Garbage_is_a_malformed_answer()
    {
        RedeemClient.Parse("nonsense"u8).Kind.Should().Be(RedeemFailure.Unavailable);
    }
}
