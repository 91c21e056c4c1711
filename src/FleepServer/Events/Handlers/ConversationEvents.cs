namespace FleepServer.Events.Handlers;

/// <summary>The <c>urn:fleep:client:conv:*</c> events.</summary>
public static class ConversationEvents
{
    public static void Register(EventHandlers events)
    {
    }
}
