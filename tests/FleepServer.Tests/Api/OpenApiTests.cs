using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.OpenApi;
using Microsoft.OpenApi.Reader;

namespace FleepServer.Tests.Api;

/// <summary>A server with the API reference switched on, as Development (or the setting) does.</summary>
public sealed class ApiReferenceServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:ApiReference:Enabled"] = "true",
    };
}

/// <summary>
/// The OpenAPI document at /openapi/v1.json is valid OpenAPI 3, lists exactly the routes the server
/// maps, describes answers under Fleep's own field names, and /docs shows it with nothing loaded
/// from another origin.
/// </summary>
public sealed class OpenApiTests(ApiReferenceServerFixture server) : IClassFixture<ApiReferenceServerFixture>
{
    private async Task<(OpenApiDocument Document, OpenApiDiagnostic Diagnostic, JsonElement Json)> ReadDocumentAsync()
    {
        using var client = server.NewClient();
        var response = (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, ApiReference.DocumentPath))).EnsureOk();
        var text = await response.Raw.Content.ReadAsStringAsync();
        var result = OpenApiDocument.Parse(text, "json", new OpenApiReaderSettings());
        Assert.NotNull(result.Document);
        return (result.Document, result.Diagnostic!, response.Json);
    }

    [Fact]
    public async Task The_document_is_valid_openapi_3()
    {
        var (document, diagnostic, json) = await ReadDocumentAsync();

        Assert.StartsWith("3.", json.GetProperty("openapi").GetString());
        Assert.True(diagnostic.Errors.Count == 0, string.Join("\n", diagnostic.Errors));
        Assert.True(diagnostic.Warnings.Count == 0, string.Join("\n", diagnostic.Warnings));
        var errors = document.Validate(ValidationRuleSet.GetDefaultRuleSet())!.ToList();
        Assert.True(errors.Count == 0, string.Join("\n", errors));
        Assert.NotEmpty(document.Paths);
    }

    [Fact]
    public async Task The_document_lists_exactly_the_routes_the_server_maps()
    {
        var (document, _, _) = await ReadDocumentAsync();
        var mapped = ServedRoutes().SelectMany(e => Methods(e).Select(method => $"{method} {Path(e.RoutePattern)}")).ToList();
        var documented = document.Paths
            .SelectMany(path => path.Value.Operations!.Keys.Select(method => $"{method.Method.ToUpperInvariant()} {path.Key}"))
            .ToList();

        Assert.Equal(mapped.Count, mapped.Distinct().Count());
        Assert.Equal(documented.Count, documented.Distinct().Count());
        Assert.True(mapped.Count > 60, $"only {mapped.Count} routes mapped");
        Assert.Equal(mapped.Count, documented.Count);
        Assert.Equal(mapped.Order(StringComparer.Ordinal), documented.Order(StringComparer.Ordinal));
        Assert.Contains("POST /hook/{token}", documented);
        Assert.Contains("GET /health", documented);
        Assert.Contains("GET /health/ready", documented);
    }

    [Fact]
    public async Task Every_operation_has_a_description_and_every_api_call_its_contract_comment()
    {
        var (document, _, _) = await ReadDocumentAsync();

        foreach (var (path, item) in document.Paths)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                Assert.False(string.IsNullOrWhiteSpace(operation.Description), $"{method} {path} has no description");
            }
        }

        var send = document.Paths["/api/message/send/{conversationId}"].Operations![HttpMethod.Post];
        Assert.Equal("message/send", send.Summary);
        Assert.StartsWith("POST api/message/send/", send.Description);
        Assert.Contains("client_req_id", send.RequestBody!.Content!["application/json"].Schema!.Properties!.Keys);
    }

    [Fact]
    public async Task The_message_send_answer_matches_its_schema()
    {
        var (document, _, _) = await ReadDocumentAsync();
        using var owner = await server.NewAccountAsync("owner");
        using var other = await server.NewAccountAsync("other");
        var conversationId = await owner.CreateConversationAsync("Schema check", other);

        var answer = (await owner.SendAsync(conversationId, "hello, schema")).EnsureOk();

        var schema = document.Paths["/api/message/send/{conversationId}"].Operations![HttpMethod.Post]
            .Responses!["200"].Content!["application/json"].Schema!;
        AssertMatches(schema, answer.Json, "message/send");
        AssertMatches(schema.Properties!["header"], answer.Header(), "header");
    }

    [Fact]
    public async Task Every_api_call_declares_the_fleep_error_body()
    {
        var (document, _, _) = await ReadDocumentAsync();
        using var owner = await server.NewAccountAsync("owner");
        var refusal = await owner.SendAsync(Guid.NewGuid(), "nowhere");
        Assert.NotEqual(HttpStatusCode.OK, refusal.Status);

        var apiCalls = document.Paths.Where(path => !path.Key.StartsWith("/health", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(apiCalls);
        foreach (var (path, item) in apiCalls)
        {
            foreach (var (method, operation) in item.Operations!)
            {
                Assert.True(operation.Responses!.TryGetValue("default", out var error), $"{method} {path} declares no error answer");
                AssertMatches(error.Content!["application/json"].Schema!, refusal.Json, $"{method} {path} error");
            }
        }
    }

    [Fact]
    public async Task The_reference_page_loads_nothing_from_another_origin()
    {
        using var client = server.NewClient();

        var bare = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, ApiReference.PagePath));
        Assert.Equal(HttpStatusCode.Redirect, bare.Status);
        Assert.Equal("/docs/v1", bare.Raw.Headers.Location?.OriginalString);

        var page = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "/docs/v1"));
        Assert.Equal(HttpStatusCode.OK, page.Status);
        Assert.Equal("text/html", page.Raw.Content.Headers.ContentType?.MediaType);
        var html = await page.Raw.Content.ReadAsStringAsync();
        Assert.DoesNotContain("https://", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("http://", html, StringComparison.OrdinalIgnoreCase);
        var references = Regex.Matches(html, "(?:src|href)=\"([^\"]*)\"").Select(match => match.Groups[1].Value).ToList();
        Assert.NotEmpty(references);
        Assert.All(references, reference => Assert.DoesNotMatch("^(//|[a-z][a-z0-9+.-]*:)", reference.ToLowerInvariant()));
        // The page's script would otherwise fetch its fonts from the vendor.
        Assert.Contains("\"withDefaultFonts\":false", html);

        var scripts = Regex.Matches(html, "<script[^>]* src=\"([^\"]+)\"").Select(match => match.Groups[1].Value).ToList();
        Assert.Contains("scalar.js", scripts);
        foreach (var script in scripts)
        {
            var asset = await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, $"{ApiReference.PagePath}/{script}"));
            Assert.Equal(HttpStatusCode.OK, asset.Status);
            Assert.Equal("text/javascript", asset.Raw.Content.Headers.ContentType?.MediaType);
            Assert.True(asset.Raw.Content.Headers.ContentLength > 0);
        }
    }

    [Fact]
    public void The_reference_routes_need_no_session_and_are_not_api_calls()
    {
        var reference = RouteEndpoints().Where(IsReferenceRoute).ToList();

        Assert.Contains(reference, e => e.RoutePattern.RawText == "/openapi/{documentName}.json");
        Assert.Contains(reference, e => e.RoutePattern.RawText == ApiReference.PagePath);
        Assert.All(reference, e =>
        {
            Assert.NotNull(e.Metadata.GetMetadata<IAllowAnonymous>());
            Assert.DoesNotContain("/api/", e.RoutePattern.RawText, StringComparison.Ordinal);
        });
    }

    /// <summary>
    /// The declared properties (after <c>$ref</c>s, which the reader resolves) cover every property
    /// of the real answer, and every property the schema requires is in it.
    /// </summary>
    private static void AssertMatches(IOpenApiSchema schema, JsonElement actual, string what)
    {
        var declared = schema.Properties?.Keys.ToHashSet() ?? [];
        var required = schema.Required ?? new HashSet<string>();
        var present = actual.EnumerateObject().Select(p => p.Name).ToHashSet();
        Assert.NotEmpty(declared);
        Assert.NotEmpty(required);

        Assert.True(present.IsSubsetOf(declared), $"{what}: undeclared {string.Join(", ", present.Except(declared))}");
        Assert.True(required.IsSubsetOf(present), $"{what}: missing required {string.Join(", ", required.Except(present))}");
    }

    private IEnumerable<RouteEndpoint> RouteEndpoints() =>
        server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>();

    /// <summary>Every route but the reference's own and the POST fallback, which answers unknown paths.</summary>
    private IEnumerable<RouteEndpoint> ServedRoutes() =>
        RouteEndpoints().Where(e => !IsReferenceRoute(e) && !IsWebClientRoute(e) && e.RoutePattern.PathSegments is not [{ Parts: [RoutePatternParameterPart { IsCatchAll: true }] }]);

    private static bool IsReferenceRoute(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText is { } raw &&
        (raw.StartsWith("/openapi/", StringComparison.Ordinal) || raw == ApiReference.PagePath || raw.StartsWith(ApiReference.PagePath + "/", StringComparison.Ordinal));

    // The web client's page (docs/web-client.md) is not an API call.
    private static bool IsWebClientRoute(RouteEndpoint endpoint) =>
        endpoint.RoutePattern.RawText is { } raw && WebClientEndpoints.Routes.Contains(raw);

    // An endpoint that names no method (the health probes) answers any; the document describes the GET a probe sends.
    private static IEnumerable<string> Methods(RouteEndpoint endpoint) =>
        endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"];

    // "/hook/{**token}" → "/hook/{token}", as OpenAPI writes a path parameter.
    private static string Path(RoutePattern pattern) =>
        "/" + string.Join('/', pattern.PathSegments.Select(segment => string.Concat(segment.Parts.Select(part => part switch
        {
            RoutePatternLiteralPart literal => literal.Content,
            RoutePatternParameterPart parameter => $"{{{parameter.Name}}}",
            RoutePatternSeparatorPart separator => separator.Content,
            _ => throw new InvalidOperationException($"unexpected route part {part}"),
        }))));
}

