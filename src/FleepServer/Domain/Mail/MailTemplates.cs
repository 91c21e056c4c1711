using System.Text.Encodings.Web;

namespace FleepServer.Domain.Mail;

/// <summary>
/// The mails the server writes (docs/mail.md), each as plain text and HTML. Every value put into
/// the HTML part is encoded; links are built from the public address (<c>Fleep:PublicUrl</c>, else
/// the address of the request that caused the mail).
/// </summary>
public static class MailTemplates
{
    public const string ResetPasswordKind = "reset_password";

    /// <summary>The link of a password reset: the web client's page for it, with the notification id.</summary>
    public static string ResetLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/reset_password?notification_id={Uri.EscapeDataString(notificationId)}";

    public static MailDraft ResetPassword(string to, string? name, string publicUrl, string notificationId, TimeSpan lifetime)
    {
        var link = ResetLink(publicUrl, notificationId);
        var hours = Math.Max(1, (int)Math.Round(lifetime.TotalHours));
        var text = $"""
            Hello{(string.IsNullOrWhiteSpace(name) ? "" : " " + name)},

            Someone (hopefully you) asked to reset the password of your account {to}.
            Open this link to choose a new password; it works once, for {hours} hour(s):

            {link}

            If you did not ask for this, ignore this mail: your password stays as it is.
            """;
        return new MailDraft(ResetPasswordKind, to, name, "Reset your password", text,
            Html("Reset your password",
                $"<p>Someone (hopefully you) asked to reset the password of your account {Encode(to)}.</p>"
                + $"<p><a href=\"{Encode(link)}\">Choose a new password</a> (the link works once, for {hours} hour(s)).</p>"
                + "<p>If you did not ask for this, ignore this mail: your password stays as it is.</p>"));
    }

    public const string ConfirmationCodeKind = "confirmation_code";
    public const string ConfirmAccountKind = "confirm_account";

    /// <summary>The page of a registration link: the web client finishes the registration there.</summary>
    public static string RegisterLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/register?notification_id={Uri.EscapeDataString(notificationId)}";

    /// <summary>The page of an account confirmation link.</summary>
    public static string ConfirmLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/confirm?notification_id={Uri.EscapeDataString(notificationId)}";

    /// <summary>register/v2: the code to type (subject <c>Fleep confirmation code: NNN-NNN</c>, as Fleep's) and a link that needs no typing.</summary>
    public static MailDraft ConfirmationCode(string to, string publicUrl, string code, string notificationId, TimeSpan lifetime)
    {
        var link = RegisterLink(publicUrl, notificationId);
        var days = Math.Max(1, (int)Math.Round(lifetime.TotalDays));
        var text = $"""
            Your confirmation code is {code}

            Type it where you registered, or open this link to finish creating your account {to}:

            {link}

            The code and the link work once, for {days} day(s). If you did not ask for an account, ignore this mail.
            """;
        return new MailDraft(ConfirmationCodeKind, to, null, $"Fleep confirmation code: {code}", text,
            Html("Your confirmation code",
                $"<p>Your confirmation code is <strong>{Encode(code)}</strong></p>"
                + $"<p>Type it where you registered, or <a href=\"{Encode(link)}\">finish creating your account</a> {Encode(to)}.</p>"
                + $"<p>The code and the link work once, for {days} day(s). If you did not ask for an account, ignore this mail.</p>"));
    }

    /// <summary>account/register with confirmation: the link that activates the account and logs in.</summary>
    public static MailDraft ConfirmAccount(string to, string? name, string publicUrl, string notificationId, TimeSpan lifetime)
    {
        var link = ConfirmLink(publicUrl, notificationId);
        var days = Math.Max(1, (int)Math.Round(lifetime.TotalDays));
        var text = $"""
            Hello{(string.IsNullOrWhiteSpace(name) ? "" : " " + name)},

            Open this link to confirm your address {to} and start chatting; it works once, for {days} day(s):

            {link}

            If you did not register, ignore this mail: no account is made without it.
            """;
        return new MailDraft(ConfirmAccountKind, to, name, "Confirm your address", text,
            Html("Confirm your address",
                $"<p><a href=\"{Encode(link)}\">Confirm your address {Encode(to)}</a> and start chatting (the link works once, for {days} day(s)).</p>"
                + "<p>If you did not register, ignore this mail: no account is made without it.</p>"));
    }

    public const string InvitationKind = "invitation";

    /// <summary>An invitation into a conversation: who invites, to what, and the link to register with.</summary>
    public static MailDraft Invitation(string to, string inviterName, string inviterEmail, string topic, string publicUrl, string notificationId,
        TimeSpan lifetime)
    {
        var link = RegisterLink(publicUrl, notificationId);
        var about = string.IsNullOrWhiteSpace(topic) ? "a conversation" : $"the conversation \"{topic}\"";
        var days = Math.Max(1, (int)Math.Round(lifetime.TotalDays));
        var text = $"""
            {inviterName} ({inviterEmail}) invited you to {about}.

            Open this link to create your account {to} and join in; it works once, for {days} day(s):

            {link}
            """;
        return new MailDraft(InvitationKind, to, null, $"{inviterName} invited you to chat", text,
            Html("You are invited",
                $"<p>{Encode(inviterName)} ({Encode(inviterEmail)}) invited you to {Encode(about)}.</p>"
                + $"<p><a href=\"{Encode(link)}\">Create your account {Encode(to)} and join in</a> (the link works once, for {days} day(s)).</p>"));
    }

