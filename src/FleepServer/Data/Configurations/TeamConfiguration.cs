using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class TeamConfiguration : IEntityTypeConfiguration<Team>
{
    public void Configure(EntityTypeBuilder<Team> team)
    {
        team.ToTable("teams");
        team.HasKey(t => t.Id);
        team.Property(t => t.Id).HasColumnName("team_id");
        team.Property(t => t.TeamName).HasMaxLength(1024);
        team.Property(t => t.AutojoinKey).HasMaxLength(64);
        team.Property(t => t.VersionNr).HasColumnName("team_version_nr");
        team.HasIndex(t => t.AutojoinKey).IsUnique();
        // An account's teams: account/sync, sync_teams and the team labels read them by member.
        team.HasIndex(t => t.Members).HasMethod("gin");
        team.HasOne<Account>().WithMany().HasForeignKey(t => t.CreatorId).OnDelete(DeleteBehavior.Restrict);
    }
}

public sealed class LabelConfiguration : IEntityTypeConfiguration<Label>
{
    public void Configure(EntityTypeBuilder<Label> label)
    {
        label.ToTable("labels");
        label.HasKey(l => l.Id);
        label.Property(l => l.Id).HasColumnName("label_id");
        label.Property(l => l.Name).HasColumnName("label").HasMaxLength(1024);
        label.Property(l => l.Index).HasColumnName("index");
        label.Property(l => l.MkLabelType).HasMaxLength(16);
        label.Property(l => l.MkLabelSubtype).HasMaxLength(32);
        label.Property(l => l.MkLabelStatus).HasMaxLength(16);
        label.HasIndex(l => l.AccountId);
        label.HasOne<Account>().WithMany().HasForeignKey(l => l.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class SectionConfiguration : IEntityTypeConfiguration<Section>
{
    public void Configure(EntityTypeBuilder<Section> section)
    {
        section.ToTable("sections");
        section.HasKey(s => s.Id);
        section.Property(s => s.Id).HasColumnName("section_id");
        section.Property(s => s.Name).HasMaxLength(1024);
        section.Property(s => s.MkSectionType).HasMaxLength(16);
        section.Property(s => s.MkSectionSubtype).HasMaxLength(16);
        section.HasIndex(s => s.ConversationId).HasFilter("conversation_id IS NOT NULL");
        section.HasIndex(s => s.AccountId).HasFilter("account_id IS NOT NULL");
        section.HasOne<Conversation>().WithMany().HasForeignKey(s => s.ConversationId).OnDelete(DeleteBehavior.Cascade);
        section.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
        section.ToTable(t => t.HasCheckConstraint("ck_sections_one_board", "(conversation_id IS NULL) <> (account_id IS NULL)"));
    }
}

public sealed class MyMessageConfiguration : IEntityTypeConfiguration<MyMessage>
{
    public void Configure(EntityTypeBuilder<MyMessage> item)
    {
        item.ToTable("my_messages");
        item.HasKey(m => m.Id);
        item.Property(m => m.Id).HasColumnName("message_id");
        item.Property(m => m.Kind).HasMaxLength(16);
        item.Property(m => m.Body).HasColumnName("message");
        item.Property(m => m.CannedName).HasMaxLength(1024);
        item.Property(m => m.MkMessageState).HasMaxLength(16);
        item.Property(m => m.Files).HasColumnType("jsonb")
            .HasConversion(JsonColumn<List<MessageFile>?>.Converter, JsonColumn<List<MessageFile>?>.Comparer);
        // An owner's items by kind, in store order (contact:sync_canned pages by store_time, message_id).
        item.HasIndex(m => new { m.AccountId, m.Kind, m.StoreTime, m.Id });
        item.HasOne<Account>().WithMany().HasForeignKey(m => m.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class MyTaskPlaceConfiguration : IEntityTypeConfiguration<MyTaskPlace>
{
    public void Configure(EntityTypeBuilder<MyTaskPlace> place)
    {
        place.ToTable("my_task_places");
        place.HasKey(p => new { p.AccountId, p.MessageId });
        place.HasOne<Account>().WithMany().HasForeignKey(p => p.AccountId).OnDelete(DeleteBehavior.Cascade);
        place.HasOne<Message>().WithMany().HasForeignKey(p => p.MessageId).HasPrincipalKey(m => m.MessageId).OnDelete(DeleteBehavior.Cascade);
    }
}
