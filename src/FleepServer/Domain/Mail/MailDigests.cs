using FleepServer.Data;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace FleepServer.Domain.Mail;

/// <summary>
/// The digest of unread messages (docs/mail.md, "Digest"). An active account whose
/// <c>mk_email_interval</c> is <c>default</c> or <c>hourly</c> (an hour) or <c>daily</c> (a day) is
/// mailed the messages of others that stayed unread for a whole interval: at most one digest per
/// window (UTC hours, UTC days). Each account's digest is its own unit of work: it takes the
/// account's <c>digest_windows</c> row under its lock, claims the current window only when the
/// last one claimed is older, and queues the mail in the same unit, so however many processes
/// sweep, one window is mailed once, and a digest that fails claims nothing.
/// </summary>
public sealed class MailDigests(FleepDbContext db, UnitOfWork unit, Notifications notifications, MailOutbox outbox, TimeProvider time,
    IOptions<FleepOptions> options, IServer server, ILogger<MailDigests> logger)
{
    /// <summary>Most conversations one digest lists (the most recently active); the rest are counted.</summary>
    public const int MaxConversations = 20;

    /// <summary>Most messages shown per conversation: the latest due ones.</summary>
    public const int MessagesPerConversation = 3;

    /// <summary>
    /// A message unread for longer than this many intervals when the job first sees it is not
    /// mailed any more (digests switched on, a long outage): a digest reports news, not the backlog.
    /// </summary>
    public const int LookbackIntervals = 4;

    public static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    public static readonly TimeSpan Day = TimeSpan.FromDays(1);

    /// <summary>The window length of an <c>mk_email_interval</c>; null for <c>never</c> (and anything unknown).</summary>
    public static TimeSpan? IntervalOf(string emailInterval) => emailInterval switch
    {
        "default" or "hourly" => Hour,
        "daily" => Day,
        _ => null,
    };

    /// <summary>The start of the window <paramref name="now"/> falls in: a multiple of <paramref name="length"/> since the Unix epoch (UTC).</summary>
    public static DateTimeOffset WindowStart(DateTimeOffset now, TimeSpan length)
    {
        var ticks = (now.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / length.Ticks * length.Ticks;
        return DateTimeOffset.UnixEpoch.AddTicks(ticks);
    }

    /// <summary>
    /// One sweep: every account with a digest due now gets it. Answers how many digests this call
    /// queued (another process may have queued some of the due ones).
    /// </summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var candidates = await CandidatesAsync(now, ct);
        var queued = 0;
        foreach (var accountId in candidates)
        {
            ct.ThrowIfCancellationRequested();
            try
            {
                if (await DigestAsync(accountId, now, ct))
                {
                    queued++;
                }
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // One account's failure must not hold back the others; its window is not claimed, the next sweep tries again.
                logger.LogWarning(e, "The digest of account {AccountId} failed; the next sweep tries again", accountId);
            }
        }

        // Preference links that expired are of no use any more.
        await unit.RunAsync(token => db.Database.ExecuteSqlAsync($"""
            DELETE FROM notifications WHERE purpose = {NotificationPurposes.Preferences} AND expires_time < {now}
            """, token), ct);
        return queued;
    }

    /// <summary>
    /// The rule of an unread message, in SQL over <c>cm</c> (the member row), <c>c</c> (the
    /// conversation) and <c>m</c> (the message): by someone else, an alerting message that is not a
    /// system message, deleted or marked spam, after the read horizon, visible to the member
    /// (docs/compatibility.md, "Who sees what"), in a conversation the account is still a member of,
    /// has not muted (<c>mk_alert_level</c> <c>never</c>) and that is not <c>cct_no_mail</c>.
    /// </summary>
    private const string UnreadRule = """
        m.account_id <> cm.account_id AND m.inbox_nr > 0 AND m.mk_message_state NOT IN ('system', 'deleted') AND NOT m.is_spam
        AND m.message_nr > cm.read_message_nr AND m.message_nr > cm.delete_message_nr
        AND (m.message_nr >= cm.begin_message_nr
             OR (m.message_nr >= cm.join_message_nr AND m.message_nr <= cm.history_end_message_nr)
             OR (cm.disclose_message_nr > 0 AND m.message_nr >= cm.disclose_message_nr))
        AND cm.leave_message_nr IS NULL AND cm.mk_alert_level <> 'never' AND c.mk_conv_type <> 'cct_no_mail'
        """;

    /// <summary>The messages of the lookback (posted_time is indexed), joined to their readers.</summary>
    private const string CandidatesSql = $$"""
        SELECT DISTINCT cm.account_id
        FROM messages m
        JOIN conversations c ON c.conversation_id = m.conversation_id
        JOIN conversation_members cm ON cm.conversation_id = m.conversation_id
        JOIN accounts a ON a.account_id = cm.account_id
        LEFT JOIN digest_windows d ON d.account_id = cm.account_id
        WHERE m.posted_time > @dayFloor AND m.posted_time <= @hourUpper
          AND a.mk_account_status = 'active'
          AND ((a.mk_email_interval IN ('default', 'hourly') AND m.posted_time > @hourFloor
                AND (d.window_start IS NULL OR d.window_start < @hourWindow))
               OR (a.mk_email_interval = 'daily' AND m.posted_time <= @dayUpper
                AND (d.window_start IS NULL OR d.window_start < @dayWindow)))
          AND (d.covered_until IS NULL OR m.posted_time > d.covered_until)
          AND {{UnreadRule}}
        """;

    private sealed record Candidate(Guid AccountId);

    /// <summary>The accounts that may have a digest due: an unread message aged one interval since their last digest, and a window not claimed yet.</summary>
    private async Task<List<Guid>> CandidatesAsync(DateTimeOffset now, CancellationToken ct)
    {
        var hourUpper = now - Hour;
        var dayUpper = now - Day;
        var hourFloor = now - Hour * LookbackIntervals;
        var dayFloor = now - Day * LookbackIntervals;
        var hourWindow = WindowStart(now, Hour);
        var dayWindow = WindowStart(now, Day);
        var rows = await db.Database.SqlQueryRaw<Candidate>(CandidatesSql,
            new Npgsql.NpgsqlParameter("dayFloor", dayFloor), new Npgsql.NpgsqlParameter("hourUpper", hourUpper),
            new Npgsql.NpgsqlParameter("hourFloor", hourFloor), new Npgsql.NpgsqlParameter("hourWindow", hourWindow),
            new Npgsql.NpgsqlParameter("dayUpper", dayUpper), new Npgsql.NpgsqlParameter("dayWindow", dayWindow)).ToListAsync(ct);
        return rows.Select(r => r.AccountId).Order().ToList();
    }

    /// <summary>
    /// The conversations of a digest with a message due (posted after the last digest's reach and
    /// unread for an interval), each with its unread count (every unread message) and its latest
    /// due messages: what came since the last digest.
    /// </summary>
    private const string DigestSql = $$"""
        SELECT x.conversation_id, x.topic, x.message_nr, x.author_name, x.message, x.posted_time, x.unread
        FROM (
            SELECT m.conversation_id, c.topic, m.message_nr, coalesce(m.sender_name, au.display_name) AS author_name,
                   m.message, m.posted_time,
                   count(*) OVER w AS unread,
                   m.posted_time > @lower AND m.posted_time <= @upper AS due,
                   row_number() OVER (PARTITION BY m.conversation_id, m.posted_time > @lower AND m.posted_time <= @upper
                                      ORDER BY m.message_nr DESC) AS rn
            FROM conversation_members cm
            JOIN conversations c ON c.conversation_id = cm.conversation_id
            JOIN messages m ON m.conversation_id = cm.conversation_id AND m.message_nr > cm.read_message_nr
            JOIN accounts au ON au.account_id = m.account_id
            WHERE cm.account_id = @account AND m.posted_time <= @now AND {{UnreadRule}}
            WINDOW w AS (PARTITION BY m.conversation_id)
        ) x
        WHERE x.due AND x.rn <= @per_conversation
        """;

    private sealed record DigestRow(Guid ConversationId, string Topic, long MessageNr, string AuthorName, string Message,
        DateTimeOffset PostedTime, long Unread);

    /// <summary>
    /// The digest of one account, as one unit of work: answers whether it was queued (false when
    /// the window is already claimed, by this or another process, or nothing is due any more).
    /// </summary>
    public Task<bool> DigestAsync(Guid accountId, DateTimeOffset now, CancellationToken ct) =>
        unit.RunAsync(async token =>
        {
            var account = (await db.Accounts.FromSql($"SELECT * FROM accounts WHERE account_id = {accountId} FOR NO KEY UPDATE")
                .AsNoTracking().ToListAsync(token)).SingleOrDefault();
            if (account is not { Status: AccountStatus.Active } || IntervalOf(account.EmailInterval) is not { } length)
            {
                return false;
            }

            // The claim row exists from the first digest on; a process that inserts it at the same
            // time waits here for this one's commit and then finds the window taken.
            await db.Database.ExecuteSqlAsync($"""
                INSERT INTO digest_windows (account_id, window_start) VALUES ({accountId}, {DateTimeOffset.UnixEpoch})
                ON CONFLICT (account_id) DO NOTHING
                """, token);
            var claim = await db.DigestWindows.FromSql($"SELECT * FROM digest_windows WHERE account_id = {accountId} FOR UPDATE")
                .SingleAsync(token);
            var window = WindowStart(now, length);
            if (claim.WindowStart >= window)
            {
                return false;
            }

            var upper = now - length;
            var floor = now - length * LookbackIntervals;
            var lower = claim.CoveredUntil is { } covered && covered > floor ? covered : floor;
            var rows = await db.Database.SqlQueryRaw<DigestRow>(DigestSql,
                new Npgsql.NpgsqlParameter("lower", lower), new Npgsql.NpgsqlParameter("upper", upper),
                new Npgsql.NpgsqlParameter("now", now), new Npgsql.NpgsqlParameter("account", accountId),
                new Npgsql.NpgsqlParameter("per_conversation", MessagesPerConversation)).ToListAsync(token);
            if (rows.Count == 0)
            {
                return false;
            }

            var conversations = rows.GroupBy(r => r.ConversationId)
                .Select(g => new DigestConversation(g.Key, g.First().Topic, g.First().Unread,
                    g.OrderBy(r => r.MessageNr).Select(r => new DigestMessage(r.AuthorName, MessageText.Plain(r.Message), r.PostedTime)).ToList()))
                .OrderByDescending(c => c.Messages[^1].PostedTime).ThenBy(c => c.ConversationId)
                .ToList();
            await NameUntitledAsync(conversations, accountId, token);

            claim.WindowStart = window;
            claim.CoveredUntil = upper;
            claim.SentTime = now;
            var mail = options.Value.Mail;
            var issued = notifications.Issue(NotificationPurposes.Preferences, account.Email, account.Id, mail.PreferencesLifetime);
            outbox.Queue(MailTemplates.Digest(account.Email, account.DisplayName, Http.PublicUrl.Of(options.Value, server), issued.Id,
                length == Day ? "daily" : "hourly", conversations.Take(MaxConversations).ToList(), Math.Max(0, conversations.Count - MaxConversations)));
            return true;
        }, ct);

    /// <summary>A conversation without a topic is named by its other members, as the clients show it.</summary>
    private async Task NameUntitledAsync(List<DigestConversation> conversations, Guid accountId, CancellationToken ct)
    {
        var untitled = conversations.Where(c => string.IsNullOrWhiteSpace(c.Topic)).Select(c => c.ConversationId).ToList();
        if (untitled.Count == 0)
        {
            return;
        }

        var members = await (from m in db.ConversationMembers
                             join a in db.Accounts on m.AccountId equals a.Id
                             where untitled.Contains(m.ConversationId) && m.AccountId != accountId && m.LeaveMessageNr == null
                             orderby a.DisplayName
                             select new { m.ConversationId, a.DisplayName }).ToListAsync(ct);
        for (var i = 0; i < conversations.Count; i++)
        {
            if (untitled.Contains(conversations[i].ConversationId))
            {
                var names = members.Where(m => m.ConversationId == conversations[i].ConversationId).Select(m => m.DisplayName).Take(4).ToList();
                conversations[i] = conversations[i] with { Topic = names.Count == 0 ? "" : string.Join(", ", names) };
            }
        }
    }
}

