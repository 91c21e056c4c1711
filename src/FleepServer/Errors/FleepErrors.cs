namespace FleepServer.Errors;

/// <summary>
/// Every error the server sends, by name. Statuses follow Fleep's code table (core spec §1.6):
/// 400 bad input, 401 no live session, 404 unknown method, 405 wrong HTTP method,
/// 413 body over the cap, 429 velocity limits, 431 business-rule refusals.
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

    // "Expired token, please relogin" is the text the live server used (core spec §1.3).
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

    public static FleepException IncorrectLogin() =>
        new(Status431, "incorrect_login", "Incorrect email or password");

    public static FleepException WrongOldPassword() =>
        new(Status431, "incorrect_password", "Old password is incorrect.");

    public static FleepException EmailTaken() =>
        new(Status431, "email_taken", "An account with this email already exists.");

    public static FleepException RegistrationClosed() =>
        new(Status431, "registration_closed", "Registration is closed on this server; ask an administrator for an account.");

    public static FleepException BusinessRule(string errorId, string message) => new(Status431, errorId, message);

    /// <summary>Fleep's ERR_BL_ERROR: the request was understood but a business rule refused it.</summary>
    public const int Status431 = 431;
}
