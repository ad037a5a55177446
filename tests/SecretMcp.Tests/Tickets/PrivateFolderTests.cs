using System.Net.Sockets;
using SecretMcp.Tickets;

namespace SecretMcp.Tests.Tickets;

public sealed class PrivateFolderTests : IDisposable
{
    private const string User = "S-1-5-21-1004336348-1177238915-682003330-1001";
    private const string Other = "S-1-5-21-1004336348-1177238915-682003330-1002";

    private readonly string _root = Directory.CreateTempSubdirectory("smt-pf-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    [Fact]
    public void An_existing_open_folder_is_closed_to_0700()
    {
        var folder = Path.Combine(_root, "run");
        Directory.CreateDirectory(folder);
        File.SetUnixFileMode(folder, (UnixFileMode)0b111_111_111);

        PrivateFolder.Ensure(folder);

        File.GetUnixFileMode(folder).Should().Be(PrivateFolder.OwnerOnly);
    }

    [Fact]
    public void The_windows_descriptor_names_only_the_user_and_drops_inherited_entries()
    {
        WindowsFolderAcl.PrivateSddl(User).Should().Be($"O:{User}G:{User}D:P(A;OICI;FA;;;{User})");
    }

    [Theory]
    [InlineData("")]
    [InlineData("Everyone")]
    [InlineData("S-1-5-21-1;(A;;FA;;;WD)")]
    public void The_windows_descriptor_refuses_anything_but_a_sid(string sid)
    {
        var build = () => WindowsFolderAcl.PrivateSddl(sid);

        build.Should().Throw<ArgumentException>();
    }

    [Fact]
    public void A_windows_acl_with_only_the_user_has_no_problems()
    {
        WindowsFolderAcl.Problems(User, [new AclEntry(User, Allow: true, Inherited: false)], User).Should().BeEmpty();
    }

    [Fact]
    public void A_windows_acl_that_lets_anyone_else_in_is_refused()
    {
        var problems = WindowsFolderAcl.Problems(Other,
        [
            new AclEntry(User, Allow: true, Inherited: false),
            new AclEntry("S-1-1-0", Allow: true, Inherited: false),
            new AclEntry("S-1-5-32-545", Allow: true, Inherited: true),
            new AclEntry(Other, Allow: false, Inherited: false),
        ], User);

        problems.Should().Equal(
            $"the folder is owned by {Other}, not by the current user {User}",
            "S-1-1-0 is allowed access",
            "an inherited entry for S-1-5-32-545 remains");
    }

    [Fact]
    public async Task The_peer_check_accepts_this_user_and_refuses_a_socket_it_cannot_read()
    {
        var path = Path.Combine(_root, "p.sock");
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint(path));
        listener.Listen();
        using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        await client.ConnectAsync(new UnixDomainSocketEndPoint(path));
        using var accepted = await listener.AcceptAsync();

        PeerCredentials.IsSameUser(accepted).Should().BeTrue();
        PeerCredentials.PeerUid(accepted).Should().Be(PeerCredentials.CurrentUid());
        PeerCredentials.PeerPid(accepted).Should().Be(Environment.ProcessId);
        PeerCredentials.IsSameUser(null).Should().BeFalse("no socket, no access");
    }
}
