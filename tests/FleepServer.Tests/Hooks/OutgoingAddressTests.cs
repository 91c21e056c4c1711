using System.Net;
using FleepServer.Domain.Hooks;
using FleepServer.Tests.Infrastructure;
using static FleepServer.Tests.Hooks.OutgoingHookSteps;

namespace FleepServer.Tests.Hooks;

/// <summary>Outgoing deliveries never reach loopback or private addresses unless configured to (docs/hooks.md).</summary>
public sealed class OutgoingAddressTests(PublicAddressesOnlyFixture server) : IClassFixture<PublicAddressesOnlyFixture>
{
    [Fact]
    public async Task A_loopback_url_is_refused_at_connect_time_and_the_hook_is_switched_off_with_the_reason()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        using var alice = await server.NewAccountAsync("Alice");
        var conv = await alice.CreateConversationAsync("internal");
        var horizon = await alice.HorizonAsync();
        // A name, so the refusal comes from what it resolves to, not from the text of the URL.
        var url = receiver.Url("internal").Replace("127.0.0.1", "localhost");
        var hook = await alice.CreateOutgoingHookAsync(conv, "internal", url);

        var (record, _) = await alice.PollUntilAsync(horizon, r => r.Str("mk_rec_type") == "hook" && r.Bool("outgoing_disabled"));
        Assert.Equal(hook.Str("hook_key"), record.Str("hook_key"));
        Assert.Equal("Delivery failed 4 times: address not allowed", record.Str("outgoing_disable_reason"));
        Assert.Empty(receiver.Requests);
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("172.32.0.1", true)]
    [InlineData("192.168.1.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("93.184.215.14", true)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("::ffff:10.0.0.1", false)]
    [InlineData("64:ff9b::a00:1", false)]
    [InlineData("2002:a00:1::", false)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    public void Only_public_addresses_are_allowed(string address, bool allowed) =>
        Assert.Equal(allowed, OutgoingAddresses.IsPublic(IPAddress.Parse(address)));
}
