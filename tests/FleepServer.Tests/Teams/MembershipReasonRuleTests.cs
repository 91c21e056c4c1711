using FleepServer.Domain.Conversations;

namespace FleepServer.Tests.Teams;

/// <summary>The membership reason rule without a database (docs/conversations.md, "Membership reasons").</summary>
public sealed class MembershipReasonRuleTests
{
    private static readonly Guid Red = Guid.Parse("00000000-0000-0000-0000-0000000000aa");
    private static readonly Guid Blue = Guid.Parse("00000000-0000-0000-0000-0000000000bb");

    [Fact]
    public void A_member_stays_while_any_reason_is_left()
    {
        Assert.True(MembershipReasons.StaysWithout(inOwnRight: true, [Red], Red));
        Assert.True(MembershipReasons.StaysWithout(inOwnRight: false, [Red, Blue], Red));
        Assert.False(MembershipReasons.StaysWithout(inOwnRight: false, [Red], Red));
        Assert.False(MembershipReasons.StaysWithout(inOwnRight: false, [], Red));
        Assert.True(MembershipReasons.StaysWithout(inOwnRight: false, [Blue], Red));
    }

    [Fact]
    public void Teams_are_kept_once_each()
    {
        Assert.Equal([Red, Blue], MembershipReasons.With([Red], Blue));
        Assert.Equal([Red], MembershipReasons.With([Red], Red));
        Assert.Equal([Blue], MembershipReasons.Without([Red, Blue], Red));
        Assert.Empty(MembershipReasons.Without([Red], Red));
    }
}
