namespace FleepServer.Streams;

/// <summary>A record that can travel in an account's stream: every Fleep record names its <c>mk_rec_type</c>.</summary>
public interface IStreamRecord
{
    string MkRecType { get; }
}

/// <summary>One record for one recipient's stream.</summary>
public readonly record struct StreamAppend(Guid AccountId, IStreamRecord Record);
