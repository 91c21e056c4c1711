using FleepServer.Auth;
using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Conversations;
using FleepServer.Records;

namespace FleepServer.Events.Handlers;

/// <summary>
/// The <c>urn:fleep:client:account:*</c> events (docs/compatibility.md, "Account events").
/// Settings are <c>account/configure</c> with the one field they change; every one answers the
/// caller's own contact record with <c>identifier.account_id</c>, and the same record reaches the
/// owner's stream (co-members' streams too when a field they see changed).
/// </summary>
public static class AccountEvents
{
    public static void Register(EventHandlers events)
    {
        events
            .On("account:add_flag", (c, p, ct) => Own(c, s => s.SetFlagAsync(Me(c), p.RequiredText("client_flag"), true, ct)))
            .On("account:remove_flag", (c, p, ct) => Own(c, s => s.SetFlagAsync(Me(c), p.RequiredText("client_flag"), false, ct)))
            .On("account:change_password", (c, p, ct) =>
                Configure(c, new ConfigureAccount { Password = p.RequiredText("password"), OldPassword = p.RequiredText("old_password") }, ct))
            .On("account:change_settings", (c, p, ct) => Configure(c, new ConfigureAccount { ClientSettings = p.RequiredText("client_settings") }, ct))
            .On("account:set_name", (c, p, ct) => Configure(c, new ConfigureAccount { DisplayName = p.RequiredText("name") }, ct))
            .On("account:set_phone", (c, p, ct) => Configure(c, new ConfigureAccount { PhoneNr = p.RequiredText("phone_nr") }, ct))
            .On("account:set_email_interval", (c, p, ct) =>
                Configure(c, new ConfigureAccount { EmailInterval = p.RequiredText("mk_email_interval") }, ct))
            .On("account:set_mk_push_new_message", (c, p, ct) =>
                Configure(c, new ConfigureAccount { MkPushNewMessage = p.RequiredText("mk_push_new_message") }, ct))
            .On("account:set_sleep_interval", (c, p, ct) =>
                Configure(c, new ConfigureAccount { SleepInterval = p.RequiredLong("sleep_interval") }, ct))
            .On("account:update_status_message", (c, p, ct) =>
                Configure(c, new ConfigureAccount { StatusMessage = p.RequiredText("status_message"), StatusEmoji = p.RequiredText("status_emoji") }, ct))
            .On("account:set_device_token", (c, p, ct) =>
                Own(c, s => s.SetDeviceTokenAsync(Me(c), p.RequiredText("mk_device_type"), p.RequiredText("device_token"), ct)))
            .On("account:delete", (c, _, ct) => Own(c, s => s.RequestDeletionAsync(Me(c), ct)))
            .On("account:sync_conversations", SyncConversations);
    }

    private static Task<EventOutcome> Configure(EventContext c, ConfigureAccount request, CancellationToken ct) =>
        Own(c, s => s.ConfigureAsync(Me(c), request, ct));

    private static async Task<EventOutcome> Own(EventContext c, Func<AccountSettings, Task<Account>> change)
    {
        var account = await change(c.Get<AccountSettings>());
        var used = await c.Get<Domain.Files.StorageUsage>().UsedBytesAsync(account.Id, CancellationToken.None);
        return EventOutcome.ForAccount(c.AccountId, ContactRecords.ForOwner(account, used));
    }

    /// <summary>account/sync_conversations: the headers (and init records) of the listed conversations.</summary>
    private static async Task<EventOutcome> SyncConversations(EventContext c, EventParams p, CancellationToken ct)
    {
        var results = await c.Get<ConversationActions>().SyncManyAsync(c.AccountId, p.Uuids("conversation_ids")!, p.RequiredText("mk_init_mode"), ct);
        var records = results.SelectMany(r => EventOutcome.ForConversation(r, c.PublicUrl, identifiesMessage: false).Records).ToList();
        return EventOutcome.ForAccount(c.AccountId, records);
    }

    private static CurrentSession Me(EventContext c) => new(c.AccountId, c.SessionId);
}
