namespace FleepServer.Errors;

/// <summary>
/// Every error the server sends, by name. Statuses follow Fleep's code table:
/// 400 bad input, 401 no live session, 404 unknown method, 405 wrong HTTP method,
/// 413 body over the cap, 429 velocity limits, 431 business-rule refusals, 503 database
/// unreachable (retry after <c>Retry-After</c> seconds).
/// </summary>
public static class FleepErrors
{
    public static FleepException BadRequest(string message) =>
        new(StatusCodes.Status400BadRequest, "bad_request", message);

    public static FleepException InvalidField(string field, string why) =>
        new(StatusCodes.Status400BadRequest, "invalid_param", $"Invalid value for '{field}': {why}.");

    public static FleepException MissingField(string field) =>
        new(StatusCodes.Status400BadRequest, "missing_param", $"Missing required parameter '{field}'.");

    public static FleepException MalformedJson() =>
        new(StatusCodes.Status400BadRequest, "bad_request", "Request body is not a valid UTF-8 JSON object.");

    /// <summary>A poll horizon this server never handed to the account: negative, or beyond its stream.</summary>
    public static FleepException InvalidHorizon() =>
        new(StatusCodes.Status400BadRequest, "invalid_horizon", "Unknown event_horizon; sync again from 0.");

    public static FleepException BodyTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "request_too_large", $"Request body exceeds {limit} bytes.");

    // "Expired token, please relogin" is the text the live server used.
    public static FleepException NotAuthenticated() =>
        new(StatusCodes.Status401Unauthorized, "not_authenticated", "Expired token, please relogin");

    public static FleepException UnknownMethod() =>
        new(StatusCodes.Status404NotFound, "not_found", "Unknown API method.");

    public static FleepException MethodNotAllowed() =>
        new(StatusCodes.Status405MethodNotAllowed, "method_not_allowed", "API calls use POST.");

    public static FleepException TooManyRequests(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "too_many_requests", "Too many requests, try again later.")
        { RetryAfterSeconds = retryAfterSeconds };

    public static FleepException AccountLocked(int retryAfterSeconds) =>
        new(StatusCodes.Status429TooManyRequests, "account_locked",
            "Too many failed login attempts, try again later.")
        { RetryAfterSeconds = retryAfterSeconds };

    /// <summary>Seconds a client is asked to wait before retrying a call the database could not serve.</summary>
    public const int DatabaseRetryAfterSeconds = 5;

    /// <summary>
    /// The database is unreachable (stopped, restarting, connection refused or timed out).
    /// <see cref="DatabaseFailures"/> decides which exceptions mean this.
    /// </summary>
    public static FleepException ServiceUnavailable() =>
        new(StatusCodes.Status503ServiceUnavailable, "service_unavailable",
            "The database is unavailable, try again shortly.")
        { RetryAfterSeconds = DatabaseRetryAfterSeconds };

    public static FleepException IncorrectLogin() =>
        new(Status431, "incorrect_login", "Incorrect email or password");

    public static FleepException WrongOldPassword() =>
        new(Status431, "incorrect_password", "Old password is incorrect.");

    public static FleepException EmailTaken() =>
        new(Status431, "email_taken", "An account with this email already exists.");

    public static FleepException RegistrationClosed() =>
        new(Status431, "registration_closed", "Registration is closed on this server; ask an administrator for an account.");

    public static FleepException BusinessRule(string errorId, string message) => new(Status431, errorId, message);

    /// <summary>Login of a registered account whose address is not confirmed yet.</summary>
    public static FleepException NotConfirmed() =>
        new(Status431, "account_not_confirmed", "Please confirm your email address first: open the link we mailed you.");

    /// <summary>A mailed link or code that is unknown, used, expired or for something else.</summary>
    public static FleepException InvalidNotification() =>
        new(Status431, "invalid_notification", "This link is not valid any more. Please ask for a new one.");

    /// <summary>primary_email naming an address that is not a confirmed alias of the caller (docs/mail.md, "Aliases").</summary>
    public static FleepException NotAlias() =>
        new(Status431, "not_alias", "Only a confirmed alias of your account can become its primary e-mail address.");

    /// <summary>account/reset_password for an address no account has.</summary>
    public static FleepException UnknownEmail() => new(Status431, "unknown_email", "There is no account with this email address.");

    /// <summary>More mails of one kind asked for one address than the hourly limit allows.</summary>
    public static FleepException TooManyMails() =>
        new(Status431, "too_many_requests", "Too many requests for this email address. Please try again later.");

    // Conversations and messages. An unknown id and an id the caller may not see get the same
    // answer: the live server's 430 not_found (docs/compatibility.md, "Errors").
    public static FleepException ConversationNotFound() => new(Status430, "not_found", "Conversation not found.");

    public static FleepException MessageNotFound() => new(Status430, "not_found", "Message not found.");

    /// <summary>An account id that names no account, or (for list changes) none in the caller's contact list.</summary>
    public static FleepException ContactNotFound() => new(Status430, "not_found", "Contact not found.");

    /// <summary>A member who left tries to change the conversation (live text).</summary>
    public static FleepException MemberLeft() => new(Status431, "member_left", "Member has left the conversation");

    /// <summary>conversation/unsubscribe with an address that is not the caller's (docs/compatibility.md).</summary>
    public static FleepException NotOwnEmail() =>
        new(Status431, "not_own_email", "Only your own e-mail address can be unsubscribed from a conversation.");

    /// <summary>alias/add with the caller's own primary address (docs/compatibility.md, "E-mail aliases").</summary>
    public static FleepException AliasOwnEmail() =>
        BusinessRule("alias_own_email", "This is the primary e-mail address of your account.");

    /// <summary>Editing the body of someone else's plain message.</summary>
    public static FleepException InvalidEdit() => new(Status431, "invalid_edit", "Only the author can edit this message.");

    /// <summary>An upload over <c>Fleep:Files:MaxUploadBytes</c>: 413, and nothing of it is kept.</summary>
    public static FleepException FileTooLarge(long limit) =>
        new(StatusCodes.Status413PayloadTooLarge, "file_too_large", $"A file may have at most {limit} bytes.");

    /// <summary>An image that cannot be read, or is too big to decode safely: 400, and nothing of it is kept.</summary>
    public static FleepException InvalidImage(string why) =>
        new(StatusCodes.Status400BadRequest, "invalid_image", $"Invalid image: {why}.");

    /// <summary>An upload request that carries no file.</summary>
    public static FleepException NoFile() =>
        new(StatusCodes.Status400BadRequest, "missing_param", "The upload carries no file.");

    /// <summary>An attachment that names no upload (or file) of the caller's.</summary>
    public static FleepException UnknownAttachment(string field, string url) =>
        InvalidField(field, $"an upload_url of your own upload or a file_url of this message; {Truncate(url)} is neither");

    /// <summary>message/delete (or file/rename) naming an attachment the message does not have.</summary>
    public static FleepException AttachmentNotFound() => new(Status430, "not_found", "Attachment not found.");

    /// <summary>A download the caller may not see, or that does not exist: the same answer for both.</summary>
    public static FleepException FileNotFound() => new(StatusCodes.Status404NotFound, "not_found", "File not found.");

    private static string Truncate(string text) => text.Length <= 80 ? text : text[..80] + "…";

    public static FleepException EmptyMessage() => new(StatusCodes.Status400BadRequest, "empty_message", "Message is empty.");

    /// <summary>is_retry with a from_message_nr that is no longer the last message.</summary>
    public static FleepException RetryConflict() =>
        new(Status431, "retry_conflict", "Conversation has changed since from_message_nr; the retry was not applied.");

    // Hooks (docs/hooks.md).
    /// <summary>An unknown team, a removed one, and one the caller may not see answer alike (docs/teams.md).</summary>
    public static FleepException TeamNotFound() => new(Status430, "not_found", "Team not found.");

    public static FleepException NotTeamAdmin() => new(Status431, "not_team_admin", "Only the team's admins can change it.");

    /// <summary>Teams of organisations (managed, organisation-wide): this server has no organisations.</summary>
    public static FleepException OrganisationTeamsNotSupported() =>
        new(Status431, "not_supported", "Managed and organisation-wide teams are not supported by this server: it has no organisations.");

    // boards (docs/boards.md)
    /// <summary>An unknown, deleted or another conversation's section: the field is invalid, as message/store has always answered it.</summary>
    public static FleepException SectionNotFound(string field = "section_id") =>
        InvalidField(field, "a section of this conversation's taskboard");

    public static FleepException DefaultSection(string what) =>
        new(Status431, "default_section", $"The To Do and Archived sections cannot be {what}.");

    // labels (docs/labels.md)
    public static FleepException LabelNotFound() => new(Status430, "not_found", "Label not found.");

    public static FleepException LabelExists(string name) => new(Status431, "label_exists", $"A label named '{name}' already exists.");

    public static FleepException SystemLabel(string what) => new(Status431, "system_label", $"System labels cannot be {what}.");

    /// <summary>An input of a feature this server does not have yet (managed conversations need organisations).</summary>
    public static FleepException NotSupported(string field, string feature) =>
        new(Status431, "not_supported", $"'{field}' needs {feature}, which this server does not support yet.");

    public static FleepException HookNotFound() => new(Status430, "not_found", "Hook not found.");

    public static FleepException HookInactive() => new(Status431, "hook_inactive", "This hook has been removed.");

    /// <summary>An unknown, malformed or dropped token on /hook/&lt;token&gt;: one answer for all, so a token cannot be probed.</summary>
    public static FleepException UnknownHookUrl() =>
        new(StatusCodes.Status404NotFound, "hook_not_found", "No active hook has this URL.");

    /// <summary>A post to a typed hook whose product's payloads this server does not render (docs/hooks.md).</summary>
    public static FleepException UnsupportedHookType(string hookType) =>
        new(StatusCodes.Status400BadRequest, "unsupported_hook_type",
            $"This server does not read {hookType} payloads; post {{\"message\": …, \"user\": …}} as to a plain hook.");

    // personal board and canned responses (docs/boards.md)
    public static FleepException MySectionNotFound(string field = "section_id") =>
        new(Status430, "not_found", $"Section not found ('{field}').");

    public static FleepException DefaultMySection() =>
        new(Status431, "default_section", "To Do and Archived belong to every board and cannot be deleted.");

    /// <summary>A visible conversation message that is not a task assigned to the caller, on a personal board call.</summary>
    public static FleepException NotOnBoard() => new(Status431, "not_on_board", "This task is not on your board.");

    public static FleepException NotATask() => new(Status431, "not_a_task", "This message is not a task.");

    public static FleepException NotCanned() => new(Status431, "not_canned", "This message is not a canned response.");

    /// <summary>Fleep's ERR_FATAL, which the live server used for results like "Message not found.".</summary>
    public const int Status430 = 430;

    /// <summary>Fleep's ERR_BL_ERROR: the request was understood but a business rule refused it.</summary>
    public const int Status431 = 431;
}
