using System.Text;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

public sealed class DeliveredShapeTests
{
    [Theory]
    [InlineData("", 0, 0, false)]
    [InlineData("x", 1, 1, false)]
    [InlineData("x\n", 2, 1, true)]
    [InlineData("x\n\n", 3, 2, true)]
    [InlineData("a\nb", 3, 2, false)]
    public void Shape_counts_bytes_lines_and_trailing_newline(string value, int bytes, int lines, bool trailing)
    {
        DeliveredShape.Of(Encoding.UTF8.GetBytes(value)).Should().Be(new DeliveredShape(bytes, lines, trailing));
    }
}
