using FleepServer.Data;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;

namespace FleepServer.Tests.Domain;

/// <summary>
/// The message state rules without a database (Fleep's tag changes and the server additions of
/// docs/compatibility.md): every tag transition, edit permissions, reactions, spam, url preview,
/// task placement, and the refusal of system messages.
/// </summary>
public sealed class MessageStateChangesTests
{
    private static readonly Guid Author = Guid.NewGuid();
    private static readonly Guid Other = Guid.NewGuid();
    private static readonly Guid Conversation = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
    private static readonly TaskSections Sections = TaskSections.Of(Conversation);

    private static MessageStateChanges By(Guid who) => new(who, Now);

    private static Message Plain() => new()
    {
        ConversationId = Conversation,
        MessageNr = 7,
        AccountId = Author,
        MkMessageType = "text",
        MkMessageState = MessageStates.Plain,
        Body = "<msg><p>hello</p></msg>",
        Subject = "greeting",
    };

    private static Message In(string tag, Guid? by = null)
    {
        var message = Plain();
        By(by ?? Author).ApplyTags(message, [tag], taskWeight: 100);
        return message;
    }

    private static Message System() => Plain() is var m ? Set(m, MessageStates.System) : null!;

    private static Message Set(Message m, string state)
    {
        m.MkMessageState = state;
        return m;
    }

    [Fact]
    public void Pin_makes_a_shared_pinned_message_weighted_by_the_pin_time_and_naming_the_pinner()
    {
        var message = Plain();

        Assert.True(By(Other).ApplyTags(message, [MessageTags.Pin]));

        Assert.Equal(MessageStates.Pinned, message.MkMessageState);
        Assert.Equal([MessageTags.IsShared, MessageTags.Pin], message.Tags);
        Assert.Equal(Now.ToUnixTimeSeconds(), message.PinWeight);
        Assert.Equal(Other, message.PinnedAccountId);
    }

    [Fact]
    public void Pin_takes_a_given_pin_weight()
    {
        var message = Plain();

        By(Author).ApplyTags(message, [MessageTags.Pin], pinWeight: 12.5);

        Assert.Equal(12.5, message.PinWeight);
    }

    [Theory]
    [InlineData(MessageTags.Unpin)]
    [InlineData(MessageTags.IsArchived)]
    public void Unpin_or_archive_of_a_pin_makes_an_unpinned_message_referring_to_itself(string tag)
    {
        var message = In(MessageTags.Pin);

        Assert.True(By(Author).ApplyTags(message, [tag]));

        Assert.Equal(MessageStates.Unpinned, message.MkMessageState);
        Assert.Equal([MessageTags.IsArchived, MessageTags.IsShared, MessageTags.Unpin], message.Tags);
        Assert.Equal(message.MessageNr, message.RefMessageNr);
    }

    [Fact]
    public void Pin_with_is_archived_unpins()
    {
        var message = Plain();

        By(Author).ApplyTags(message, [MessageTags.Pin, MessageTags.IsArchived]);

        Assert.Equal(MessageStates.Unpinned, message.MkMessageState);
    }

    [Fact]
    public void Unarchive_pins_an_unpinned_message_again()
    {
        var message = In(MessageTags.Pin);
        var weight = message.PinWeight;
        By(Author).ApplyTags(message, [MessageTags.Unpin]);

        By(Other).ApplyTags(message, [MessageTags.Unarchive]);

        Assert.Equal(MessageStates.Pinned, message.MkMessageState);
        Assert.Equal([MessageTags.IsShared, MessageTags.Pin], message.Tags);
        Assert.Equal(weight, message.PinWeight);
        Assert.Equal(Other, message.PinnedAccountId);
    }

