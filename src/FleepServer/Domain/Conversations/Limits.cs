namespace FleepServer.Domain.Conversations;

/// <summary>Text limits shared by the commands, from the event catalogue's max_len (seed 001).</summary>
public static class Limits
{
    /// <summary>Message body max_len of the event catalogue (seed 001).</summary>
    public const int MessageBody = 307_200;
}
