namespace FleepServer.Data;

/// <summary>
/// One login. The <c>token_id</c> cookie and the <c>ticket</c> are handed to the client once and
/// stored only as SHA-256 hashes; the ticket is valid only together with its own token.
/// </summary>
public sealed class Session
{
    public Guid Id { get; set; }
    public Guid AccountId { get; set; }
    public required byte[] TokenHash { get; set; }
    public required byte[] TicketHash { get; set; }
    public bool RememberMe { get; set; }
    public DateTimeOffset CreatedTime { get; set; }
    public DateTimeOffset LastSeenTime { get; set; }
    public DateTimeOffset? RevokedTime { get; set; }

    /// <summary>The push device of this login (account:set_device_token): <c>android</c> or <c>ios</c>, and its token.</summary>
    public string? MkDeviceType { get; set; }

    public string? DeviceToken { get; set; }
}
