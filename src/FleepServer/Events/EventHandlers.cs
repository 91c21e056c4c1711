using FleepServer.Events.Handlers;

namespace FleepServer.Events;

/// <summary>Handles one event whose parameters passed the catalogue's checks.</summary>
public delegate Task<EventOutcome> EventHandler(EventContext context, EventParams p, CancellationToken ct);

/// <summary>
/// Which event types this server handles, and which it knows but does not serve yet (answered with
/// a per-event <c>not_supported</c> naming the missing feature). Each namespace registers its
/// handlers in its own file under <c>Handlers/</c>; every handler maps onto the domain action of
/// its classic endpoint, so an event and its endpoint cannot drift apart.
/// </summary>
public sealed class EventHandlers
{
    private readonly Dictionary<string, EventHandler> _handlers = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _unsupported = new(StringComparer.Ordinal);

    private EventHandlers()
    {
    }

    public static EventHandlers Default { get; } = Build();

    public IReadOnlyCollection<string> Handled => _handlers.Keys;

    public IReadOnlyDictionary<string, string> Unsupported => _unsupported;

    public EventHandler? Find(string name) => _handlers.GetValueOrDefault(name);

    /// <summary>The feature an event waits for, or null.</summary>
    public string? MissingFeature(string name) => _unsupported.GetValueOrDefault(name);

    /// <summary>Registers the handler of <c>urn:fleep:client:&lt;name&gt;</c>.</summary>
    public EventHandlers On(string name, EventHandler handler)
    {
        _handlers.Add(name, handler);
        return this;
    }

    /// <summary>Marks events that belong to a feature this server does not have yet.</summary>
    public EventHandlers NotYet(string feature, params string[] names)
    {
        foreach (var name in names)
        {
            _unsupported.Add(name, feature);
        }

        return this;
    }

    private static EventHandlers Build()
    {
        var handlers = new EventHandlers();
        AccountEvents.Register(handlers);
        ConversationEvents.Register(handlers);
        MessageEvents.Register(handlers);
        ContactEvents.Register(handlers);
        FileEvents.Register(handlers);
        ExternalUploadEvents.Register(handlers);
        TeamEvents.Register(handlers);
        LabelEvents.Register(handlers);
        MyBoardEvents.Register(handlers);
        SectionEvents.Register(handlers);
        return handlers
            .NotYet("managed conversations", "conv:add_admins", "conv:remove_admins", "conv:set_managed", "conv:set_unmanaged",
                "conv:conv_deleted_by_admin", "conv:enable_admin_write_only", "conv:disable_admin_write_only");
    }
}
