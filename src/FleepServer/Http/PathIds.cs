using FleepServer.Errors;

namespace FleepServer.Http;

/// <summary>
/// Ids that arrive as a path segment (<c>api/conversation/sync/&lt;CONV_ID&gt;</c>).
/// Routes bind them as text and parse here, so a malformed id is Fleep's 400 with the standard error
/// body rather than a routing 404.
/// </summary>
public static class PathIds
{
    public static Guid Conversation(string? raw) =>
        Guid.TryParse(raw, out var id) && id != Guid.Empty ? id : throw FleepErrors.InvalidField("conversation_id", "not a conversation id");
}
