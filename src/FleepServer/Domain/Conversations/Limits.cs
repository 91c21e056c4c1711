namespace FleepServer.Domain.Conversations;

/// <summary>Text limits shared by the commands, from the max_len values of Fleep's published event catalogue.</summary>
public static class Limits
{
    /// <summary>Message body max_len of Fleep's published event catalogue.</summary>
    public const int MessageBody = 307_200;
}
