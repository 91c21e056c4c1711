using FleepServer.Http;
using FleepServer.Domain.Conversations;
using FleepServer.Records;

namespace FleepServer.Api.Wire;

/// <summary><c>conversation/list</c>: one batch of the caller's conversations and where the next starts.</summary>
public sealed record ConversationListResponse(IReadOnlyList<ConvRecord> Conversations, long SyncHorizon);

/// <summary><c>conversation/show_activity</c>: the other members' activity records.</summary>
public sealed record ActivityResponse(IReadOnlyList<ActivityRecord> Stream);
