using FleepServer.Events;

namespace FleepServer.Tests.Events;

/// <summary>The server's event catalogue is the published one (seed 001), entry for entry.</summary>
public sealed class EventCatalogueTests
{
    [Fact]
    public void The_catalogue_lists_exactly_the_162_event_types_of_the_seed()
    {
        Assert.Equal(162, SeedEventTypes.All.Length);
        Assert.Equal(SeedEventTypes.All, EventCatalogue.Default.Types.Select(t => t.Urn));
    }

    [Fact]
    public void The_embedded_catalogue_is_the_seed_document_when_the_specification_is_beside_the_repository()
    {
        var seed = Path.Combine(RepositoryRoot(), "..", "shared", "spec", "seeds", "001_883e4a0531203039.txt");
        Assert.SkipUnless(File.Exists(seed), "the specification folder is not beside this checkout");

        var fromSeed = EventCatalogue.Parse(File.ReadAllText(seed));
        Assert.Equal(
            fromSeed.Types.Select(Describe),
            EventCatalogue.Default.Types.Select(Describe));
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

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "FleepServer.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("FleepServer.sln not found above the test output.");
    }
}
