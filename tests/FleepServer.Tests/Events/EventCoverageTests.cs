using System.Collections.Concurrent;
using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// All 162 event types of the catalogue, one case each: an event this server serves is executed with
/// valid parameters and its effect asserted (the caller's state and the other member's stream); an
/// event of a feature this server lacks answers the documented per-event <c>not_supported</c>. An
/// event type on neither list fails. The checks of each namespace live in their own part of this class.
/// </summary>
public sealed partial class EventCoverageTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>Events of features this server does not have yet, and the feature named in the refusal.</summary>
    private static readonly Dictionary<string, string> NotSupportedYet = new()
    {
        ["conv:add_admins"] = "managed conversations",
        ["conv:remove_admins"] = "managed conversations",
        ["conv:set_managed"] = "managed conversations",
        ["conv:set_unmanaged"] = "managed conversations",
        ["conv:conv_deleted_by_admin"] = "managed conversations",
        ["conv:enable_admin_write_only"] = "managed conversations",
        ["conv:disable_admin_write_only"] = "managed conversations",
    };

    /// <summary>Namespaces whose events this server does not serve at all.</summary>
    private static readonly string[] NotServedNamespaces = ["organisation"];

    private static readonly ConcurrentDictionary<FleepServerFixture, Task<(FleepTestClient, FleepTestClient, FleepTestClient)>> Accounts = new();

    public static TheoryData<string> EventTypes() => new(SeedEventTypes.All);

    [Theory]
    [MemberData(nameof(EventTypes))]
    public async Task Every_catalogue_event_is_served_with_its_effect_or_refused_as_documented(string urn)
    {
        var name = urn["urn:fleep:client:".Length..];
        var ns = name[..name.IndexOf(':')];
        var (alice, bob, carol) = await Accounts.GetOrAdd(server, async s =>
            (await s.NewAccountAsync(), await s.NewAccountAsync(), await s.NewAccountAsync()));

        if (NotSupportedYet.TryGetValue(name, out var feature) || NotServedNamespaces.Contains(ns))
        {
            var type = SeedCatalogue.Parsed.Find(urn)!;
            var result = await alice.EventAsync(urn, EventParamSamples.ValidParams(type));
            var refusal = result.AssertRefused(431, "not_supported");
            Assert.Contains(feature ?? $"'{ns}' events are not served", refusal.Str("error_message"));
            Assert.Empty(result.Records);
            return;
        }

        Assert.True(Checks.TryGetValue(name, out var check), $"{urn} is neither served with a check nor on the not-supported lists");
        var scenario = await EventScenario.StartAsync(server, alice, bob, carol);
        await check(scenario);
    }

    [Fact]
    public void The_lists_name_only_catalogue_events()
    {
        var names = SeedEventTypes.All.Select(u => u["urn:fleep:client:".Length..]).ToHashSet();
        Assert.Empty(NotSupportedYet.Keys.Except(names));
        Assert.Empty(Checks.Keys.Except(names));
        Assert.Empty(Checks.Keys.Intersect(NotSupportedYet.Keys));
    }

    private static readonly Dictionary<string, Func<EventScenario, Task>> Checks = new(
        ConversationChecks().Concat(AccountChecks()).Concat(MessageChecks()).Concat(ContactChecks()).Concat(FileChecks()).Concat(ExternalUploadChecks())
            .Concat(TeamChecks()).Concat(LabelChecks()).Concat(MyBoardChecks()).Concat(SectionChecks()));
}

/// <summary>
/// The world one coverage check starts from: alice and bob in a fresh conversation whose last
/// message is alice's "first", carol outside it, and everyone's stream position before the event.
/// </summary>
public sealed class EventScenario
{
    public required FleepServerFixture Server { get; init; }
    public required FleepTestClient Alice { get; init; }
    public required FleepTestClient Bob { get; init; }
    public required FleepTestClient Carol { get; init; }
    public required Guid Conversation { get; init; }
    public required long FirstNr { get; init; }
    public long AliceHorizon { get; private set; }
    public long BobHorizon { get; private set; }
    public long CarolHorizon { get; private set; }

    public static async Task<EventScenario> StartAsync(FleepServerFixture server, FleepTestClient alice, FleepTestClient bob, FleepTestClient carol)
    {
        var conversation = await alice.CreateConversationAsync("coverage", bob);
        var nr = (await alice.SendAsync(conversation, "first")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var scenario = new EventScenario { Server = server, Alice = alice, Bob = bob, Carol = carol, Conversation = conversation, FirstNr = nr };
        await scenario.MarkAsync();
        return scenario;
    }

    /// <summary>Takes everyone's stream position again (after a setup step).</summary>
    public async Task MarkAsync()
    {
        AliceHorizon = await Alice.HorizonAsync();
        BobHorizon = await Bob.HorizonAsync();
        CarolHorizon = await Carol.HorizonAsync();
    }

    /// <summary>Alice posts the event; it must be applied.</summary>
    public async Task<EventBatchResult> RunAsync(string name, object parameters) => (await Alice.EventAsync(name, parameters)).EnsureApplied();

    public Task<JsonElement> AliceHeaderAsync() => Alice.HeaderAsync(Conversation);

    public Task<List<JsonElement>> BobSeesAsync() => Bob.PollSinceAsync(BobHorizon);

    public Task<List<JsonElement>> CarolSeesAsync() => Carol.PollSinceAsync(CarolHorizon);

    /// <summary>The last conv record of this conversation in bob's stream since the mark.</summary>
    public async Task<JsonElement> BobsHeaderAsync(Guid? conversation = null) =>
        (await BobSeesAsync()).Last(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == (conversation ?? Conversation));
}
