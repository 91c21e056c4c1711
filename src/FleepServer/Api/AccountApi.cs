using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Boards;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Files;
using FleepServer.Domain.Mail;
using FleepServer.Http;
using FleepServer.Records;
using FleepServer.Streams;
using Microsoft.Extensions.Options;

namespace FleepServer.Api;

/// <summary>api/account/*: registration, sessions and the caller's own settings.</summary>
public static class AccountApi
{
    public static IEndpointRouteBuilder MapAccountApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/account");

        // No session needed: these create one. A stale cookie sent along is ignored.
        api.MapPost("/register", Register).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/login", Login).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        // Mailed codes and links (docs/mail.md): rate-limited like login, per client IP and per address.
        api.MapPost("/register/v2", RegisterV2).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/prepare/v2", PrepareV2).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/confirm/v2", ConfirmV2).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/confirm", Confirm).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/reset_password", ResetPassword).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/confirm_password", ConfirmPassword).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/configure_email_interval", ConfigureEmailInterval).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());
        api.MapPost("/unsubscribe", Unsubscribe).AllowAnonymous().WithMetadata(new PasswordEndpointAttribute());

        api.MapPost("/logout", Logout);
        api.MapPost("/sync", Sync);
        api.MapPost("/poll", Poll);
        api.MapPost("/listen", Listen);
        api.MapPost("/configure", Configure);
        api.MapPost("/configure_primary_email", ConfigurePrimaryEmail);
        api.MapPost("/set_flag", SetFlag);
        api.MapPost("/sync_conversations", SyncConversations);
        api.MapPost("/lookup", Lookup);
        api.MapPost("/dialog", Dialog);
        api.MapPost("/click_reminder", ClickReminder);
        api.MapPost("/sync_pinboard", SyncPinboard);
        api.MapPost("/sync_taskboard", SyncTaskboard);
        return app;
    }

    /// <summary>
    /// POST api/account/register {email, password, display_name?} → {account_id, display_name,
    /// mk_account_status}. With address confirmation (docs/mail.md, "Registration") the account is
    /// <c>new</c> until the mailed link is opened (account/confirm); without it, active at once.
    /// Refused with 431 while registration is closed.
    /// </summary>
    internal static async Task<RegisterResponse> Register(RegisterRequest request, AccountRegistration registration, HttpContext context,
        CancellationToken ct)
    {
        var account = await registration.RegisterAsync(request.Email, request.Password, request.DisplayName, PublicUrl.Of(context), ct);
        return new RegisterResponse(account.Id, account.DisplayName, account.Status);
    }

    /// <summary>
    /// POST api/account/login {email, password, remember_me?} → {account_id, display_name, ticket,
    /// profiles: [own contact]} with the <c>token_id</c> cookie as the first Set-Cookie. Wrong address
    /// or password: 431 "Incorrect email or password".
    /// </summary>
    internal static async Task<LoginResponse> Login(
        LoginRequest request, Logins logins, StorageUsage storage, HttpContext context, IOptions<FleepOptions> options, CancellationToken ct)
    {
        var remember = request.RememberMe ?? false;
        return await LoggedInAsync(await logins.LoginAsync(request.Email!, request.Password!, remember, ct), storage, context, options, ct);
    }

    /// <summary>
    /// POST api/account/register/v2 {email, referer?, landing?} → {}: mails a confirmation code
    /// (subject "Fleep confirmation code: NNN-NNN") and a link. An address with an active account: 431.
    /// </summary>
    internal static async Task<EmptyResponse> RegisterV2(RegisterV2Request request, EmailRegistrations registrations, HttpContext context,
        CancellationToken ct)
    {
        await registrations.RequestCodeAsync(request.Email, PublicUrl.Of(context), ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/prepare/v2 {registration_mail, registration_code} or {notification_id} →
    /// {notification_id} for confirm/v2. A wrong, used or expired code or id: 431 invalid_notification.
    /// </summary>
    internal static async Task<PrepareV2Response> PrepareV2(PrepareV2Request request, EmailRegistrations registrations, CancellationToken ct) =>
        new(await registrations.PrepareAsync(request.RegistrationMail, request.RegistrationCode, request.NotificationId, ct));

    /// <summary>
    /// POST api/account/confirm/v2 {notification_id, display_name?, password, fleep_address?,
    /// phone_nr?, is_newsletter_disabled?} → as login: the account is active and this is its session.
    /// </summary>
    internal static async Task<LoginResponse> ConfirmV2(ConfirmV2Request request, EmailRegistrations registrations, StorageUsage storage,
        HttpContext context, IOptions<FleepOptions> options, CancellationToken ct)
    {
        var session = await registrations.ConfirmV2Async(new ConfirmRegistration
        {
            NotificationId = request.NotificationId, DisplayName = request.DisplayName, Password = request.Password,
            FleepAddress = request.FleepAddress, PhoneNr = request.PhoneNr, IsNewsletterDisabled = request.IsNewsletterDisabled,
        }, ct);
        return await LoggedInAsync(session, storage, context, options, ct);
    }

    /// <summary>
    /// POST api/account/confirm {notification_id} → as login: the mailed link of a registration
    /// with address confirmation activates the account and logs it in.
    /// </summary>
    internal static async Task<LoginResponse> Confirm(ConfirmRequest request, EmailRegistrations registrations, StorageUsage storage,
        HttpContext context, IOptions<FleepOptions> options, CancellationToken ct) =>
        await LoggedInAsync(await registrations.ConfirmAsync(request.NotificationId, ct), storage, context, options, ct);

    /// <summary>The answer of every call that starts a session: the cookie first, then the owner's record and the ticket.</summary>
    private static async Task<LoginResponse> LoggedInAsync(StartedSession session, StorageUsage storage, HttpContext context,
        IOptions<FleepOptions> options, CancellationToken ct)
    {
        TokenCookie.Write(context, session.Token, session.RememberMe ? options.Value.Login.RememberedSessionLifetime : null);
        var account = session.Account;
        return new LoginResponse(account.Id, account.DisplayName, session.Ticket,
            [ContactRecords.ForOwner(account, await storage.UsedBytesAsync(account.Id, ct))], account.Email, account.Status);
    }

    /// <summary>
    /// POST api/account/reset_password {email} → {}: mails a single-use link to set a new password.
    /// An address without an active account, or one that asked more than the hourly limit allows: 431.
    /// </summary>
    internal static async Task<EmptyResponse> ResetPassword(ResetPasswordRequest request, PasswordResets resets, HttpContext context,
        CancellationToken ct)
    {
        await resets.RequestAsync(request.Email, PublicUrl.Of(context), ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/confirm_password {notification_id, password} → {}: the new password of the
    /// mailed link's account; every session of the account ends. A used, expired or unknown id: 431.
    /// </summary>
    internal static async Task<EmptyResponse> ConfirmPassword(ConfirmPasswordRequest request, PasswordResets resets, CancellationToken ct)
    {
        await resets.ConfirmAsync(request.NotificationId, request.Password, ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/configure_email_interval {notification_id, email_interval} → {}: the link of a
    /// digest (docs/mail.md, "E-mail preferences") sets how often digests come: <c>hourly</c>,
    /// <c>daily</c>, <c>never</c> (or <c>default</c>). No session. An unknown or expired id: 431.
    /// </summary>
    internal static async Task<EmptyResponse> ConfigureEmailInterval(ConfigureEmailIntervalRequest request, EmailPreferences preferences,
        CancellationToken ct)
    {
        await preferences.ConfigureIntervalAsync(request.NotificationId, request.EmailInterval, ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/unsubscribe {notification_id} → {}: a digest's unsubscribe link sets
    /// <c>mk_email_interval</c> to <c>never</c>. No session. An unknown or expired id: 431.
    /// </summary>
    internal static async Task<EmptyResponse> Unsubscribe(UnsubscribeRequest request, EmailPreferences preferences, CancellationToken ct)
    {
        await preferences.UnsubscribeAsync(request.NotificationId, ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/logout → {}. The session is dead at once; the cookie is left as it is, as the
    /// live server did.
    /// </summary>
    internal static async Task<EmptyResponse> Logout(CurrentSession me, Logins logins, CancellationToken ct)
    {
        await logins.LogoutAsync(me, ct);
        return EmptyResponse.Instance;
    }

    /// <summary>
    /// POST api/account/sync → {account_id, email, display_name, mk_account_status, is_in_org,
    /// is_org_admin, event_horizon, profiles, stream}. Bots read only <c>event_horizon</c> and poll
    /// from it; it is always positive, so they never trigger an initial sync.
    /// </summary>
    internal static async Task<SyncResponse> Sync(CurrentSession me, AccountSnapshot snapshots, CancellationToken ct)
    {
        var snapshot = await snapshots.TakeAsync(me.AccountId, skipHidden: false, ct);
        var account = snapshot.Account;
        return new SyncResponse(account.Id, account.Email, account.DisplayName, account.Status, IsInOrg: false, IsOrgAdmin: false,
            snapshot.Horizon, [ContactRecords.ForOwner(account, snapshot.StorageUsedBytes)], [.. snapshot.Records]);
    }

    /// <summary>
    /// POST api/account/poll {event_horizon, wait = true, poll_flags?} → {event_horizon, stream}.
    /// Returns the account's records after the horizon; with none pending and <c>wait</c>, parks up
    /// to <c>Fleep:Poll:Wait</c> and then answers an empty stream with the SAME horizon. Horizon 0
    /// is the initial sync; a negative horizon or one beyond the stream is a 400
    /// (docs/streams.md, "Horizons").
    /// </summary>
    internal static async Task<PollResult> Poll(PollRequest request, CurrentSession me, AccountPoll poll, CancellationToken ct)
    {
        var answer = await poll.PollAsync(me.AccountId, request.EventHorizon ?? 0, request.Wait ?? true, request.PollFlags ?? [], ct);
        return new PollResult(answer.EventHorizon, answer.Records);
    }

    /// <summary>
    /// POST api/account/listen {event_horizon, wait = true, download_url?} → {event_horizon, conv_count,
    /// messages: [{conv_url, conversation_id, topic, message, author_name}]}. Parks like poll until
    /// anything reaches the account's stream, then answers the stream's head, the number of
    /// conversations with unread messages and the new text messages of others since the horizon.
    /// </summary>
    internal static async Task<ListenResponse> Listen(ListenRequest request, CurrentSession me, AccountListen listen, HttpContext context,
        CancellationToken ct)
    {
        var answer = await listen.ListenAsync(me.AccountId, request.EventHorizon ?? 0, request.Wait ?? true, PublicUrl.Of(context), ct);
        return new ListenResponse(answer.EventHorizon, answer.ConvCount, answer.Messages);
    }

    /// <summary>
    /// POST api/account/configure {display_name?, old_password + password?, phone_nr?, email_interval?,
    /// is_full_privacy?, is_newsletter_disabled?, is_automute_enabled?, client_settings?,
    /// primary_email?, fleep_address?} → the owner's contact. A password change needs the
    /// right old password (else 431) and ends the account's other sessions. primary_email must be
    /// the current address or a confirmed alias (else 431 not_alias).
    /// </summary>
    internal static async Task<ProfileResponse> Configure(ConfigureAccount request, CurrentSession me, AccountSettings settings, StorageUsage storage,
        CancellationToken ct)
    {
        var account = await settings.ConfigureAsync(me, request, ct);
        return ProfileResponse.Of(ContactRecords.ForOwner(account, await storage.UsedBytesAsync(account.Id, ct)));
    }

    /// <summary>
    /// POST api/account/configure_primary_email {primary_email} → the owner's contact: a confirmed
    /// alias becomes the primary address and the former primary address an alias (docs/mail.md,
    /// "Aliases"). Any other address: 431 not_alias.
    /// </summary>
    internal static async Task<ProfileResponse> ConfigurePrimaryEmail(ConfigurePrimaryEmailRequest request, CurrentSession me, AccountSettings settings,
        StorageUsage storage, CancellationToken ct)
    {
        var account = await settings.ConfigureAsync(me, new ConfigureAccount { PrimaryEmail = request.PrimaryEmail }, ct);
        return ProfileResponse.Of(ContactRecords.ForOwner(account, await storage.UsedBytesAsync(account.Id, ct)));
    }

    /// <summary>
    /// POST api/account/sync_conversations {conversation_ids, mk_init_mode = ic_tiny} → {stream: [each
    /// conversation's header and the records of its init level]}.
    /// </summary>
    internal static async Task<RecordsResponse> SyncConversations(SyncConversationsRequest request, CurrentSession me, ConversationActions actions,
        HttpContext context, CancellationToken ct)
    {
        var results = await actions.SyncManyAsync(me.AccountId, request.ConversationIds!, request.MkInitMode ?? InitModes.Tiny, ct);
        return new RecordsResponse([.. results.SelectMany(r => ConvSyncResponse.Of(r, context).AllRecords())]);
    }

    /// <summary>
    /// POST api/account/click_reminder {reminder_id} → {stream: []}: the reminder was shown to this account.
    /// Clicking again is fine; no reminder is listed anywhere yet.
    /// </summary>
    internal static async Task<RecordsResponse> ClickReminder(ClickReminder request, CurrentSession me, ReminderClicks clicks, CancellationToken ct)
    {
        await clicks.ClickAsync(me.AccountId, request.ReminderId!.Value, ct);
        return new RecordsResponse([]);
    }

    /// <summary>POST api/account/set_flag {client_flag, bool_value = true} → the owner's contact with the flag set or cleared.</summary>
    internal static async Task<ProfileResponse> SetFlag(SetFlagRequest request, CurrentSession me, AccountSettings settings, StorageUsage storage,
        CancellationToken ct)
    {
        var account = await settings.SetFlagAsync(me, request.ClientFlag!, request.BoolValue ?? true, ct);
        return ProfileResponse.Of(ContactRecords.ForOwner(account, await storage.UsedBytesAsync(account.Id, ct)));
    }

    /// <summary>
    /// POST api/account/dialog {contact_id} → the dialog with that contact, made on first use: the
    /// call Fleep's own python client makes for "open dialog"; the same action as contact/get_dialog.
    /// </summary>
    internal static async Task<ConvSyncResponse> Dialog(GetDialog request, CurrentSession me, ContactActions contacts,
        HttpContext context, CancellationToken ct) =>
        ConvSyncResponse.Of(await contacts.GetDialogAsync(me.AccountId, request, ct), context);

    /// <summary>
    /// POST api/account/lookup {lookup_list: [address], ignore_list?: [id]} → {stream: [contact]}:
    /// accounts by e-mail address (any case) or fleep address; an unknown e-mail address gets a
    /// placeholder account (<c>mk_account_status: "new"</c>) to invite by id.
    /// </summary>
    internal static async Task<StreamResponse<ContactRecord>> Lookup(LookupContacts request, CurrentSession me, ContactActions contacts, CancellationToken ct) =>
        new(await contacts.LookupAsync(me.AccountId, request, ct));

    /// <summary>
    /// POST api/account/sync_pinboard {conversation_id, pin_weight?, pin_limit? (30; 1..100)} →
    /// {header, stream}: the next batch of pins after pin_weight (absent: from the top), the
    /// highest pin_weight first. The header's pin_cursor is JSON text {"conversation_id", "pin_weight"}
    /// naming the next batch (pin_sync_state "partial"), null on the last (docs/boards.md, "Paging").
    /// </summary>
    internal static async Task<ConvSyncResponse> SyncPinboard(SyncPinboard request, CurrentSession me, BoardReader boards, HttpContext context,
        CancellationToken ct) =>
        ConvSyncResponse.Of(await boards.PinboardAsync(me.AccountId, request.ConversationId!.Value, request.PinWeight, request.PinLimit,
            BoardReader.DefaultPinLimit, "pin_limit", ct), context);

    /// <summary>
    /// POST api/account/sync_taskboard {conversation_id, section_id, task_weight?, task_limit? (30; 1..100)}
    /// → {header, stream}: the next batch of the section's tasks after task_weight (absent: from the
    /// start), the lowest task_weight first, then the section's record whose sync_cursor (JSON text
    /// {"conversation_id", "section_id", "task_weight"}, sync_state "partial") names the next batch,
    /// null on the last.
    /// </summary>
    internal static async Task<ConvSyncResponse> SyncTaskboard(SyncTaskboard request, CurrentSession me, BoardReader boards, HttpContext context,
        CancellationToken ct) =>
        ConvSyncResponse.Of((await boards.TaskboardAsync(me.AccountId, request.ConversationId!.Value, request.SectionId!.Value, request.TaskWeight,
            request.TaskLimit, BoardReader.DefaultPinLimit, "task_limit", ct)).Result, context);
}
