namespace FleepServer.Bench;

/// <summary>How big each scenario is. Quick: every scenario at toy size, to prove the harness works (CI).</summary>
public sealed record Sizes(
    int Repetitions,
    int Accounts,
    int CaptureAccounts,
    int PendingAccounts,
    int Parked,
    int Pollers,
    double Rate,
    TimeSpan DeliveryDuration,
    int Concurrency,
    TimeSpan Warmup,
    TimeSpan Duration,
    int LoginConcurrency,
    int PgbenchSeconds,
    TimeSpan Settle,
    TimeSpan QuietLimit,
    TimeSpan Idle,
    // Message scenarios: a pool of sender accounts (each in Pollers / Senders of the 2-member
    // conversations, the first GroupMembers of them the P2 conversation), P3's closed-loop
    // senders, P2's send rate, and the conversations and messages of the P9 and P10 sync accounts.
    int Senders,
    int SendConcurrency,
    int GroupMembers,
    double GroupRate,
    int SyncConversations,
    int SyncMessages,
    int LargeSyncConversations,
    int LargeSyncMessages,
    // P15: the conversations and messages the search account sees.
    int SearchConversations,
    int SearchMessages)
{
    public static readonly Sizes Full = new(
        Repetitions: 3, Accounts: 1000, CaptureAccounts: 32, PendingAccounts: 64, Parked: 10_000, Pollers: 1000, Rate: 200,
        DeliveryDuration: TimeSpan.FromSeconds(10), Concurrency: 64, Warmup: TimeSpan.FromSeconds(1), Duration: TimeSpan.FromSeconds(5),
        LoginConcurrency: 8, PgbenchSeconds: 5, Settle: TimeSpan.FromSeconds(3), QuietLimit: TimeSpan.FromMinutes(1), Idle: TimeSpan.FromSeconds(10),
        Senders: 100, SendConcurrency: 32, GroupMembers: 50, GroupRate: 10, SyncConversations: 200, SyncMessages: 10_000,
        LargeSyncConversations: 1000, LargeSyncMessages: 50_000, SearchConversations: 5000, SearchMessages: 1_000_000);

    public static readonly Sizes Quick = new(
        Repetitions: 1, Accounts: 16, CaptureAccounts: 2, PendingAccounts: 4, Parked: 200, Pollers: 16, Rate: 50,
        DeliveryDuration: TimeSpan.FromSeconds(1), Concurrency: 8, Warmup: TimeSpan.FromMilliseconds(200), Duration: TimeSpan.FromSeconds(1),
        LoginConcurrency: 2, PgbenchSeconds: 1, Settle: TimeSpan.FromMilliseconds(500), QuietLimit: TimeSpan.FromSeconds(2), Idle: TimeSpan.FromSeconds(1),
        Senders: 5, SendConcurrency: 4, GroupMembers: 5, GroupRate: 10, SyncConversations: 10, SyncMessages: 100,
        LargeSyncConversations: 20, LargeSyncMessages: 400, SearchConversations: 100, SearchMessages: 20_000);
}
