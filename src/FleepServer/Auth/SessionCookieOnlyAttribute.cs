namespace FleepServer.Auth;

/// <summary>
/// Marks a GET endpoint that authenticates by the <c>token_id</c> cookie alone: file downloads and
/// thumbnails, which browsers load from <c>&lt;img&gt;</c> tags and links and the mobile libraries
/// fetch with only the cookie (docs/files.md, "Download"). They only read.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class SessionCookieOnlyAttribute : Attribute;
