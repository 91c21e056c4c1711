using System.ComponentModel.DataAnnotations;
using System.Text.Json.Serialization;
using FleepServer.Auth;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Conversations;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Api;

/// <summary><c>api/alias/add</c> and <c>api/alias/remove</c>: a comma-separated list (or a JSON array) of addresses, each at most 254 characters.</summary>
public sealed record AliasEmailsRequest([property: Required, MaxLength(254)] AddressList? Emails) : IFleepRequest<AliasEmailsRequest>;

/// <summary><c>api/alias/confirm</c>: the id of the mailed link (its <c>confirm_id</c>).</summary>
public sealed record AliasConfirmRequest([property: Required, MaxLength(128)] string? NotificationId) : IFleepRequest<AliasConfirmRequest>;

/// <summary>The answer of the alias calls: <c>failed</c> is always present, null when nothing failed.</summary>
public sealed record AliasResponse(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? Failed,
    IReadOnlyList<ContactRecord> Stream)
{
    public static AliasResponse Of(AliasAnswer answer) => new(answer.Failed, answer.Stream);
}

/// <summary>api/alias/*: the caller's e-mail aliases (docs/mail.md, "Aliases"). Every call needs the owner's session.</summary>
public static class AliasApi
{
    public static IEndpointRouteBuilder MapAliasApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/alias");
        api.MapPost("/add", Add);
        api.MapPost("/confirm", Confirm);
        api.MapPost("/remove", Remove);
        api.MapPost("/sync", Sync);
        return app;
    }

    /// <summary>
    /// POST api/alias/add {emails} → {failed: null, stream: [each address's contact, own contact]}:
    /// mails each address a link <c>&lt;public url&gt;/alias/confirm?confirm_id=&lt;id&gt;</c>. The caller's
    /// own address, another active account's or another owner's alias, or an address over the
    /// hourly mail limit: 431, nothing mailed.
    /// </summary>
    internal static async Task<AliasResponse> Add(AliasEmailsRequest request, CurrentSession me, EmailAliases aliases, HttpContext context,
        CancellationToken ct) =>
        AliasResponse.Of(await aliases.AddAsync(me.AccountId, request.Emails, PublicUrl.Of(context), ct));

    /// <summary>
    /// POST api/alias/confirm {notification_id} → {failed: null, stream: [alias contacts, own contact]}:
    /// with the session of the account that added it, the address becomes its alias and the
    /// address's conversations move to it. A used, expired, unknown or other account's id: 431 invalid_notification.
    /// </summary>
    internal static async Task<AliasResponse> Confirm(AliasConfirmRequest request, CurrentSession me, EmailAliases aliases, CancellationToken ct) =>
        AliasResponse.Of(await aliases.ConfirmAsync(me.AccountId, request.NotificationId, ct));

    /// <summary>
    /// POST api/alias/remove {emails} → {failed: [addresses that are not the caller's aliases] or null,
    /// stream: [remaining alias contacts, own contact]}: detached aliases are placeholder (<c>new</c>) accounts again.
    /// </summary>
    internal static async Task<AliasResponse> Remove(AliasEmailsRequest request, CurrentSession me, EmailAliases aliases, CancellationToken ct) =>
        AliasResponse.Of(await aliases.RemoveAsync(me.AccountId, request.Emails, ct));

    /// <summary>POST api/alias/sync → {failed: null, stream: [alias contacts, own contact]}.</summary>
    internal static async Task<AliasResponse> Sync(CurrentSession me, EmailAliases aliases, CancellationToken ct) =>
        AliasResponse.Of(await aliases.SyncAsync(me.AccountId, ct));
}
