namespace FleepServer.Records;

/// <summary>
/// Fleep's enumerations as <c>api/classificators</c> lists them: each
/// classificator's values with their descriptions, as Fleep's own API reference gave them. Fleep's
/// list names <c>separator</c> twice in <c>mk_message_type</c>; as a map key it appears once.
/// </summary>
public static class Classificators
{
    public static readonly IReadOnlyDictionary<string, IReadOnlyDictionary<string, string>> All =
        new Dictionary<string, IReadOnlyDictionary<string, string>>
        {
            ["mk_account_status"] = Values(
                ("new", "email has been registered but is goodness is unknown"),
                ("active", "user has stored a password and can participate"),
                ("banned", "user has been banned for some unacceptable activity"),
                ("closed", "user has requested this account to be closed")),
            ["mk_message_type"] = Values(
                ("text", "text message written by user"),
                ("email", "message send over email"),
                ("separator", "taskboard separator"),
                ("create", "conversation created."),
                ("add", "listed members were added to the conversation. Message: members = <list of account_id's>"),
                ("leave", "when member left the conversation"),
                ("kick", "when member is removed from conversation"),
                ("topic", "when someone changed conversation topic. Message: topic = <topic>"),
                ("alerts", "alert level (never, default)"),
                ("disclose", "user disclosed previous content to members"),
                ("hook", "user created hook for the conversation"),
                ("unhook", "user dropped hook from the conversation"),
                ("add_team", "new team added to the conversation"),
                ("kick_team", "team removed from the conversation"),
                ("hangout", "hangout video call was created"),
                ("replace", "member replcaced email with alternate email"),
                ("share", "auto join url was enabled for conversation"),
                ("unshare", "auto join url was disabled for conversation"),
                ("autojoin", "member used auto join url to join"),
                ("delfile", "obsolete file delete message")),
            ["mk_alert_level"] = Values(
                ("never", "do not alert for this conversation"),
                ("default", "default behaviour")),
            ["mk_email_interval"] = Values(
                ("default", "default behaviour is email participation"),
                ("daily", "email notifications only"),
                ("never", "no emails at all ever")),
        };

    private static IReadOnlyDictionary<string, string> Values(params (string Value, string Description)[] values) =>
        values.ToDictionary(v => v.Value, v => v.Description);
}