    [Fact]
    public void Is_todo_makes_a_task_in_to_do_at_the_given_weight_tasked_to_the_caller()
    {
        var message = Plain();

        Assert.True(By(Other).ApplyTags(message, [MessageTags.IsTodo], taskWeight: TaskSections.WeightStep));

        Assert.Equal(MessageStates.Todo, message.MkMessageState);
        Assert.Equal([MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo], message.Tags);
        Assert.Equal(Other, message.TaskedAccountId);
        Assert.Equal(Sections.ToDo, message.SectionId);
        Assert.Equal(TaskSections.WeightStep, message.TaskWeight);
    }

    [Fact]
    public void Is_done_marks_a_task_done_and_keeps_who_tasked_it_and_its_place()
    {
        var message = In(MessageTags.IsTodo);

        By(Other).ApplyTags(message, [MessageTags.IsDone], taskWeight: 999);

        Assert.Equal(MessageStates.Done, message.MkMessageState);
        Assert.Equal([MessageTags.IsDone, MessageTags.IsShared, MessageTags.IsTask], message.Tags);
        Assert.Equal(Author, message.TaskedAccountId);
        Assert.Equal(Sections.ToDo, message.SectionId);
        Assert.Equal(100, message.TaskWeight);
    }

    [Fact]
    public void Is_done_on_a_plain_message_makes_a_done_task_of_the_caller()
    {
        var message = Plain();

        By(Other).ApplyTags(message, [MessageTags.IsDone], taskWeight: 5);

        Assert.Equal(MessageStates.Done, message.MkMessageState);
        Assert.Equal(Other, message.TaskedAccountId);
        Assert.Equal(Sections.ToDo, message.SectionId);
        Assert.Equal(5, message.TaskWeight);
    }

    [Fact]
    public void Is_archived_on_a_task_adds_the_tag_and_moves_it_to_archived_and_unarchive_moves_it_back()
    {
        var message = In(MessageTags.IsTodo);

        By(Author).ApplyTags(message, [MessageTags.IsArchived]);

        Assert.Equal([MessageTags.IsArchived, MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo], message.Tags);
        Assert.Equal(Sections.Archived, message.SectionId);
        Assert.Equal(MessageStates.Todo, message.MkMessageState);

        By(Author).ApplyTags(message, [MessageTags.Unarchive]);

        Assert.Equal([MessageTags.IsShared, MessageTags.IsTask, MessageTags.IsTodo], message.Tags);
        Assert.Equal(Sections.ToDo, message.SectionId);
    }

    [Fact]
    public void Is_archived_alone_on_a_plain_message_only_adds_the_tag()
    {
        var message = Plain();

        By(Author).ApplyTags(message, [MessageTags.IsArchived]);

        Assert.Equal(MessageStates.Plain, message.MkMessageState);
        Assert.Equal([MessageTags.IsArchived], message.Tags);
        Assert.Null(message.SectionId);
    }

    [Fact]
    public void Is_deleted_empties_the_message()
    {
        var message = In(MessageTags.Pin);

        By(Other).ApplyTags(message, [MessageTags.IsDeleted]);

        Assert.Equal(MessageStates.Deleted, message.MkMessageState);
        Assert.Equal([MessageTags.IsDeleted], message.Tags);
        Assert.Equal("", message.Body);
        Assert.Null(message.Subject);
    }

    [Theory]
    [InlineData(MessageTags.Pin)]
    [InlineData(MessageTags.IsTodo)]
    [InlineData(MessageTags.IsDone)]
    public void Plain_clears_pin_and_task_fields(string from)
    {
        var message = In(from);
        message.AssigneeIds = [Other];

        By(Author).ApplyTags(message, [MessageTags.Plain]);

        Assert.Equal(MessageStates.Plain, message.MkMessageState);
        Assert.Empty(message.Tags);
        Assert.Null(message.PinWeight);
        Assert.Null(message.PinnedAccountId);
        Assert.Null(message.TaskedAccountId);
        Assert.Null(message.SectionId);
        Assert.Null(message.TaskWeight);
        Assert.Empty(message.AssigneeIds);
    }

