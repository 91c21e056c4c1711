namespace FleepServer.Events.Handlers;

/// <summary>The <c>urn:fleep:client:contact:*</c> events.</summary>
public static class ContactEvents
{
    public static void Register(EventHandlers events)
    {
    }
}
