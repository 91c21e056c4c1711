using FleepServer.Domain.Conversations;

namespace FleepServer.Records;

/// <summary>
/// The one builder of <see cref="ConvRecord"/>s, used by every conversation and message answer
/// (and the poll stream). Always the full field set (clients merge records);
/// the init flags and fw/bw only where the result carries them.
/// </summary>
public static class ConvRecords
{
    public static ConvRecord For(ConvView view, string publicBaseUrl, HeaderMode? mode = null, long? bw = null, long? fw = null)
    {
        var c = view.Conversation;
        var me = view.Viewer;
        mode ??= HeaderMode.Plain;
        var isInit = mode.MkInitMode is not null && mode.MkInitMode != InitModes.Header;
        // One order for every answer: by join time, then id. Join times compare at the microseconds
        // PostgreSQL keeps, so a row just written (finer in memory) sorts as it will when read back.
        var all = view.Members.OrderBy(m => m.JoinedTime.UtcTicks / 10).ThenBy(m => m.AccountId).ToList();
        var labels = Domain.Labels.ConvLabels.For(view);
        return new ConvRecord
        {
            ConversationId = c.Id,
            ProfileId = me.AccountId,
            MkInitMode = mode.MkInitMode,
            IsInit = isInit ? mode.IsInit : null,
            IsFull = isInit ? true : null,
            IsTiny = isInit ? mode.IsTiny : null,
            CreatorId = c.CreatorId,
            Topic = c.Topic,
            TopicMessageNr = c.TopicMessageNr,
            Members = all.Where(m => m.IsActive).Select(m => m.AccountId).ToList(),
            Leavers = all.Where(m => !m.IsActive).Select(m => m.AccountId).ToList(),
            Teams = c.TeamIds,
            Passive = all.Where(m => m.IsActive && m.MkAlertLevel == Data.AlertLevels.Passive).Select(m => m.AccountId).ToList(),
            CanPost = me.IsActive,
            IsReset = !me.IsActive && me.IsRemoved ? true : null,
            BeginMessageNr = me.BeginMessageNr,
            JoinMessageNr = me.JoinMessageNr,
            BwMessageNr = bw,
            FwMessageNr = fw,
            ReadMessageNr = me.ReadMessageNr,
            ReadInboxNr = me.ReadInboxNr,
            SendMessageNr = me.SendMessageNr,
            ShowMessageNr = view.ShowMessageNr,
            LastMessageNr = view.LastMessageNr,
            InboxMessageNr = view.InboxMessageNr,
            LastInboxNr = view.LastInboxNr,
            UnreadCount = view.UnreadCount,
            HideMessageNr = me.HideMessageNr,
            DeleteMessageNr = me.DeleteMessageNr,
            DiscloseMessageNr = me.DiscloseMessageNr,
            LastMessageTime = c.LastMessageTime.ToUnixTimeSeconds(),
            InboxTime = c.LastMessageTime.ToUnixTimeSeconds(),
            MkAlertLevel = me.MkAlertLevel,
            IsMuted = me.MkAlertLevel == Data.AlertLevels.Never,
            SnoozeInterval = me.SnoozeInterval,
            SnoozeTime = me.SnoozeTime,
            IsMarkUnread = me.IsMarkUnread,
            MkConvType = c.MkConvType,
            IsList = c.IsList,
            IsAutojoin = c.IsAutojoin,
            AutojoinUrl = $"{publicBaseUrl.TrimEnd('/')}/chat/{c.AutojoinKey}",
            IsDisclose = c.IsDisclose,
            IsUrlPreviewDisabled = c.IsUrlPreviewDisabled,
            HasPinboard = c.HasPinboard,
            HasTaskboard = c.HasTaskboard,
            HasTaskArchive = c.HasTaskArchive,
            HasDoneNotifications = me.HasDoneNotifications,
            DefaultCallRoom = c.DefaultCallRoom,
            IsDeleted = view.IsDeleted ? true : null,
            LabelIds = labels.Select(l => l.Id).ToList(),
            Labels = labels.Select(l => l.Name).ToList(),
        };
    }
}
