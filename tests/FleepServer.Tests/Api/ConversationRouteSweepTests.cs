using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Routing;

namespace FleepServer.Tests.Api;

/// <summary>Every conversation and message route needs a live session: without one, 401 before anything else.</summary>
public sealed class ConversationRouteSweepTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Every_conversation_and_message_route_refuses_calls_without_a_live_session()
    {
        using var a = await server.NewAccountAsync();
        var conv = await a.CreateConversationAsync("sweep");
        var routes = server.Services.GetServices<EndpointDataSource>().SelectMany(s => s.Endpoints).OfType<RouteEndpoint>()
            .Select(e => e.RoutePattern.RawText!)
            .Where(r => r.StartsWith("/api/conversation/", StringComparison.Ordinal) || r.StartsWith("/api/message/", StringComparison.Ordinal))
            .Distinct().ToList();
        Assert.True(routes.Count >= 30, $"only {routes.Count} routes found");

        using var anonymous = server.NewClient();
        foreach (var route in routes)
        {
            var path = route.Replace("{conversationId}", conv.ToString());
            var body = new { message = "x", message_nr = 2, topic = "t", conv_url_key = conv.ToString(), to_conv_id = conv, mk_alert_level = "never" };

            (await anonymous.PostAsync(path, body)).AssertError(401, "not_authenticated");
            var wrongTicket = await anonymous.PostRawAsync(path, $$"""{"ticket": "wrong", "message": "x"}""", cookieHeader: $"token_id={a.Token}");
            wrongTicket.AssertError(401, "not_authenticated");
        }

        Assert.Equal(1, (await a.HeaderAsync(conv)).Long("last_message_nr"));
    }
}