/// <summary>One conversation of a digest: its topic (or members' names), its unread count and its latest messages due, oldest first.</summary>
public sealed record DigestConversation(Guid ConversationId, string Topic, long UnreadCount, IReadOnlyList<DigestMessage> Messages);

/// <summary>One message of a digest as plain text.</summary>
public sealed record DigestMessage(string AuthorName, string Text, DateTimeOffset PostedTime);

/// <summary>
/// Mails the digests (docs/mail.md, "Digest"): sweeps every <see cref="MailOptions.DigestSweepInterval"/>
/// while <see cref="MailOptions.DigestEnabled"/>. Any number of processes may run it on one
/// database (<see cref="MailDigests"/> claims each window in the database).
/// </summary>
public sealed class DigestWorker(IServiceProvider services, DigestSignal signal, IOptions<FleepOptions> options, ILogger<DigestWorker> logger)
    : SignalledWorker(signal, logger)
{
    protected override bool Enabled => options.Value.Mail.DigestEnabled;

    protected override TimeSpan SweepInterval => options.Value.Mail.DigestSweepInterval;

    protected override async Task<TimeSpan> RunOnceAsync(CancellationToken ct)
    {
        await using var scope = services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<MailDigests>().SweepAsync(ct);
        return SweepInterval;
    }
}

/// <summary>Wakes this process's <see cref="DigestWorker"/> for a sweep now (test mode's <c>_test/digests</c>).</summary>
public sealed class DigestSignal : WorkerSignal;
