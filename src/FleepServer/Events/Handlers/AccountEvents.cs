namespace FleepServer.Events.Handlers;

/// <summary>The <c>urn:fleep:client:account:*</c> events.</summary>
public static class AccountEvents
{
    public static void Register(EventHandlers events)
    {
    }
}
