using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class ConversationConfiguration : IEntityTypeConfiguration<Conversation>
{
    public void Configure(EntityTypeBuilder<Conversation> conv)
    {
        conv.ToTable("conversations");
        conv.HasKey(c => c.Id);
        conv.Property(c => c.Id).HasColumnName("conversation_id");
        conv.Property(c => c.Topic).HasMaxLength(1024);
        conv.Property(c => c.MkConvType).HasMaxLength(16);
        conv.Property(c => c.AutojoinKey).HasMaxLength(64);
        conv.HasIndex(c => c.AutojoinKey).IsUnique();
        // A team's conversations are found by the team id in this list.
        conv.HasIndex(c => c.TeamIds).HasMethod("gin");
        conv.HasOne<Account>().WithMany().HasForeignKey(c => c.CreatorId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class ConversationMemberConfiguration : IEntityTypeConfiguration<ConversationMember>
{
    public void Configure(EntityTypeBuilder<ConversationMember> member)
    {
        member.ToTable("conversation_members");
        member.HasKey(m => new { m.ConversationId, m.AccountId });
        member.Ignore(m => m.IsActive);
        member.Property(m => m.MkAlertLevel).HasMaxLength(16);
        member.HasIndex(m => m.AccountId);
        // The pen sweeper looks for pens that ran out; only members writing have a value.
        member.HasIndex(m => m.WritingUntil).HasFilter("writing_until IS NOT NULL");
        member.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
        member.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class MessageConfiguration : IEntityTypeConfiguration<Message>
{
    public void Configure(EntityTypeBuilder<Message> message)
    {
        message.ToTable("messages");
        message.HasKey(m => new { m.ConversationId, m.MessageNr });
        message.Ignore(m => m.EffectiveNr);
        message.Property(m => m.MkMessageType).HasMaxLength(32);
        message.Property(m => m.MkMessageState).HasMaxLength(16);
        message.Property(m => m.Body).HasColumnName("message");
        message.Property(m => m.Subject).HasMaxLength(1024);
        message.Property(m => m.HookKey).HasMaxLength(32);
        message.Property(m => m.SenderName).HasMaxLength(1024);
        message.Property(m => m.MessageKey).HasMaxLength(1024);
        // Re-importing a batch adds nothing: one message per (hook, message_key) in a conversation.
        message.HasIndex(m => new { m.ConversationId, m.HookKey, m.MessageKey }).IsUnique().HasFilter("message_key IS NOT NULL");
        message.Property(m => m.Reactions).HasColumnType("jsonb")
            .HasConversion(ReactionsColumn.Converter, ReactionsColumn.Comparer);
        message.Property(m => m.Files).HasColumnType("jsonb")
            .HasConversion(JsonColumn<List<MessageFile>?>.Converter, JsonColumn<List<MessageFile>?>.Comparer);
        // The file drawer (conversation/sync_files) pages through the messages that have files.
        message.HasIndex(m => new { m.ConversationId, m.MessageNr }).HasFilter("files IS NOT NULL").HasDatabaseName("ix_messages_with_files");
        // The taskboards and the tasks assigned to an account read a conversation's tasks, not all its messages.
        message.HasIndex(m => new { m.ConversationId, m.MessageNr }, "ix_messages_tasks").HasFilter("mk_message_state IN ('todo', 'done')")
            .HasDatabaseName("ix_messages_tasks");
        // Forward sync reads "changed after F": new messages by message_nr, revisions by flow_message_nr.
        message.HasIndex(m => new { m.ConversationId, m.FlowMessageNr });
        // inbox_message_nr looks up the first unread alerting message by its inbox number.
        message.HasIndex(m => new { m.ConversationId, m.InboxNr });
        // Search reads a common word's matches newest first across many conversations (docs/search.md, "Speed").
        message.HasIndex(m => m.PostedTime);
        // message_id names a message from outside its conversation (the personal board); rows written
        // before it existed get one from the default. Unique: the personal board refers to it.
        message.Property(m => m.MessageId).HasDefaultValueSql("gen_random_uuid()");
        message.HasAlternateKey(m => m.MessageId);
        message.HasOne<Conversation>().WithMany().HasForeignKey(m => m.ConversationId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class ClientRequestConfiguration : IEntityTypeConfiguration<ClientRequest>
{
    public void Configure(EntityTypeBuilder<ClientRequest> request)
    {
        request.ToTable("client_requests");
        request.HasKey(r => new { r.AccountId, r.ClientReqId });
        request.HasOne<Account>().WithMany().HasForeignKey(r => r.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
