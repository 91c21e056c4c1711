using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FleepServer.Domain.Conversations;
using FleepServer.Errors;
using FleepServer.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc.ApiExplorer;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.AspNetCore.Routing.Patterns;
using Microsoft.Extensions.Options;
using Microsoft.OpenApi;
using Scalar.AspNetCore;

namespace FleepServer.Hosting;

/// <summary>
/// The API's description of itself: the OpenAPI document at <see cref="DocumentPath"/>, generated
/// from the mapped endpoints (the handlers' contract comments are the operation descriptions), and
/// a reference page built from it at <see cref="PagePath"/>, whose script is served from the
/// server itself. Both are served while <c>Fleep:ApiReference:Enabled</c> is true; unset, in the
/// Development environment only. Neither needs a session, and neither is under <c>/api/</c>.
/// </summary>
public static class ApiReference
{
    public const string DocumentPath = "/openapi/v1.json";
    public const string PagePath = "/docs";
    private const string DocumentName = "v1";
    private const string SessionScheme = "session";
    private const string ErrorSchema = "ErrorBody";
    private const string HealthTag = "Health";

    public static IServiceCollection AddFleepApiReference(this IServiceCollection services) =>
        services.AddOpenApi(DocumentName, options =>
        {
            options.ShouldInclude = description => !IsFallback(description);
            options.AddSchemaTransformer(DescribeWireValue);
            options.AddOperationTransformer(DescribeOperationAsync);
            options.AddDocumentTransformer(DescribeDocumentAsync);
        });

    public static WebApplication MapFleepApiReference(this WebApplication app)
    {
        if (!IsEnabled(app.Services.GetRequiredService<IOptions<FleepOptions>>().Value.ApiReference, app.Environment))
        {
            return app;
        }

        app.MapOpenApi("/openapi/{documentName}.json").AllowAnonymous();
        app.MapScalarApiReference(PagePath, options =>
            {
                options
                    .WithTitle("FleepServer API")
                    // The page's relative addresses (its script) resolve under /docs/ at /docs/v1 and /docs/v1/ alike.
                    .AddHeadContent($"<base href=\"{PagePath}/\" />")
                    .WithOpenApiRoutePattern(DocumentPath)
                    // Nothing from elsewhere: the page's script comes from this server, and it loads no
                    // web fonts, reports nothing and offers no hosted services (assistant, SDKs, sharing).
                    .DisableDefaultFonts()
                    .DisableTelemetry()
                    .DisableAgent()
                    .DisableMcp();
                options.ShowDeveloperTools = DeveloperToolsVisibility.Never;
            })
            .AllowAnonymous();

        // The reference sends a bare /docs to /docs/, and the server drops trailing slashes before
        // routing: the two would bounce. So /docs leads to the document's own page, /docs/v1.
        app.MapGet(PagePath, (HttpContext context) => Results.Redirect($"{context.Request.PathBase}{PagePath}/{DocumentName}"))
            .AllowAnonymous()
            .ExcludeFromDescription();
        return app;
    }

    public static bool IsEnabled(ApiReferenceOptions options, IHostEnvironment environment) =>
        options.Enabled ?? environment.IsDevelopment();

    // The POST fallback (one catch-all parameter for the whole path) answers unknown API methods; it is no operation.
    private static bool IsFallback(ApiDescription description) =>
        description.RelativePath is { } path &&
        RoutePatternFactory.Parse(path).PathSegments is [{ Parts: [RoutePatternParameterPart { IsCatchAll: true }] }];

    /// <summary>
    /// Describes values in their canonical form. Numbers and booleans are also read from strings
    /// (<see cref="FleepJson"/>), a leniency for old clients rather than the contract, so their
    /// schemas name only the JSON type. A field that is null is left out (of an answer; in a
    /// request it means the same as absent) unless Fleep sends it as an explicit null. A request
    /// requires the fields its type marks <see cref="RequiredAttribute"/>; an answer always has
    /// the fields that cannot be null.
    /// </summary>
    private static Task DescribeWireValue(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken ct)
    {
        var type = context.JsonTypeInfo.Type;
        var underlying = Nullable.GetUnderlyingType(type) ?? type;
        if (type == typeof(AddressList))
        {
            // Read from one comma-separated string (Fleep's form) or an array of strings.
            schema.Type = null;
            schema.OneOf = [new OpenApiSchema { Type = JsonSchemaType.String }, new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchema { Type = JsonSchemaType.String } }];
        }
        else if (JsonTypeOf(underlying) is { } kind)
        {
            // Also the types whose converter is the server's own, which the generator cannot see into.
            schema.Type = kind | (type == underlying ? 0 : JsonSchemaType.Null);
            schema.Pattern = null;
        }

