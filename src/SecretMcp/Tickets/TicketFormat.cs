using System.Buffers.Text;
using System.Security.Cryptography;

namespace SecretMcp.Tickets;

/// <summary>
/// A ticket is <c>smt1.&lt;instance&gt;.&lt;secret part&gt;</c>: the instance names the running
/// <c>serve</c> so <c>redeem</c> can find its socket; the secret part is 256 random bits.
/// </summary>
public static class TicketFormat
{
    public const string Prefix = "smt1";
    public const int SecretBytes = 32;
    public const int InstanceLength = 12;

    public static string NewInstanceId() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(InstanceLength / 2));

    public static string Mint(string instance) =>
        $"{Prefix}.{instance}.{Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes))}";

    /// <summary>Checks the shape without trusting it, and returns the instance the ticket belongs to.</summary>
    public static bool TryParse(string? ticket, out string instance)
    {
        instance = "";
        if (ticket is null || ticket.Length > 128)
        {
            return false;
        }

        var parts = ticket.Split('.');
        if (parts.Length != 3 || parts[0] != Prefix || !IsInstance(parts[1]))
        {
            return false;
        }

        var secret = parts[2];
        if (secret.Length != Base64Url.GetEncodedLength(SecretBytes) || !Base64Url.IsValid(secret))
        {
            return false;
        }

        instance = parts[1];
        return true;
    }

    public static bool IsInstance(string text) =>
        text.Length == InstanceLength && text.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    /// <summary>The store keeps only this digest; the ticket itself is forgotten once handed out.</summary>
    public static byte[] Hash(string ticket) => SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(ticket));
}