    [Fact]
    public void Tags_set_assignees_once_each()
    {
        var message = Plain();

        By(Author).ApplyTags(message, [MessageTags.IsTodo], assignees: [Other, Other, Author]);

        Assert.Equal([Other, Author], message.AssigneeIds);
    }

    [Fact]
    public void An_unknown_tag_is_400()
    {
        var e = Assert.Throws<FleepException>(() => By(Author).ApplyTags(Plain(), [MessageTags.Pin, "is_shiny"]));

        Assert.Equal(400, e.StatusCode);
    }

    [Fact]
    public void A_deleted_message_takes_no_tag_edit_reaction_or_placement()
    {
        var message = In(MessageTags.IsDeleted);

        Assert.False(By(Author).ApplyTags(message, [MessageTags.Pin]));
        Assert.False(By(Author).Edit(message, "back", null));
        Assert.False(By(Author).React(message, ["+1"], []));
        Assert.False(By(Author).PlaceTask(message, Sections.Archived, 1));
        Assert.False(MessageStateChanges.SetSpam(message, true));
        Assert.False(MessageStateChanges.SetUrlPreviewDisabled(message, true));
        Assert.False(MessageStateChanges.Assign(message, [Other]));
        Assert.Equal(MessageStates.Deleted, message.MkMessageState);
        Assert.Equal("", message.Body);
        Assert.Null(message.Reactions);
    }

    [Fact]
    public void A_system_message_refuses_tags_edits_reactions_and_deletion()
    {
        void Refused(Action change) => Assert.Equal("invalid_edit", Assert.Throws<FleepException>(change).ErrorId);

        Refused(() => By(Author).ApplyTags(System(), [MessageTags.Pin]));
        Refused(() => By(Author).Edit(System(), "x", null));
        Refused(() => By(Author).React(System(), ["+1"], []));
        Refused(() => MessageStateChanges.RequireUserMessage(System()));
        Assert.False(MessageStateChanges.SetSpam(System(), true));
        Assert.False(MessageStateChanges.Assign(System(), [Other]));
    }

    [Fact]
    public void The_author_edits_a_plain_message_body_and_subject()
    {
        var message = Plain();

        Assert.True(By(Author).Edit(message, "new text", ""));

        Assert.Equal("<msg><p>new text</p></msg>", message.Body);
        Assert.Null(message.Subject);
    }

    [Fact]
    public void Another_member_cannot_edit_a_plain_message()
    {
        var e = Assert.Throws<FleepException>(() => By(Other).Edit(Plain(), "mine now", null));

        Assert.Equal(431, e.StatusCode);
        Assert.Equal("invalid_edit", e.ErrorId);
    }

    [Theory]
    [InlineData(MessageTags.Pin)]
    [InlineData(MessageTags.IsTodo)]
    public void Any_member_edits_a_shared_message(string tag)
    {
        var message = In(tag);

        Assert.True(By(Other).Edit(message, null, "topic"));

        Assert.Equal("topic", message.Subject);
    }

    [Fact]
    public void An_empty_body_is_refused()
    {
        Assert.Equal("empty_message", Assert.Throws<FleepException>(() => By(Author).Edit(Plain(), "  ", null)).ErrorId);
    }

    [Fact]
    public void A_lock_held_by_another_member_refuses_the_edit_and_the_holders_edit_releases_it()
    {
        var message = In(MessageTags.Pin);
        message.LockAccountId = Other;
        message.LockedUntil = Now.AddSeconds(10);

        Assert.Equal("message_locked", Assert.Throws<FleepException>(() => By(Author).Edit(message, "x", null)).ErrorId);

        Assert.True(By(Other).Edit(message, "x", null));
        Assert.Null(message.LockAccountId);
        Assert.Null(message.LockedUntil);
    }

