using System.Net;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Security;

/// <summary>
/// Transport-level refusals carry Fleep's JSON error body too (docs/compatibility.md, "Requests"
/// and "Error body").
/// </summary>
public sealed class ProtocolErrorTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Unknown_method_is_404()
    {
        using var client = await server.NewAccountAsync();

        (await client.PostAsync("/api/account/no_such_method")).AssertError(404, "not_found");
        (await client.PostAsync("/api/nothing")).AssertError(404, "not_found");
    }

    [Fact]
    public async Task Get_on_an_api_path_is_405()
    {
        using var client = server.NewClient();

        var response = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/api/account/login"));

        response.AssertError(405, "method_not_allowed");
    }

    [Fact]
    public async Task Duplicate_and_trailing_slashes_reach_the_method()
    {
        using var client = await server.NewAccountAsync();

        foreach (var path in new[] { "//api/account/configure", "/api//account/configure", "/api/account/configure/" })
        {
            var request = new HttpRequestMessage(HttpMethod.Post, new Uri(server.BaseAddress.GetLeftPart(UriPartial.Authority) + path))
            {
                Content = new StringContent($"{{\"ticket\":\"{client.Ticket}\"}}", System.Text.Encoding.UTF8, "application/json"),
            };
            (await client.SendAsync(request)).EnsureOk();
        }
    }

    [Fact]
    public async Task A_missing_content_type_is_accepted_when_the_body_is_json()
    {
        using var client = await server.NewAccountAsync();

        var response = await client.PostRawAsync("/api/account/configure", $"{{\"ticket\":\"{client.Ticket}\"}}", contentType: null);

        response.EnsureOk();
    }

    [Fact]
    public async Task Health_endpoints_answer_without_a_session()
    {
        using var client = server.NewClient();

        var live = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health"));
        var ready = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/health/ready"));

        // ASP.NET Core health checks answer the aggregate status as plain text.
        Assert.Equal(HttpStatusCode.OK, live.Status);
        Assert.Equal("Healthy", await live.Raw.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, ready.Status);
        Assert.Equal("Healthy", await ready.Raw.Content.ReadAsStringAsync());
    }
}
