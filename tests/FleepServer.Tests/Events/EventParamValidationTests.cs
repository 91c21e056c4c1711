using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using FleepServer.Events;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>
/// Every parameter of every catalogue event is checked by the catalogue's rules:
/// a wrong JSON type, an over-long TEXT, a value outside <c>options</c> and a missing required
/// parameter each fail their event with a 400 that names the parameter, and change nothing.
/// </summary>
public sealed class EventParamValidationTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    // One caller for all 162 cases: refused events change nothing, so they cannot disturb each other.
    private static readonly ConcurrentDictionary<FleepServerFixture, Task<FleepTestClient>> Callers = new();

    /// <summary>The 161 seed events that take parameters (one, without any, has nothing to get wrong).</summary>
    public static TheoryData<string> EventTypes() => new(SeedEventTypes.All.Where(u => SeedCatalogue.Parsed.Find(u)!.Params.Count > 0));

    [Fact]
    public void Every_seed_event_but_one_takes_parameters()
    {
        Assert.Equal(161, EventTypes().Count);
    }

    [Theory]
    [MemberData(nameof(EventTypes))]
    public async Task Each_bad_parameter_fails_its_event_with_a_400_naming_it(string urn)
    {
        var type = SeedCatalogue.Parsed.Find(urn)!;
        var cases = type.Params.SelectMany(p => BadValues(type, p)).ToList();
        Assert.NotEmpty(cases);
        var alice = await Callers.GetOrAdd(server, s => s.NewAccountAsync());

        var result = await alice.EventsAsync([.. cases.Select(c => new TestEvent(urn, c.Params))]);

        var requests = result.Requests;
        Assert.Equal(cases.Count, requests.Count);
        foreach (var (request, bad) in requests.Zip(cases))
        {
            Assert.True(request.GetProperty("status_code").GetInt32() == 400, $"{urn} with {bad.What}: {request}");
            Assert.Equal(bad.ErrorId, request.Str("error_id"));
            Assert.Contains($"'{bad.Name}", request.Str("error_message"));
        }
    }

    [Fact]
    public async Task A_refused_event_changes_nothing_for_anyone()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("unchanged", bob);
        var nr = (await alice.SendAsync(conversation, "first")).EnsureOk().Json.GetProperty("result_message_nr").GetInt64();
        var before = (await alice.HeaderAsync(conversation)).ToString();
        var message = (await alice.ConvAsync("sync", conversation)).EnsureOk().Messages().Last().ToString();
        var aliceHorizon = await alice.HorizonAsync();
        var bobHorizon = await bob.HorizonAsync();

        var result = await alice.EventsAsync(
            new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = new string('t', 1025) }),
            new TestEvent("conv:set_alert_level", new { conversation_id = conversation, mk_alert_level = "loud" }),
            new TestEvent("conv:mark_read", new { conversation_id = conversation, show_message_nr = "soon" }),
            new TestEvent("conv:add_members", new { conversation_id = conversation, account_ids = new[] { "not-a-uuid" } }),
            new TestEvent("conv:create", new { topic = "x", is_autojoin = "maybe" }),
            new TestEvent("message:edit", new { conversation_id = conversation, message_nr = nr }),
            new TestEvent("message:add_plain", new { conversation_id = conversation, message = "x", attachment_urls = "one" }),
            new TestEvent("conv:leave", new { }));

        Assert.Equal(8, result.Requests.Count);
        Assert.All(result.Requests, r => Assert.Equal(400, r.GetProperty("status_code").GetInt32()));
        Assert.Empty(result.Records);
        Assert.Equal(before, (await alice.HeaderAsync(conversation)).ToString());
        Assert.Equal(message, (await alice.ConvAsync("sync", conversation)).EnsureOk().Messages().Last().ToString());
        Assert.Single((await alice.PostAsync("/api/conversation/list")).EnsureOk().Json.GetProperty("conversations").EnumerateArray());
        Assert.All(await alice.PollSinceAsync(aliceHorizon), r => Assert.Equal("request", r.Str("mk_rec_type")));
        Assert.Empty(await bob.PollSinceAsync(bobHorizon));
    }

    private sealed record BadCase(string Name, string What, string ErrorId, JsonObject Params);

    /// <summary>The invalid variants of one parameter, each inside otherwise valid parameters.</summary>
    private static IEnumerable<BadCase> BadValues(EventType type, EventParam param)
    {
        BadCase With(string what, string errorId, JsonNode? value, string? name = null)
        {
            var body = EventParamSamples.ValidParams(type);
            if (value is null)
            {
                body.Remove(param.Name);
            }
            else
            {
                body[param.Name] = value;
            }

            return new BadCase(name ?? param.Name, what, errorId, body);
        }

        yield return With("a wrong type", "invalid_param", WrongType(param.Type));
        if (param.IsRequired)
        {
            yield return With("nothing", "missing_param", null);
        }

        switch (param.Type)
        {
            case ParamType.Text:
                yield return With("an over-long text", "invalid_param", new string('x', param.MaxLength + 1));
                if (param.Options is not null)
                {
                    yield return With("a value outside the options", "invalid_param", "not-an-option");
                }

                break;
            case ParamType.TextList:
                yield return With("an over-long item", "invalid_param", new JsonArray(new string('x', param.MaxLength + 1)));
                yield return With("a wrong item type", "invalid_param", new JsonArray(5));
                break;
            case ParamType.UuidList:
                yield return With("an invalid UUID item", "invalid_param", new JsonArray("not-a-uuid"));
                break;
            case ParamType.Uuid:
                yield return With("the empty UUID", "invalid_param", Guid.Empty.ToString());
                break;
            case ParamType.Cursor or ParamType.Object:
                foreach (var field in param.Fields.Where(f => f.Type is not (ParamType.Object or ParamType.Cursor)))
                {
                    var inner = EventParamSamples.ValidObject(param.Fields);
                    inner[field.Name] = WrongType(field.Type);
                    yield return With($"a wrong {field.Name}", "invalid_param", inner, $"{param.Name}.{field.Name}");
                }

                break;
            case ParamType.ObjectList:
                foreach (var field in param.Fields.Where(f => f.IsRequired))
                {
                    var inner = EventParamSamples.ValidObject(param.Fields);
                    inner.Remove(field.Name);
                    yield return With($"an item without {field.Name}", "missing_param", new JsonArray(inner), $"{param.Name}[0].{field.Name}");
                }

                break;
        }
    }

    private static JsonNode WrongType(ParamType type) => type switch
    {
        ParamType.Text => 12345,
        ParamType.BigInt => "twelve",
        ParamType.Boolean => "maybe",
        ParamType.Float => "a lot",
        ParamType.Uuid => "not-a-uuid",
        ParamType.Timestamptz => true,
        ParamType.UuidList or ParamType.TextList or ParamType.ObjectList => "not a list",
        ParamType.Object or ParamType.Cursor => "not an object",
        _ => throw new InvalidOperationException(type.ToString()),
    };
}
