namespace FleepServer.Events.Handlers;

/// <summary>The <c>urn:fleep:client:message:*</c> events.</summary>
public static class MessageEvents
{
    public static void Register(EventHandlers events)
    {
    }
}
