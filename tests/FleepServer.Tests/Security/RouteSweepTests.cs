using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;

namespace FleepServer.Tests.Security;

/// <summary>
/// Every mapped API route, enumerated from the endpoint data source, refuses a call without a live
/// session: no cookie, a cookie without ticket, and a cookie with another session's ticket — all
/// 401 with Fleep's error body. Only the routes on the allow-list may be called anonymously.
/// </summary>
public sealed class RouteSweepTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    /// <summary>The calls that start a session or act on a mailed code or link (docs/mail.md): none has a session yet.</summary>
    private static readonly string[] AnonymousAllowList =
    [
        "/api/account/login", "/api/account/register", "/api/account/register/v2", "/api/account/prepare/v2", "/api/account/confirm/v2",
        "/api/account/confirm", "/api/account/reset_password", "/api/account/confirm_password",
        "/api/account/configure_email_interval", "/api/account/unsubscribe",
    ];

    private IReadOnlyList<RouteEndpoint> ApiEndpoints() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/", StringComparison.Ordinal) == true)
            .ToList();

    private static string Path(RouteEndpoint endpoint) =>
        string.Join('/', endpoint.RoutePattern.PathSegments.Select(segment => segment.IsSimple && segment.Parts[0] is Microsoft.AspNetCore.Routing.Patterns.RoutePatternLiteralPart literal
            ? literal.Content
            : Guid.NewGuid().ToString())).Insert(0, "/");

    [Fact]
    public void Only_the_allow_list_is_anonymous()
    {
        var anonymous = ApiEndpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is not null)
            .Select(e => e.RoutePattern.RawText!)
            .Order()
            .ToArray();

        Assert.Equal(AnonymousAllowList.Order().ToArray(), anonymous);
        Assert.True(ApiEndpoints().Count > AnonymousAllowList.Length);
    }

    [Fact]
    public async Task Every_other_route_refuses_calls_without_a_live_session()
    {
        using var owner = await server.NewAccountAsync("owner");
        using var other = await server.NewAccountAsync("other");
        using var anonymous = server.NewClient();
        var protectedRoutes = ApiEndpoints()
            .Where(e => e.Metadata.GetMetadata<IAllowAnonymous>() is null)
            .Select(Path)
            .ToList();
        Assert.NotEmpty(protectedRoutes);

        foreach (var path in protectedRoutes)
        {
            (await anonymous.PostAsync(path, new { ticket = owner.Ticket })).AssertError(401, "not_authenticated");
            (await anonymous.PostRawAsync(path, "{}", cookieHeader: $"token_id={owner.Token}")).AssertError(401, "not_authenticated");
            (await anonymous.PostRawAsync(path, $"{{\"ticket\":\"{other.Ticket}\"}}", cookieHeader: $"token_id={owner.Token}"))
                .AssertError(401, "not_authenticated");
            (await anonymous.PostRawAsync(path, $"{{\"ticket\":\"{owner.Ticket}\"}}", cookieHeader: $"token_id={Guid.NewGuid()}"))
                .AssertError(401, "not_authenticated");
        }

        // The same credentials together do work: the refusals above were about the session, not the route.
        (await owner.PostAsync("/api/account/configure")).EnsureOk();
    }

    [Fact]
    public async Task Every_get_route_refuses_calls_without_a_live_session_in_the_query()
    {
        using var owner = await server.NewAccountAsync("owner");
        using var other = await server.NewAccountAsync("other");
        using var anonymous = server.NewClient();
        var getRoutes = ApiEndpoints()
            .Where(e => e.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods.Contains("GET") == true)
            .Select(Path)
            .ToList();
        Assert.NotEmpty(getRoutes);

        foreach (var path in getRoutes)
        {
            Task<FleepResponse> Get(string query, string? cookie) => anonymous.SendAsync(new HttpRequestMessage(HttpMethod.Get, path + query), cookie);
            (await Get($"?ticket={owner.Ticket}", null)).AssertError(401, "not_authenticated");
            (await Get("", $"token_id={owner.Token}")).AssertError(401, "not_authenticated");
            (await Get($"?ticket={other.Ticket}", $"token_id={owner.Token}")).AssertError(401, "not_authenticated");
            (await Get($"?ticket={owner.Ticket}", $"token_id={Guid.NewGuid()}")).AssertError(401, "not_authenticated");
            (await Get($"?ticket={owner.Ticket}", $"token_id={owner.Token}")).EnsureOk();
        }
    }

    [Fact]
    public async Task The_cookie_may_be_replayed_with_its_attributes()
    {
        // The Java echo bot sends back the whole Set-Cookie line as its Cookie header.
        using var client = await server.NewAccountAsync();

        var response = await client.PostRawAsync("/api/account/configure", $"{{\"ticket\":\"{client.Ticket}\"}}",
            cookieHeader: $"token_id={client.Token}; Path=/; HttpOnly; Secure");

        response.EnsureOk();
    }

    [Fact]
    public async Task Idle_sessions_expire()
    {
        using var client = await server.NewAccountAsync();
        (await client.PostAsync("/api/account/configure")).EnsureOk();

        server.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromMinutes(1));

        (await client.PostAsync("/api/account/configure")).AssertError(401, "not_authenticated");
    }

    [Fact]
    public async Task Malformed_tokens_and_tickets_are_401_not_500()
    {
        using var client = await server.NewAccountAsync();
        string[] cookies = ["token_id=", "token_id=not-a-uuid", $"token_id={new string('x', 5000)}", "token_id=00000000-0000-0000-0000-000000000000", "garbage"];

        foreach (var cookie in cookies)
        {
            (await client.PostRawAsync("/api/account/configure", $"{{\"ticket\":\"{client.Ticket}\"}}", cookieHeader: cookie))
                .AssertError(401, "not_authenticated");
        }

        foreach (var ticket in new object?[] { "", 42, true, new[] { client.Ticket }, new string('t', 5000) })
        {
            (await client.PostAsync("/api/account/configure", new { ticket })).AssertError(401, "not_authenticated");
        }
    }

    [Fact]
    public async Task A_json_call_does_not_take_its_ticket_from_the_query_string()
    {
        using var client = await server.NewAccountAsync();

        var response = await client.PostRawAsync($"/api/account/configure?ticket={client.Ticket}", "{}");

        response.AssertError(401, "not_authenticated");
    }
}
