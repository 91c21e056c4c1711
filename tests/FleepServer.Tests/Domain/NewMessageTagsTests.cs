using FleepServer.Domain.Conversations;
using FleepServer.Errors;

namespace FleepServer.Tests.Domain;

/// <summary>The tags a new message may carry (core spec §6.3, docs/boards.md "New messages"): one state at most, with its record companions.</summary>
public sealed class NewMessageTagsTests
{
    private static string[] Split(string tags) => tags.Length == 0 ? [] : tags.Split(',');

    [Theory]
    [InlineData("", "")]
    [InlineData("pin", "pin")]
    [InlineData("is_todo", "is_todo")]
    [InlineData("is_done", "is_done")]
    [InlineData("is_shared,pin", "pin")]
    [InlineData("is_shared,is_task,is_todo", "is_todo")]
    [InlineData("is_done,is_shared,is_task", "is_done")]
    public void Allowed_combinations_name_the_one_state_to_apply(string tags, string state)
    {
        Assert.Equal(Split(state), MessageStateChanges.NewMessageTags(Split(tags)));
    }

    [Theory]
    [InlineData("is_todo,is_done")]
    [InlineData("pin,is_todo")]
    [InlineData("pin,is_done")]
    [InlineData("is_task")]
    [InlineData("is_shared")]
    [InlineData("is_archived")]
    [InlineData("is_deleted")]
    [InlineData("unpin")]
    [InlineData("whatever")]
    public void Contradictory_or_unknown_tags_are_invalid(string tags)
    {
        var e = Assert.Throws<FleepException>(() => MessageStateChanges.NewMessageTags(Split(tags)));
        Assert.Equal(400, e.StatusCode);
        Assert.Equal("invalid_param", e.ErrorId);
    }
}
