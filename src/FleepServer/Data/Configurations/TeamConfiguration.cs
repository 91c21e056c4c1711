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