        if (context.JsonPropertyInfo is { } property && schema.Type is { } nullable && nullable.HasFlag(JsonSchemaType.Null) && !SentAsNull(property))
        {
            schema.Type = nullable & ~JsonSchemaType.Null;
        }

        // (An object's schema also comes here as the schema of a property of that type.)
        if (context.JsonTypeInfo.Kind == JsonTypeInfoKind.Object && schema.Properties is { Count: > 0 })
        {
            var required = IsRequestType(type) || typeof(IFleepRequestPart).IsAssignableFrom(type)
                ? context.JsonTypeInfo.Properties.Where(p => p.AttributeProvider?.IsDefined(typeof(RequiredAttribute), inherit: true) == true)
                : context.JsonTypeInfo.Properties.Where(p => NeverNull(p) || SentAsNull(p));
            schema.Required = required.Select(p => p.Name).Where(schema.Properties.ContainsKey).ToHashSet();
        }

        return Task.CompletedTask;
    }

    private static JsonSchemaType? JsonTypeOf(Type type) =>
        type == typeof(bool) ? JsonSchemaType.Boolean
        : type == typeof(long) || type == typeof(int) || type == typeof(short) ? JsonSchemaType.Integer
        : type == typeof(double) || type == typeof(float) || type == typeof(decimal) ? JsonSchemaType.Number
        : null;

    // From the property's declaration: the serializer's own nullability flag follows the annotations only when it enforces them.
    private static bool NeverNull(JsonPropertyInfo property) =>
        property.AttributeProvider is PropertyInfo declared && new NullabilityInfoContext().Create(declared).ReadState == NullabilityState.NotNull;

    private static bool SentAsNull(JsonPropertyInfo property) =>
        property.AttributeProvider?.GetCustomAttributes(typeof(JsonIgnoreAttribute), inherit: true)
            .OfType<JsonIgnoreAttribute>().Any(ignore => ignore.Condition == JsonIgnoreCondition.Never) == true;

    /// <summary>
    /// Per operation: the request body (a request type binds itself from the JSON body, so the
    /// endpoint does not declare it), the handler's contract comment as the description under a
    /// short summary, the session it needs, and Fleep's error answer for every other status.
    /// </summary>
    private static async Task DescribeOperationAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken ct)
    {
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        var handler = metadata.OfType<MethodInfo>().FirstOrDefault();
        if (handler?.GetParameters().Select(p => p.ParameterType).FirstOrDefault(IsRequestType) is { } requestType)
        {
            operation.RequestBody = new OpenApiRequestBody
            {
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = await context.GetOrCreateSchemaAsync(requestType, null, ct) },
                },
            };
        }

        // The contract comment is too long for a title: it becomes the description, the call's name the summary.
        operation.Description = string.Join("\n\n", new[] { operation.Summary, operation.Description }.Where(text => !string.IsNullOrWhiteSpace(text)));
        operation.Summary = context.Description.RelativePath is { } path ? ShortName(path) : operation.Summary;

        // Grouped as the source groups them: AccountApi's calls under "Account".
        if (handler?.DeclaringType?.Name is { } area && context.Document is { } doc)
        {
            var tag = area.EndsWith("Api", StringComparison.Ordinal) ? area[..^"Api".Length] : area;
            doc.Tags ??= new HashSet<OpenApiTag>();
            if (!doc.Tags.Any(t => t.Name == tag))
            {
                doc.Tags.Add(new OpenApiTag { Name = tag });
            }

            operation.Tags = new HashSet<OpenApiTagReference> { new(tag, doc) };
        }

        if (metadata.OfType<IAuthorizeData>().Any() && !metadata.OfType<IAllowAnonymous>().Any() && context.Document is { } document)
        {
            operation.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SessionScheme, document)] = [] }];
        }

        operation.Responses ??= [];
        operation.Responses["default"] = new OpenApiResponse
        {
            Description = "A refusal: Fleep's error body, the HTTP status repeated in status_code: 400 bad input, " +
                "401 no live session, 404 unknown method, 413 body too large, 429 too many requests, 430 unknown object, " +
                "431 refused by a rule, 500 unexpected (with a correlation_id for the server log).",
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["application/json"] = new() { Schema = new OpenApiSchemaReference(ErrorSchema, context.Document) },
            },
        };
    }

    private static bool IsRequestType(Type type) =>
        type.GetInterfaces().Any(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IFleepRequest<>));

    // "api/message/send/{conversationId}" → "message/send"; "hook/{token}" → "hook".
    private static string ShortName(string path)
    {
        var literal = path.Split('/').TakeWhile(segment => !segment.StartsWith('{'));
        var name = string.Join('/', literal);
        return name.StartsWith("api/", StringComparison.Ordinal) ? name["api/".Length..] : name;
    }

    /// <summary>
    /// The whole document: what the API is, the session scheme, Fleep's error body, and the two
    /// health probes, which are not minimal-API endpoints and so are not described by themselves.
    /// </summary>
    private static async Task DescribeDocumentAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken ct)
    {
        document.Info = new OpenApiInfo
        {
            Title = "FleepServer API",
            Version = DocumentName,
            Description = """
                The Fleep API as this server serves it. Every API call is a POST of one JSON object (or none)
                with snake_case field names; unknown fields are ignored and null is the same as absent.
                Calls other than account/register and account/login need a session: the `token_id` cookie
                that account/login sets, and the `ticket` from its answer as a field of the body (in the
                query string for GET api/classificators). Refusals answer `{error_id, error_message, status_code}`.
                """,
        };

        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SessionScheme] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.ApiKey,
            In = ParameterLocation.Cookie,
            Name = "token_id",
            Description = "The session cookie that account/login sets. It counts only together with the session's " +
                "`ticket` (login's answer) in the request body, or in the query string of a GET.",
        };

        document.AddComponent(ErrorSchema, await context.GetOrCreateSchemaAsync(typeof(ErrorBody), null, ct));

        document.Paths ??= [];
        document.Paths["/health"] = HealthProbe(document, "health",
            "Liveness: `Healthy` while the process serves requests; the database is not asked.", canFail: false);
        document.Paths["/health/ready"] = HealthProbe(document, "health/ready",
            "Readiness: `Healthy` when the database answers, else 503 `Unhealthy`.", canFail: true);

        // The groups in alphabetical order, the probes last; only the groups operations name.
        var used = document.Paths.Values.SelectMany(path => path.Operations?.Values.AsEnumerable() ?? [])
            .SelectMany(operation => operation.Tags ?? new HashSet<OpenApiTagReference>()).Select(tag => tag.Name).ToHashSet();
        var groups = (document.Tags ?? new HashSet<OpenApiTag>()).Where(tag => tag.Name != HealthTag && used.Contains(tag.Name)).OrderBy(tag => tag.Name, StringComparer.Ordinal).ToList();
        groups.Add(new OpenApiTag { Name = HealthTag, Description = "Probes for load balancers and orchestrators; plain text, no session." });
        document.Tags = new HashSet<OpenApiTag>(groups);
    }

    private static OpenApiPathItem HealthProbe(OpenApiDocument document, string name, string description, bool canFail)
    {
        OpenApiResponse Text(string status) => new()
        {
            Description = status,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                ["text/plain"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [status] } },
            },
        };

        var responses = new OpenApiResponses { ["200"] = Text("Healthy") };
        if (canFail)
        {
            responses["503"] = Text("Unhealthy");
        }

        var path = new OpenApiPathItem();
        path.AddOperation(HttpMethod.Get, new OpenApiOperation
        {
            Tags = new HashSet<OpenApiTagReference> { new(HealthTag, document) },
            Summary = name,
            Description = description,
            Responses = responses,
        });
        return path;
    }
}