    [Fact]
    public void An_expired_lock_does_not_refuse_the_edit_and_is_cleared()
    {
        var message = Plain();
        message.LockAccountId = Other;
        message.LockedUntil = Now.AddSeconds(-1);

        Assert.True(By(Author).Edit(message, "x", null));
        Assert.Null(message.LockAccountId);
    }

    [Fact]
    public void Reactions_are_added_per_member_in_ordinal_order_and_removed_until_none_are_left()
    {
        var message = Plain();

        Assert.True(By(Author).React(message, ["b", "B", ""], []));
        Assert.True(By(Other).React(message, ["b"], []));
        Assert.False(By(Other).React(message, ["b"], []));

        Assert.Equal(["B", "b"], message.Reactions!.Keys);
        Assert.Equal([Author, Other], message.Reactions["b"]);

        Assert.True(By(Author).React(message, [], ["b", "B"]));
        Assert.Equal([Other], Assert.Single(message.Reactions!).Value);
        Assert.False(By(Author).React(message, [], ["b", "never"]));

        Assert.True(By(Other).React(message, [], ["b"]));
        Assert.Null(message.Reactions);
    }

    [Fact]
    public void Spam_and_url_preview_change_only_when_different()
    {
        var message = Plain();

        Assert.True(MessageStateChanges.SetSpam(message, true));
        Assert.False(MessageStateChanges.SetSpam(message, true));
        Assert.True(MessageStateChanges.SetUrlPreviewDisabled(message, true));
        Assert.False(MessageStateChanges.SetUrlPreviewDisabled(message, true));
        Assert.True(message.IsSpam);
        Assert.True(message.IsUrlPreviewDisabled);
    }

    [Fact]
    public void Assignees_change_only_when_different()
    {
        var message = Plain();

        Assert.True(MessageStateChanges.Assign(message, [Other, Other]));
        Assert.False(MessageStateChanges.Assign(message, [Other]));
        Assert.Equal([Other], message.AssigneeIds);
    }

    [Fact]
    public void Pin_weight_changes_only_for_a_pinned_message()
    {
        Assert.False(MessageStateChanges.SetPinWeight(Plain(), 3));

        var pinned = In(MessageTags.Pin);
        Assert.True(MessageStateChanges.SetPinWeight(pinned, 3));
        Assert.Equal(3, pinned.PinWeight);
    }

    [Fact]
    public void Placing_a_task_in_archived_archives_it_and_in_to_do_unarchives_it()
    {
        var message = In(MessageTags.IsTodo);

        Assert.True(By(Other).PlaceTask(message, Sections.Archived, 42));
        Assert.Equal(42, message.TaskWeight);
        Assert.Equal(Sections.Archived, message.SectionId);
        Assert.Contains(MessageTags.IsArchived, message.Tags);

        Assert.True(By(Other).PlaceTask(message, Sections.ToDo, null));
        Assert.Equal(Sections.ToDo, message.SectionId);
        Assert.DoesNotContain(MessageTags.IsArchived, message.Tags);

        Assert.False(By(Other).PlaceTask(message, Sections.ToDo, 42));
    }

    [Fact]
    public void Placing_a_message_that_is_no_task_changes_nothing()
    {
        var message = Plain();

        Assert.False(By(Author).PlaceTask(message, Sections.Archived, 1));
        Assert.Null(message.SectionId);
        Assert.Null(message.TaskWeight);
    }

    [Fact]
    public void A_task_without_weight_needs_a_place_and_one_with_weight_does_not()
    {
        Assert.True(MessageStateChanges.MakesTask([MessageTags.IsTodo], Plain()));
        Assert.True(MessageStateChanges.MakesTask([MessageTags.IsDone], Plain()));
        Assert.False(MessageStateChanges.MakesTask([MessageTags.Pin], Plain()));
        Assert.False(MessageStateChanges.MakesTask([MessageTags.IsDone], In(MessageTags.IsTodo)));
    }
}
