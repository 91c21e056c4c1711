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

    private static string Encode(string value) => HtmlEncoder.Default.Encode(value);

    private static string Html(string title, string body) =>
        $"<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>{Encode(title)}</title></head><body>{body}</body></html>";
}
