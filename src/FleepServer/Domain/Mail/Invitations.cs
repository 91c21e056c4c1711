using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Conversations;
using FleepServer.Http;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Mail;

/// <summary>
/// Invitations of people who have no account yet (docs/mail.md, "Invitations"). An address without
/// an account becomes a <c>new</c> account that is a member at once; with <c>is_invite</c> it is also
/// mailed a link (a notification for the registration flow) to register with, in the unit of work
/// of the change that invited it. An address is mailed at most
/// <see cref="MailOptions.PerAddressPerHour"/> invitations an hour; further ones are skipped, the
/// membership stays.
/// </summary>
public sealed class Invitations(FleepDbContext db, Notifications notifications, MailOutbox outbox, IHttpContextAccessor http,
    IOptions<FleepOptions> options)
{
    public async Task InviteAsync(Guid inviterId, string topic, IReadOnlyCollection<Guid> accountIds, CancellationToken ct)
    {
        if (accountIds.Count == 0)
        {
            return;
        }

        var invitees = await db.Accounts.AsNoTracking().Where(a => accountIds.Contains(a.Id) && a.Status == AccountStatus.New).ToListAsync(ct);
        if (invitees.Count == 0)
        {
            return;
        }

        var inviter = await db.Accounts.AsNoTracking().FirstAsync(a => a.Id == inviterId, ct);
        var publicUrl = PublicUrl.Of(http.HttpContext);
        var mail = options.Value.Mail;
        var sent = await notifications.CountRecentAsync(invitees.Select(i => i.Email).ToList(), NotificationPurposes.Invite, TimeSpan.FromHours(1), ct);
        foreach (var invitee in invitees)
        {
            if (sent.GetValueOrDefault(invitee.EmailKey) >= mail.PerAddressPerHour)
            {
                continue;
            }

            var issued = notifications.Issue(NotificationPurposes.Invite, invitee.Email, invitee.Id, mail.ConfirmLifetime);
            outbox.Queue(MailTemplates.Invitation(invitee.Email, inviter.DisplayName, inviter.Email, topic, publicUrl, issued.Id, mail.ConfirmLifetime));
        }
    }
}

/// <summary>
/// The <c>signin</c> system message (<c>{"sysmsg_text": "{author} became a Fleep user."}</c>): when an
/// invited address registers, each conversation it is a member of is told, by the account itself,
/// in the unit of work of the registration.
/// </summary>
public sealed class SigninMessages(FleepDbContext db, ConversationWriter writer)
{
    public const string Text = "{author} became a Fleep user.";

    public async Task AnnounceAsync(Guid accountId, CancellationToken ct)
    {
        var conversations = await db.ConversationMembers.AsNoTracking()
            .Where(m => m.AccountId == accountId && m.LeaveMessageNr == null)
            .OrderBy(m => m.ConversationId).Select(m => m.ConversationId).ToListAsync(ct);
        foreach (var conversationId in conversations)
        {
            await writer.ChangeAsync(new ConversationTarget(accountId, conversationId),
                change => change.AppendSystem(SystemTypes.Signin, FlowWriter.SystemBody(("sysmsg_text", Text))), ct);
        }
    }
}
