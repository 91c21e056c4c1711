using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Api;

/// <summary>
/// api/classificators: GET with the ticket in the query string, or POST with it
/// in the body, answers every classificator keyed by name with its values and their descriptions.
/// </summary>
public sealed class ClassificatorTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>The answer of Fleep.getClassificators in Fleep's API reference, verbatim.</summary>
    private const string Seed = """
        mk_account_status:
        new - email has been registered but is goodness is unknown
        active - user has stored a password and can participate
        banned - user has been banned for some unacceptable activity
        closed - user has requested this account to be closed
        mk_message_type:
        Different messages that may come up in our message flow
        text - text message written by user
        email - message send over email
        separator - taskboard separator
        create - conversation created.
        add - listed members were added to the conversation. Message: members = <list of account_id's>
        leave - when member left the conversation
        kick - when member is removed from conversation
        topic - when someone changed conversation topic. Message: topic = <topic>
        alerts - alert level (never, default)
        disclose - user disclosed previous content to members
        hook - user created hook for the conversation
        unhook - user dropped hook from the conversation
        add_team - new team added to the conversation
        kick_team - team removed from the conversation
        hangout - hangout video call was created
        separator - taskboard separator
        replace - member replcaced email with alternate email
        share - auto join url was enabled for conversation
        unshare - auto join url was disabled for conversation
        autojoin - member used auto join url to join
        delfile - obsolete file delete message
        mk_alert_level:
        Alerting level for conversation.
        never - do not alert for this conversation
        default - default behaviour
        mk_email_interval:
        Notification emails for the user.
        default - default behaviour is email participation
        daily - email notifications only
        never - no emails at all ever
        """;

    /// <summary>The reference's lists: a line ending in ':' names a classificator, "value - description" lines are its values, other lines describe it.</summary>
    private static List<(string Name, List<(string Value, string Description)> Values)> Expected()
    {
        var result = new List<(string, List<(string, string)>)>();
        foreach (var line in Seed.Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0))
        {
            if (line.StartsWith("mk_", StringComparison.Ordinal) && line.EndsWith(':'))
            {
                result.Add((line.TrimEnd(':'), []));
            }
            else if (line.IndexOf(" - ", StringComparison.Ordinal) is > 0 and var dash && !line[..dash].Contains(' '))
            {
                result[^1].Item2.Add((line[..dash], line[(dash + 3)..]));
            }
        }

        return result;
    }

    private static Task<FleepResponse> GetAsync(FleepTestClient client, string query, string? cookie = null) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/classificators{query}"), cookie);

    private static void AssertSeedValues(JsonElement answer)
    {
        var expected = Expected();
        Assert.Equal(4, expected.Count);
        Assert.Equal(4, expected[0].Values.Count);
        Assert.Equal(21, expected[1].Values.Count);
        Assert.Equal(expected.Select(e => e.Name).Order(), answer.EnumerateObject().Select(p => p.Name).Order());
        foreach (var (name, values) in expected)
        {
            var actual = answer.GetProperty(name);
            Assert.Equal(JsonValueKind.Object, actual.ValueKind);
            // "separator" is listed twice by the reference; as a key it is there once.
            var distinct = values.DistinctBy(v => v.Value).ToList();
            Assert.Equal(distinct.Count, actual.EnumerateObject().Count());
            foreach (var (value, description) in distinct)
            {
                Assert.True(actual.TryGetProperty(value, out var text), $"{name} lacks {value}");
                Assert.Equal(description, text.GetString());
            }
        }

        Assert.Equal(20, answer.GetProperty("mk_message_type").EnumerateObject().Count());
        Assert.Equal("taskboard separator", answer.GetProperty("mk_message_type").Str("separator"));
    }

    [Fact]
    public async Task A_get_with_the_query_ticket_answers_every_value_of_the_seed()
    {
        using var client = await server.NewAccountAsync();

        var response = (await GetAsync(client, $"?ticket={client.Ticket}")).EnsureOk();

        Assert.Equal("application/json", response.Raw.Content.Headers.ContentType?.MediaType);
        AssertSeedValues(response.Json);
    }

    [Fact]
    public async Task A_post_with_the_ticket_in_the_body_answers_the_same()
    {
        using var client = await server.NewAccountAsync();

        var post = (await client.PostAsync("/api/classificators")).EnsureOk();
        var get = (await GetAsync(client, $"?ticket={client.Ticket}")).EnsureOk();

        AssertSeedValues(post.Json);
        Assert.Equal(get.Json.GetRawText(), post.Json.GetRawText());
    }

    [Fact]
    public async Task Without_a_live_session_the_get_is_401()
    {
        using var client = await server.NewAccountAsync();
        using var other = await server.NewAccountAsync();

        (await GetAsync(client, "")).AssertError(401, "not_authenticated");
        (await GetAsync(client, "?ticket=")).AssertError(401, "not_authenticated");
        (await GetAsync(client, "?ticket=wrong")).AssertError(401, "not_authenticated");
        (await GetAsync(client, $"?ticket={other.Ticket}")).AssertError(401, "not_authenticated");
        (await GetAsync(client, $"?ticket={client.Ticket}", cookie: "garbage")).AssertError(401, "not_authenticated");
        (await GetAsync(client, $"?ticket={client.Ticket}", cookie: $"token_id={Guid.NewGuid()}")).AssertError(401, "not_authenticated");
        (await client.PostAsync("/api/classificators", new { ticket = "wrong" })).AssertError(401, "not_authenticated");

        (await client.PostAsync("/api/account/logout")).EnsureOk();
        (await GetAsync(client, $"?ticket={client.Ticket}")).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task The_query_ticket_serves_only_this_get()
    {
        using var client = await server.NewAccountAsync();

        // A JSON call still takes its ticket from the body only; other API paths still refuse GET.
        (await client.PostRawAsync($"/api/classificators?ticket={client.Ticket}", "{}")).AssertError(401, "not_authenticated");
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"/api/account/sync?ticket={client.Ticket}"))).AssertError(405);
        (await client.SendAsync(new HttpRequestMessage(HttpMethod.Put, $"/api/classificators?ticket={client.Ticket}"))).AssertError(405);
    }

    [Fact]
    public async Task The_query_ticket_is_not_logged()
    {
        using var client = await server.NewAccountAsync();

        (await GetAsync(client, $"?ticket={client.Ticket}")).EnsureOk();

        await server.Logs.WaitForAsync(l => l.Contains("GET") && l.Contains("/api/classificators") && l.Contains("-> 200"));
        Assert.DoesNotContain(server.Logs.RenderAll(), line => line.Contains(client.Ticket!, StringComparison.OrdinalIgnoreCase));
    }
}
