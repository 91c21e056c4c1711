using FleepServer.Events;

namespace FleepServer.Tests.Events;

/// <summary>The server's event catalogue is Fleep's published one, entry for entry.</summary>
public sealed class EventCatalogueTests
{
    [Fact]
    public void The_catalogue_lists_exactly_the_162_event_types_of_the_seed()
    {
        Assert.Equal(162, SeedEventTypes.All.Length);
        Assert.Equal(SeedEventTypes.All, EventCatalogue.Default.Types.Select(t => t.Urn));
    }

    [Fact]
    public void The_embedded_catalogue_is_the_seed_document_checked_into_the_tests()
    {
        // Fails (never skips) when the test input is missing.
        Assert.True(File.Exists(SeedCatalogue.Path), $"missing test input {SeedCatalogue.Path}");

        var fromSeed = EventCatalogue.Parse(SeedCatalogue.Text);
        Assert.Equal(162, fromSeed.Types.Count);
        Assert.Equal(
            fromSeed.Types.Select(Describe),
            EventCatalogue.Default.Types.Select(Describe));
    }

    [Fact]
    public void The_seed_read_by_the_test_itself_gives_the_same_events_parameters_types_and_limits()
    {
        var seed = SeedCatalogue.Read();
        Assert.Equal(SeedEventTypes.All, seed.Select(e => e.Urn));
        Assert.Equal(161, seed.Count(e => e.Params.Count > 0));

        static string SeedType(string type) => type switch
        {
            "TEXT" => "Text",
            "BIGINT" => "BigInt",
            "BOOLEAN" => "Boolean",
            "FLOAT" => "Float",
            "UUID" => "Uuid",
            "TIMESTAMPTZ" => "Timestamptz",
            "[UUID]" => "UuidList",
            "[TEXT]" => "TextList",
            "OBJECT" => "Object",
            "[OBJECT]" => "ObjectList",
            "CURSOR" => "Cursor",
            _ => throw new InvalidOperationException(type),
        };

        foreach (var (urn, parameters) in seed)
        {
            var served = EventCatalogue.Default.Find(urn);
            Assert.NotNull(served);
            Assert.Equal(
                parameters.Select(p => $"{urn} {p.Name}:{SeedType(p.Type)}:required={!p.HasDefault}"),
                served.Params.Select(p => $"{urn} {p.Name}:{p.Type}:required={p.IsRequired}"));
            foreach (var (name, _, maxLen, _) in parameters.Where(p => p.MaxLen is not null))
            {
                Assert.Equal(maxLen, served.Params.Single(p => p.Name == name).MaxLength);
            }
        }
    }

    [Fact]
    public void Parameters_carry_the_catalogue_types_limits_defaults_and_options()
    {
        var create = EventCatalogue.Default.Find("urn:fleep:client:conv:create")!;
        var topic = create.Params.Single(p => p.Name == "topic");
        Assert.Equal((ParamType.Text, 256, false, ""), (topic.Type, topic.MaxLength, topic.IsRequired, topic.Default));
        var type = create.Params.Single(p => p.Name == "mk_conv_type");
        Assert.Equal(["cct_list", "cct_no_mail", "cct_default"], type.Options);
        Assert.Equal("cct_default", type.Default);
        var accounts = create.Params.Single(p => p.Name == "account_ids");
        Assert.Equal((ParamType.UuidList, false, null), (accounts.Type, accounts.IsRequired, accounts.Default));

        var sync = EventCatalogue.Default.Find("urn:fleep:client:contact:sync")!;
        var cursor = sync.Params.Single(p => p.Name == "sync_cursor");
        Assert.Equal(ParamType.Cursor, cursor.Type);
        Assert.Equal(["account_id", "sort_rank"], cursor.Fields.Select(f => f.Name));
        Assert.True(sync.Params.Single(p => p.Name == "limit").IsIgnored);

        var leave = EventCatalogue.Default.Find("urn:fleep:client:conv:leave")!;
        Assert.Equal("Leave the conversation.", leave.Description);
        Assert.True(Assert.Single(leave.Params).IsRequired);
    }

    private static string Describe(EventType t) =>
        $"{t.Urn}|{t.Description}|{string.Join(";", t.Params.Select(Describe))}";

    private static string Describe(EventParam p) =>
        $"{p.Name}:{p.Type}:{p.MaxLength}:{p.IsRequired}:{p.Default}:{string.Join(",", p.Options ?? [])}:{p.IsIgnored}:[{string.Join(";", p.Fields.Select(Describe))}]";
}
