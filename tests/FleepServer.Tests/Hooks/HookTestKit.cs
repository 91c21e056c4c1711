using System.Text.Json;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Hooks;

/// <summary>A conversation of two with one hook: its URL, and the text messages a member receives from then on.</summary>
public sealed class HookedConversation(FleepTestClient owner, FleepTestClient member, Guid conversationId, string url, string hookKey, long horizon)
    : IDisposable
{
    public FleepTestClient Owner { get; } = owner;
    public FleepTestClient Member { get; } = member;
    public Guid ConversationId { get; } = conversationId;
    public string Url { get; } = url;
    public string HookKey { get; } = hookKey;

    /// <summary>The path part of the URL, <c>/hook/&lt;token&gt;</c>.</summary>
    public string Path => new Uri(Url).AbsolutePath;

    public string Token => Url[(Url.LastIndexOf('/') + 1)..];

    public static async Task<HookedConversation> CreateAsync(FleepServerFixture server, string hookType = "plain")
    {
        var owner = await server.NewAccountAsync("Owner");
        var member = await server.NewAccountAsync("Member");
        var conversationId = await owner.CreateConversationAsync("hooked", member);
        var info = (await owner.ConvAsync("create_hook", conversationId, new { hook_name = "Hooked", mk_hook_type = hookType }))
            .EnsureOk().Json.GetProperty("hook_info");
        var horizon = await member.HorizonAsync();
        return new HookedConversation(owner, member, conversationId, info.Str("hook_url"), info.Str("hook_key"), horizon);
    }

    /// <summary>The text messages the member's stream received since the hook was created, oldest first.</summary>
    public async Task<List<JsonElement>> MessagesAsync() =>
        (await Member.PollToEndAsync(horizon))
        .Where(r => r.Str("mk_rec_type") == "message" && r.Str("mk_message_type") == "text" && r.GetProperty("conversation_id").GetGuid() == ConversationId)
        .GroupBy(r => r.Long("message_nr"))
        .Select(g => g.Last())
        .OrderBy(r => r.Long("message_nr"))
        .ToList();

    public void Dispose()
    {
        Owner.Dispose();
        Member.Dispose();
    }
}
