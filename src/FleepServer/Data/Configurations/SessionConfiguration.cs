using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class SessionConfiguration : IEntityTypeConfiguration<Session>
{
    public void Configure(EntityTypeBuilder<Session> session)
    {
        session.ToTable("sessions");
        session.HasKey(s => s.Id);
        session.Property(s => s.Id).HasColumnName("session_id");
        session.HasIndex(s => s.TokenHash).IsUnique();
        session.HasIndex(s => s.AccountId);
        session.HasOne<Account>().WithMany().HasForeignKey(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
