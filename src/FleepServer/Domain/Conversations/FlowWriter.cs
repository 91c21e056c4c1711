using System.Text;
using System.Text.Json;
using FleepServer.Data;
using FleepServer.Http;

namespace FleepServer.Domain.Conversations;

/// <summary>
/// Appends to a conversation's flow. The caller holds the conversation row locked (see
/// <see cref="Membership.RequireAsync"/>), so taking <c>last_message_nr + 1</c> here is
/// contiguous and commit order equals number order (docs/conversations.md, "Numbering").
/// </summary>
public static class FlowWriter
{
    /// <summary>
    /// A new message with the next flow number. Alerting messages (user text) take the next inbox
    /// number; others carry <c>-(last inbox nr)</c>, or 0 when there is none.
    /// </summary>
    public static Message Append(FleepDbContext db, Conversation c, Guid author, string type, string state, string body,
        bool alerting, DateTimeOffset now)
    {
        var nr = ++c.LastMessageNr;
        long inboxNr;
        if (alerting)
        {
            inboxNr = ++c.LastInboxNr;
            c.LastAlertMessageNr = nr;
        }
        else
        {
            inboxNr = -c.LastInboxNr;
        }

        var message = new Message
        {
            ConversationId = c.Id,
            MessageNr = nr,
            AccountId = author,
            MkMessageType = type,
            MkMessageState = state,
            Body = body,
            InboxNr = inboxNr,
            PrevMessageNr = c.ShowMessageNr,
            PostedTime = now,
            MessageId = Guid.CreateVersion7(now),
        };
        c.ShowMessageNr = nr;
        c.LastMessageTime = now;
        db.Messages.Add(message);
        return message;
    }

    public static Message AppendSystem(FleepDbContext db, Conversation c, Guid author, string type, string body, DateTimeOffset now) =>
        Append(db, c, author, type, MessageStates.System, body, alerting: false, now);

    /// <summary>A revision: the message keeps its number and takes the next flow number as <c>flow_message_nr</c>.</summary>
    public static long Revise(Conversation c, Message message, Guid editor, DateTimeOffset now)
    {
        var nr = ++c.LastMessageNr;
        message.FlowMessageNr = nr;
        message.EditAccountId = editor;
        message.EditedTime = now;
        return nr;
    }

    /// <summary>The member's read horizon follows its own new message.</summary>
    public static void ReadOwn(ConversationMember member, Message message)
    {
        member.ReadMessageNr = message.MessageNr;
        member.ReadInboxNr = Math.Abs(message.InboxNr);
        member.IsMarkUnread = false;
    }

    /// <summary>
    /// A system message body: a JSON object text in the layout the live server produced (Python's
    /// <c>json.dumps</c>: ", " and ": " separators), e.g. <c>{"members": ["…"], "topic": "x"}</c>.
    /// </summary>
    public static string SystemBody(params (string Key, object? Value)[] fields)
    {
        var text = new StringBuilder("{");
        for (var i = 0; i < fields.Length; i++)
        {
            if (i > 0)
            {
                text.Append(", ");
            }

            text.Append(JsonSerializer.Serialize(fields[i].Key, FleepJson.Options)).Append(": ");
            if (fields[i].Value is IEnumerable<Guid> ids)
            {
                text.Append('[').AppendJoin(", ", ids.Select(id => $"\"{id}\"")).Append(']');
            }
            else
            {
                text.Append(JsonSerializer.Serialize(fields[i].Value, FleepJson.Options));
            }
        }

        return text.Append('}').ToString();
    }
}

/// <summary>System message types.</summary>
public static class SystemTypes
{
    public const string Create = "create";
    public const string Add = "add";
    public const string Leave = "leave";
    public const string Kick = "kick";
    public const string Topic = "topic";
    public const string Disclose = "discloseV2";
    public const string Passive = "passiveV1";
    public const string Join = "joinV1";
    public const string Share = "share";
    public const string Unshare = "unshare";
    public const string Show = "show";
    public const string Unshow = "unshow";
    public const string UrlPreviews = "url_previews";
    public const string NoUrlPreviews = "no_url_previews";
    public const string Text = "text";
    public const string Hook = "hook";
    public const string Unhook = "unhook";
    public const string AddTeam = "add_teamV2";
    public const string KickTeam = "kick_team";
    public const string Signin = "signin";
    public const string Replace = "replace";
}
