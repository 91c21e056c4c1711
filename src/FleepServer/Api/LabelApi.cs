using FleepServer.Api.Wire;
using FleepServer.Auth;
using FleepServer.Domain.Labels;

namespace FleepServer.Api;

/// <summary>
/// api/label/*: the caller's labels and the conversations carrying one (docs/labels.md). Labels
/// are private: every answer and stream record of these calls goes to the caller's account alone.
/// </summary>
public static class LabelApi
{
    public static IEndpointRouteBuilder MapLabelApi(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/label");
        api.MapPost("/store", Store);
        api.MapPost("/sync_conversations", SyncConversations);
        return app;
    }

    /// <summary>
    /// POST api/label/store {label?, label_id?, index?, is_on_left_pane?, is_in_recent?, is_in_muted?}
    /// → {stream: [LabelInfo]}. Without label_id: creates the label named <c>label</c> (user label,
    /// flags default true); with label_id: renames, moves or sets flags; <c>index: -1</c> removes
    /// (by label_id or by name; the record comes back with <c>mk_label_status: "removed"</c>).
    /// Errors: name empty or over 256 characters 400; unknown label 430 not_found; a name already
    /// used by an active label (case-insensitive) 431 label_exists; renaming or removing a system
    /// label, or changing its is_in_recent/is_in_muted, 431 system_label.
    /// </summary>
    internal static async Task<RecordsResponse> Store(StoreLabel request, CurrentSession me, LabelActions labels, CancellationToken ct) =>
        new([await labels.StoreAsync(me.AccountId, request, ct)]);

    /// <summary>
    /// POST api/label/sync_conversations {label_id, mk_init_mode = ic_tiny (ic_header, ic_full),
    /// sync_cursor?, limit = 30 (1..100)} → {stream: [LabelInfo with the next page's sync_cursor,
    /// ContactInfo…, ConvInfo and inbox MessageInfo…]}: one page of the caller's conversations with
    /// the label, newest inbox time first. The last page answers <c>sync_cursor: "{}"</c> and
    /// <c>sync_inbox_time: 0</c>. Errors: missing label_id or bad mode/limit/cursor 400; a label the
    /// caller does not have 430 not_found.
    /// </summary>
    internal static async Task<RecordsResponse> SyncConversations(SyncLabelConversations request, CurrentSession me, LabelActions labels,
        CancellationToken ct) =>
        new((await labels.SyncConversationsAsync(me.AccountId, request, ct)).Records);
}
