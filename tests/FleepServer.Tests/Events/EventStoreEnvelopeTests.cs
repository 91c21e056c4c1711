using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Events;

/// <summary>The api/event/store envelope (docs/events.md, "One batch"): per-event results, bad entries, order, retries.</summary>
public sealed class EventStoreEnvelopeTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task An_applied_event_answers_a_request_record_with_its_identifier_and_the_changed_records()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("envelope", bob);
        var bobHorizon = await bob.HorizonAsync();
        var aliceHorizon = await alice.HorizonAsync();

        var topic = new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = "renamed" });
        var result = await alice.EventsAsync(topic);

        var request = result.Request;
        Assert.Equal("request", request.Str("mk_rec_type"));
        Assert.Equal(topic.Id, request.GetProperty("client_req_id").GetGuid());
        Assert.Equal("urn:fleep:client:conv:set_topic", request.Str("mk_event_type"));
        Assert.Equal(200, request.GetProperty("status_code").GetInt32());
        Assert.False(request.Has("error_id"));
        Assert.Equal(conversation, result.Identifier.GetProperty("conversation_id").GetGuid());
        Assert.Equal("renamed", Assert.Single(result.OfType("conv")).Str("topic"));

        // The request records are listed in the stream too, for clients that read only the stream.
        Assert.Contains(result.Response.Stream(), r => r.Str("mk_rec_type") == "request" && r.GetProperty("client_req_id").GetGuid() == topic.Id);

        // The caller's poll gets the event's request record; the other member gets the change.
        Assert.Contains(await alice.PollSinceAsync(aliceHorizon),
            r => r.Str("mk_rec_type") == "request" && r.Has("mk_event_type") && r.GetProperty("client_req_id").GetGuid() == topic.Id);
        Assert.Contains(await bob.PollSinceAsync(bobHorizon), r => r.Str("mk_rec_type") == "conv" && r.Has("topic") && r.Str("topic") == "renamed");
    }

    [Fact]
    public async Task Bad_entries_fail_alone_and_the_events_after_them_still_run()
    {
        using var alice = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("mixed");
        var good = new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = "after the bad ones" });
        var body = new
        {
            stream = new object[]
            {
                "not an object",
                new { client_req_id = Guid.NewGuid(), mk_event_type = "urn:fleep:client:conv:no_such_event", @params = new { } },
                new { client_req_id = Guid.NewGuid(), @params = new { } },
                new { client_req_id = "not-a-uuid", mk_event_type = "urn:fleep:client:conv:leave", @params = new { conversation_id = conversation } },
                new { client_req_id = Guid.NewGuid(), mk_event_type = 42, @params = new { } },
                new { client_req_id = Guid.NewGuid(), mk_event_type = "urn:fleep:client:conv:leave", @params = "not an object" },
                new { client_req_id = Guid.NewGuid(), mk_event_type = "urn:fleep:client:organisation:get",
                    @params = new { organisation_id = Guid.NewGuid() } },
                new { client_req_id = Guid.NewGuid(), mk_event_type = "urn:fleep:client:conv:add_admins",
                    @params = new { conversation_id = conversation, account_ids = new[] { Guid.NewGuid() } } },
                good.ToJson(),
            },
        };

        var result = new EventBatchResult((await alice.PostAsync("/api/event/store", body)).EnsureOk());

        var statuses = result.Requests.Select(r => r.GetProperty("status_code").GetInt32()).ToList();
        Assert.Equal([400, 400, 400, 400, 400, 400, 431, 431, 200], statuses);
        var errors = result.Requests.Take(8).Select(r => r.Str("error_id")).ToList();
        Assert.Equal(["invalid_param", "unknown_event", "missing_param", "invalid_param", "invalid_param", "invalid_param", "not_supported", "not_supported"], errors);
        Assert.Contains("managed conversations", result.Requests[7].Str("error_message"));
        Assert.Equal("after the bad ones", (await alice.HeaderAsync(conversation)).Str("topic"));
        // The refused leave (bad client_req_id, bad params) did not run.
        Assert.True((await alice.HeaderAsync(conversation)).Bool("can_post"));
    }

    [Theory]
    [InlineData("""{"stream": "nope"}""", "invalid_param")]
    [InlineData("""{"stream": {"a": 1}}""", "invalid_param")]
    [InlineData("""{}""", "missing_param")]
    [InlineData("""{"stream": null}""", "missing_param")]
    public async Task A_broken_envelope_is_an_HTTP_error(string body, string errorId)
    {
        using var alice = await server.NewAccountAsync();
        var withTicket = body.Insert(1, $"\"ticket\": \"{alice.Ticket}\"{(body == "{}" ? "" : ", ")}");
        (await alice.PostRawAsync("/api/event/store", withTicket)).AssertError(400, errorId);
    }

    [Fact]
    public async Task Without_a_session_the_batch_is_refused()
    {
        using var anonymous = new FleepTestClient(server.BaseAddress);
        (await anonymous.PostAsync("/api/event/store", new { stream = Array.Empty<object>() })).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task An_empty_batch_answers_empty_lists()
    {
        using var alice = await server.NewAccountAsync();
        var result = (await alice.PostAsync("/api/event/store", new { stream = Array.Empty<object>() })).EnsureOk();
        Assert.Empty(result.Json.GetProperty("stream").EnumerateArray());
        Assert.Empty(result.Json.GetProperty("requests").EnumerateArray());
    }

    [Fact]
    public async Task A_repeated_client_req_id_answers_the_first_result_without_applying_again()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var first = await alice.EventAsync("conv:create", new { topic = "once", account_ids = new[] { bob.AccountId } });
        var id = first.Request.GetProperty("client_req_id").GetGuid();
        var conversation = first.Identifier.GetProperty("conversation_id").GetGuid();

        var again = await alice.EventAsync("conv:create", new { topic = "once", account_ids = new[] { bob.AccountId } }, id);
        Assert.Equal(200, again.Status);
        Assert.Equal(conversation, again.Identifier.GetProperty("conversation_id").GetGuid());
        var list = (await alice.PostAsync("/api/conversation/list")).EnsureOk().Json.GetProperty("conversations").EnumerateArray().ToList();
        Assert.Single(list, c => c.Str("topic") == "once");

        // The same id within one batch is a retry too; for another event type it is refused.
        var batch = await alice.EventsAsync(
            new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = "t1" }, Guid.Parse("7c1f6f57-8f40-4a7e-9a38-1f0f4f43a001")),
            new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = "t2" }, Guid.Parse("7c1f6f57-8f40-4a7e-9a38-1f0f4f43a001")),
            new TestEvent("conv:leave", new { conversation_id = conversation }, id));
        Assert.Equal([200, 200, 431], batch.Requests.Select(r => r.GetProperty("status_code").GetInt32()));
        Assert.Equal("client_req_id_reused", batch.Requests[2].Str("error_id"));
        Assert.Equal("t1", (await alice.HeaderAsync(conversation)).Str("topic"));
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole()
    {
        using var alice = await server.NewAccountAsync();
        var events = Enumerable.Range(0, 501).Select(_ => new TestEvent("account:add_flag", new { client_flag = "x" }).ToJson()).ToArray();
        (await alice.PostAsync("/api/event/store", new { stream = events })).AssertError(400, "invalid_param");
    }

    [Fact]
    public async Task A_batch_of_fifty_mixed_events_runs_in_order_and_the_other_member_sees_it_in_that_order()
    {
        using var alice = await server.NewAccountAsync();
        using var bob = await server.NewAccountAsync();
        var conversation = await alice.CreateConversationAsync("fifty", bob);
        var bobHorizon = await bob.HorizonAsync();

        var events = new List<TestEvent>();
        for (var i = 0; i < 50; i++)
        {
            events.Add((i % 5) switch
            {
                0 => new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = $"topic {i}" }),
                1 => new TestEvent("account:add_flag", new { client_flag = $"flag{i}" }),
                2 => new TestEvent("conv:set_writing", new { conversation_id = conversation }),
                3 => new TestEvent("conv:set_topic", new { conversation_id = conversation, topic = 7 }), // refused: wrong type
                _ => new TestEvent("conv:mute", new { conversation_id = conversation }),
            });
        }

        var result = await alice.EventsAsync([.. events]);

        Assert.Equal(events.Select(e => e.Id), result.Requests.Select(r => r.GetProperty("client_req_id").GetGuid()));
        Assert.Equal(events.Select((_, i) => i % 5 == 3 ? 400 : 200), result.Requests.Select(r => r.GetProperty("status_code").GetInt32()));
        Assert.Equal("topic 45", (await alice.HeaderAsync(conversation)).Str("topic"));

        // Bob's stream shows the topic changes in the batch's order.
        var topics = (await bob.PollSinceAsync(bobHorizon))
            .Where(r => r.Str("mk_rec_type") == "conv" && r.Has("topic")).Select(r => r.Str("topic")).Distinct().ToList();
        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"topic {i * 5}"), topics);
    }
}