/// <summary>Without the setting, outside Development, neither the document nor the page is served.</summary>
public sealed class OpenApiDisabledTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task Off_by_default_they_answer_as_any_unknown_path()
    {
        using var client = server.NewClient();

        // Every GET the server does not serve meets the POST-only fallback: Fleep's 405, as a GET of an API call does.
        foreach (var path in new[] { ApiReference.DocumentPath, ApiReference.PagePath, "/docs/v1", "/docs/scalar.js" })
        {
            (await client.SendAsync(new HttpRequestMessage(HttpMethod.Get, path))).AssertError(405, "method_not_allowed");
        }

        Assert.DoesNotContain(server.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>(),
            e => e.RoutePattern.RawText is { } raw && (raw.StartsWith("/openapi/", StringComparison.Ordinal) || raw.StartsWith("/docs", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData(null, "Development", true)]
    [InlineData(null, "Production", false)]
    [InlineData(null, "Testing", false)]
    [InlineData(false, "Development", false)]
    [InlineData(true, "Production", true)]
    public void The_setting_decides_and_unset_the_environment_does(bool? enabled, string environment, bool served)
    {
        var options = new ApiReferenceOptions { Enabled = enabled };

        Assert.Equal(served, ApiReference.IsEnabled(options, new HostingEnvironment { EnvironmentName = environment }));
    }

    [Fact]
    public void The_shipped_settings_leave_it_to_the_environment_and_a_setting_overrides_them()
    {
        var shipped = new ConfigurationBuilder().AddJsonFile(System.IO.Path.Combine(AppContext.BaseDirectory, "appsettings.json")).Build();
        Assert.Null(shipped.GetSection(FleepOptions.Section).Get<FleepOptions>()!.ApiReference.Enabled);

        var overridden = new ConfigurationBuilder()
            .AddConfiguration(shipped)
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Fleep:ApiReference:Enabled"] = "true" })
            .Build();
        Assert.True(overridden.GetSection(FleepOptions.Section).Get<FleepOptions>()!.ApiReference.Enabled);
    }
}
