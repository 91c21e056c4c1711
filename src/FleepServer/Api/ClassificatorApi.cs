using FleepServer.Auth;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary>api/classificators: Fleep's enumerations, the one API call that is also a GET.</summary>
public static class ClassificatorApi
{
    public static IEndpointRouteBuilder MapClassificatorApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/api/classificators", Get);
        app.MapGet("/api/classificators", Get).WithMetadata(new TicketInQueryAttribute());
        return app;
    }

    /// <summary>
    /// POST api/classificators {ticket}, or GET api/classificators?ticket=… → {mk_account_status: {value:
    /// description, …}, mk_message_type: {…}, mk_alert_level: {…}, mk_email_interval: {…}}: every
    /// classificator with its values, keyed by name. The layout is not documented; the values and
    /// descriptions are Fleep's own (docs/compatibility.md, "Classificators").
    /// </summary>
    internal static IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> Get(CurrentSession me) => Classificators.All;
}
