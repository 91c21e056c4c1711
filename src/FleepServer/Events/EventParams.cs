namespace FleepServer.Events;

/// <summary>
/// The validated parameters of one event: every declared parameter, converted to its CLR type
/// (TEXT → string, BIGINT → long, BOOLEAN → bool, FLOAT → double, UUID → Guid, TIMESTAMPTZ →
/// DateTimeOffset, [UUID] → List&lt;Guid&gt;, [TEXT] → List&lt;string&gt;, OBJECT / CURSOR →
/// EventParams, [OBJECT] → List&lt;EventParams&gt;), with defaults applied; an absent optional
/// parameter is null. Handlers read them by name; reading an undeclared name is a bug.
/// </summary>
public sealed class EventParams(IReadOnlyDictionary<string, object?> values)
{
    public static readonly EventParams Empty = new(new Dictionary<string, object?>());

    public bool IsGiven(string name) => Value(name) is not null;

    /// <summary>Whether the event type has this parameter at all (helpers shared by several events ask).</summary>
    public bool Declares(string name) => values.ContainsKey(name);

    public string? Text(string name) => (string?)Value(name);

    public long? Long(string name) => (long?)Value(name);

    public bool? Bool(string name) => (bool?)Value(name);

    public double? Float(string name) => (double?)Value(name);

    public Guid? Uuid(string name) => (Guid?)Value(name);

    public DateTimeOffset? Time(string name) => (DateTimeOffset?)Value(name);

    public List<Guid>? Uuids(string name) => (List<Guid>?)Value(name);

    public List<string>? Texts(string name) => (List<string>?)Value(name);

    public EventParams? Object(string name) => (EventParams?)Value(name);

    public List<EventParams>? Objects(string name) => (List<EventParams>?)Value(name);

    /// <summary>A parameter the catalogue requires: present after validation, so never null here.</summary>
    public Guid RequiredUuid(string name) => Uuid(name) ?? throw Undeclared(name);

    public long RequiredLong(string name) => Long(name) ?? throw Undeclared(name);

    public string RequiredText(string name) => Text(name) ?? throw Undeclared(name);

    private object? Value(string name) =>
        values.TryGetValue(name, out var value) ? value : throw Undeclared(name);

    private static InvalidOperationException Undeclared(string name) =>
        new($"The event catalogue declares no required parameter '{name}' for this event.");
}
