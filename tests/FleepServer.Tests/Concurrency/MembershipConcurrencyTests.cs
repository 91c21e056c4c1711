using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Concurrency;

/// <summary>
/// Membership changes of one conversation at once: adds, removals, leaves, autojoins and topic
/// changes (some by members who are leaving or being removed at the same moment).
/// </summary>
public sealed class MembershipConcurrencyTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Concurrent_membership_changes_leave_one_member_list_that_every_member_and_the_database_agree_on()
    {
        var owner = await server.NewAccountAsync("owner");
        var members = await Task.WhenAll(Enumerable.Range(1, 8).Select(i => server.NewAccountAsync($"m{i}")));
        var added = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => server.NewAccountAsync($"added{i}")));
        var joiners = await Task.WhenAll(Enumerable.Range(1, 4).Select(i => server.NewAccountAsync($"joiner{i}")));
        FleepTestClient[] everyone = [owner, .. members, .. added, .. joiners];
        try
        {
            var conv = await owner.CreateConversationAsync("crowd", members);
            var url = (await owner.ConvAsync("store", conv, new { is_autojoin = true })).EnsureOk().Header().Str("autojoin_url");
            var key = url[(url.LastIndexOf('/') + 1)..];
            var horizons = new Dictionary<Guid, long>();
            foreach (var client in everyone)
            {
                horizons[client.AccountId] = await client.HorizonAsync();
            }

            // m1..m3 leave, m4 and m5 are removed (m5 by two members at once), m6..m8 stay;
            // added1..4 are added by two members, joiners join by the autojoin key.
            var mustSucceed = new List<Func<Task<FleepResponse>>>
            {
                () => owner.ConvAsync("add_members", conv, new { account_ids = new[] { added[0].AccountId, added[1].AccountId } }),
                () => members[7].ConvAsync("add_members", conv, new { account_ids = new[] { added[2].AccountId, added[3].AccountId } }),
                () => members[6].ConvAsync("remove_members", conv, new { account_ids = new[] { members[3].AccountId, members[4].AccountId } }),
                () => owner.ConvAsync("set_topic", conv, new { topic = "topic by owner" }),
                () => members[5].ConvAsync("set_topic", conv, new { topic = "topic by m6" }),
                () => members[6].ConvAsync("store", conv, new { topic = "topic by m7" }),
                () => members[7].SendAsync(conv, "still here"),
            };
            mustSucceed.AddRange(members[..3].Select(m => (Func<Task<FleepResponse>>)(() => m.ConvAsync("leave", conv, new { }))));
            mustSucceed.AddRange(joiners.Select(j => (Func<Task<FleepResponse>>)(() => j.PostAsync("/api/conversation/autojoin", new { conv_url_key = key }))));
            // Calls racing the caller's own leave or removal: refused with a 4xx once it is out, never a 5xx.
            var mayBeRefused = new List<Func<Task<FleepResponse>>>
            {
                () => members[5].ConvAsync("remove_members", conv, new { account_ids = new[] { members[4].AccountId } }),
                () => members[0].ConvAsync("set_topic", conv, new { topic = "topic by m1" }),
                () => members[3].ConvAsync("set_topic", conv, new { topic = "topic by m4" }),
                () => members[4].SendAsync(conv, "am I still in?"),
            };

            var responses = await ConcurrentCalls.RunAsync(mustSucceed.Concat(mayBeRefused));

            Assert.Equal(mustSucceed.Count + mayBeRefused.Count, responses.Length);
            server.AssertNoServerErrors(responses);
            server.AssertAllOk(responses[..mustSucceed.Count]);
            var refused = responses[mustSucceed.Count..].Where(r => r.StatusCode != 200).ToList();
            Assert.All(refused, r => Assert.InRange(r.StatusCode, 400, 499));
            TestContext.Current.SendDiagnosticMessage($"membership race: {responses[mustSucceed.Count..].Tally()} for the calls racing their caller's exit");

            HashSet<Guid> expected = [owner.AccountId, .. members[5..].Select(m => m.AccountId), .. added.Select(a => a.AccountId), .. joiners.Select(j => j.AccountId)];
            await using var db = server.OpenDb();
            var active = await db.ConversationMembers.AsNoTracking()
                .Where(m => m.ConversationId == conv && m.LeaveMessageNr == null).Select(m => m.AccountId).ToListAsync();
            var labels = new Dictionary<Guid, string> { [owner.AccountId] = "owner" };
            foreach (var (group, label) in new[] { (members, "m"), (added, "added"), (joiners, "joiner") })
            {
                for (var i = 0; i < group.Length; i++)
                {
                    labels[group[i].AccountId] = $"{label}{i + 1}";
                }
            }

            string Names(IEnumerable<Guid> ids) => string.Join(", ", ids.Select(id => labels.GetValueOrDefault(id, id.ToString())).Order());
            Assert.True(expected.SetEquals(active) && active.Count == expected.Count,
                $"the database has members [{Names(active)}], expected [{Names(expected)}]; answers: {string.Join(", ", responses.Select(r => r.StatusCode))}");
            var stored = await db.Conversations.AsNoTracking().SingleAsync(c => c.Id == conv);
            var flow = await db.Messages.AsNoTracking().Where(m => m.ConversationId == conv).Select(m => m.MessageNr).OrderBy(n => n).ToListAsync();
            Assert.Equal(Enumerable.Range(1, (int)stored.LastMessageNr).Select(i => (long)i), flow);
            Assert.Contains(stored.Topic, new[] { "topic by owner", "topic by m6", "topic by m7", "topic by m1", "topic by m4" });

            var current = everyone.Where(c => expected.Contains(c.AccountId)).ToList();
            Assert.Equal(12, current.Count);
            foreach (var client in current)
            {
                var header = await client.HeaderAsync(conv);
                var seen = header.Ids("members");
                Assert.True(expected.SetEquals(seen) && seen.Count == expected.Count,
                    $"{labels[client.AccountId]} sees members [{Names(seen)}], expected [{Names(expected)}]");
                Assert.Equal(stored.Topic, header.Str("topic"));
                Assert.Equal(stored.LastMessageNr, header.Long("last_message_nr"));

                // The last member list the member's stream carried is the final one too.
                var lists = (await client.PollToEndAsync(horizons[client.AccountId]))
                    .Where(r => r.Str("mk_rec_type") == "conv" && r.GetProperty("conversation_id").GetGuid() == conv && r.Has("members"))
                    .ToList();
                Assert.True(lists.Count > 0, $"{client.AccountId}'s stream carried no member list");
                var last = lists[^1].Ids("members");
                Assert.True(expected.SetEquals(last) && last.Count == expected.Count,
                    $"{labels[client.AccountId]}'s stream ends with members [{Names(last)}]");
            }

            // Those who are out: leavers still read up to their leave, and neither they nor the removed may post.
            foreach (var gone in members[..5])
            {
                Assert.DoesNotContain(gone.AccountId, active);
                var answer = await gone.SendAsync(conv, "after the end");
                Assert.InRange(answer.StatusCode, 400, 499);
            }
        }
        finally
        {
            foreach (var client in everyone)
            {
                client.Dispose();
            }
        }
    }
}
