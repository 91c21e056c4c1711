namespace FleepServer.Events;

/// <summary>The parameter types of Fleep's published event catalogue.</summary>
public enum ParamType
{
    Text,
    BigInt,
    Boolean,
    Float,
    Uuid,
    Timestamptz,
    UuidList,
    TextList,
    Object,
    ObjectList,
    Cursor,
}

/// <summary>
/// One parameter of an event type as the catalogue declares it. <see cref="IsRequired"/> is a
/// parameter without a <c>default</c>; a <c>"NULL"</c> default makes it optional with no value.
/// <see cref="Fields"/> are the declared fields of an OBJECT, [OBJECT] or CURSOR parameter.
/// </summary>
public sealed record EventParam(
    string Name,
    ParamType Type,
    int MaxLength,
    bool IsRequired,
    string? Default,
    IReadOnlyList<string>? Options,
    bool IsIgnored,
    IReadOnlyList<EventParam> Fields)
{
    /// <summary>TEXT values without a declared max_len: the catalogue's usual limit.</summary>
    public const int DefaultMaxLength = 1024;
}

/// <summary>An event type of the catalogue: its urn (<c>mk_event_type</c>), description and parameters.</summary>
public sealed record EventType(string Urn, string Description, IReadOnlyList<EventParam> Params)
{
    /// <summary>The part after <c>urn:fleep:client:</c>, e.g. <c>conv:set_topic</c>.</summary>
    public string Name => Urn[EventCatalogue.UrnPrefix.Length..];

    /// <summary>The namespace: <c>account</c>, <c>conv</c>, <c>message</c>, <c>contact</c>, …</summary>
    public string Namespace => Name[..Name.IndexOf(':')];
}