    public const string ConfirmAliasKind = "alias";

    /// <summary>The page of an alias confirmation link: the id rides in <c>confirm_id</c>, as in Fleep's links.</summary>
    public static string AliasLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/alias/confirm?confirm_id={Uri.EscapeDataString(notificationId)}";

    /// <summary>alias/add: the link that makes the address an alias of the account that asked (opened while logged in as it).</summary>
    public static MailDraft ConfirmAlias(string to, string ownerName, string ownerEmail, string publicUrl, string notificationId, TimeSpan lifetime)
    {
        var link = AliasLink(publicUrl, notificationId);
        var days = Math.Max(1, (int)Math.Round(lifetime.TotalDays));
        var text = $"""
            {ownerName} ({ownerEmail}) asked to add {to} as an e-mail alias of their Fleep account.
            Conversations of this address then move to that account, and the address logs in to it.

            Open this link while logged in as {ownerEmail} to confirm; it works once, for {days} day(s):

            {link}

            If you did not ask for this, ignore this mail: nothing changes without it.
            """;
        return new MailDraft(ConfirmAliasKind, to, null, "Confirm your e-mail alias", text,
            Html("Confirm your e-mail alias",
                $"<p>{Encode(ownerName)} ({Encode(ownerEmail)}) asked to add {Encode(to)} as an e-mail alias of their Fleep account. "
                + "Conversations of this address then move to that account, and the address logs in to it.</p>"
                + $"<p><a href=\"{Encode(link)}\">Confirm the alias</a> while logged in as {Encode(ownerEmail)} (the link works once, for {days} day(s)).</p>"
                + "<p>If you did not ask for this, ignore this mail: nothing changes without it.</p>"));
    }

    public const string DigestKind = "digest";

    /// <summary>The unsubscribe link every digest carries: the web client's page for it, with the preferences notification id.</summary>
    public static string UnsubscribeLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/unsubscribe?notification_id={Uri.EscapeDataString(notificationId)}";

    /// <summary>The link to choose how often digests come (account/configure_email_interval).</summary>
    public static string EmailIntervalLink(string publicUrl, string notificationId) =>
        $"{publicUrl.TrimEnd('/')}/email_interval?notification_id={Uri.EscapeDataString(notificationId)}";

    /// <summary>
    /// A digest of unread messages: per conversation its topic, unread count, latest messages as
    /// plain text and its link; the link to the server; the unsubscribe and interval links.
    /// </summary>
    public static MailDraft Digest(string to, string? name, string publicUrl, string notificationId, string interval,
        IReadOnlyList<DigestConversation> conversations, int moreConversations)
    {
        var home = publicUrl.TrimEnd('/');
        var unsubscribe = UnsubscribeLink(publicUrl, notificationId);
        var intervalLink = EmailIntervalLink(publicUrl, notificationId);
        var total = conversations.Sum(c => c.UnreadCount);
        var subject = total == 1 ? "You have 1 unread message" : $"You have {total} unread messages";
        var text = new System.Text.StringBuilder();
        var html = new System.Text.StringBuilder();
        text.Append($"Hello{(string.IsNullOrWhiteSpace(name) ? "" : " " + name)},\n\nThese messages are waiting for you:\n");
        html.Append("<p>These messages are waiting for you:</p>");
        foreach (var c in conversations)
        {
            var topic = string.IsNullOrWhiteSpace(c.Topic) ? "(no topic)" : c.Topic;
            var link = Http.PublicUrl.Conversation(publicUrl, c.ConversationId);
            text.Append($"\n== {topic} ({c.UnreadCount} unread) ==\n");
            html.Append($"<h3><a href=\"{Encode(link)}\">{Encode(topic)}</a> ({c.UnreadCount} unread)</h3><ul>");
            foreach (var m in c.Messages)
            {
                text.Append($"{m.AuthorName}: {m.Text}\n");
                html.Append($"<li><strong>{Encode(m.AuthorName)}</strong>: {Encode(m.Text).Replace("&#xA;", "<br>", StringComparison.Ordinal)}</li>");
            }

            text.Append($"{link}\n");
            html.Append("</ul>");
        }

        if (moreConversations > 0)
        {
            text.Append($"\n... and {moreConversations} more conversation(s).\n");
            html.Append($"<p>… and {moreConversations} more conversation(s).</p>");
        }

        text.Append($"""

            Open Fleep to reply: {home}

            You get this mail {interval} while messages stay unread.
            Change how often: {intervalLink}
            Unsubscribe: {unsubscribe}

            """);
        html.Append($"<p><a href=\"{Encode(home)}\">Open Fleep to reply</a></p>"
                    + $"<p>You get this mail {Encode(interval)} while messages stay unread. "
                    + $"<a href=\"{Encode(intervalLink)}\">Change how often</a> or <a href=\"{Encode(unsubscribe)}\">unsubscribe</a>.</p>");
        return new MailDraft(DigestKind, to, name, subject, text.ToString(), Html(subject, html.ToString()));
    }

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    private static string Html(string title, string body) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head><body>{body}</body></html>";
}
