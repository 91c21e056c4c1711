using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class OutgoingMailConfiguration : IEntityTypeConfiguration<OutgoingMail>
{
    public void Configure(EntityTypeBuilder<OutgoingMail> mail)
    {
        mail.ToTable("mail_outbox");
        mail.HasKey(m => m.Id);
        mail.Property(m => m.Id).HasColumnName("mail_id").UseIdentityByDefaultColumn();
        mail.Property(m => m.Kind).HasMaxLength(32);
        mail.Property(m => m.ToAddress).HasMaxLength(1024);
        mail.Property(m => m.ToName).HasMaxLength(1024);
        mail.Property(m => m.Subject).HasMaxLength(1024);
        mail.Property(m => m.LastError).HasMaxLength(1024);
        // Due at once, by the database clock the sender compares with.
        mail.Property(m => m.NextAttemptTime).HasDefaultValueSql("now()");
        // The sender takes the oldest due item.
        mail.HasIndex(m => new { m.NextAttemptTime, m.Id });
    }
}

public sealed class NotificationConfiguration : IEntityTypeConfiguration<Notification>
{
    public void Configure(EntityTypeBuilder<Notification> notification)
    {
        notification.ToTable("notifications");
        notification.HasKey(n => n.IdHash);
        notification.Property(n => n.IdHash).HasMaxLength(64);
        notification.Property(n => n.Purpose).HasMaxLength(32);
        notification.Property(n => n.Email).HasMaxLength(1024);
        notification.Property(n => n.EmailKey).HasMaxLength(1024);
        notification.Property(n => n.CodeHash).HasMaxLength(64);
        // Per-address limits count an address's recent notifications of one purpose.
        notification.HasIndex(n => new { n.EmailKey, n.Purpose, n.CreatedTime });
        notification.HasOne<Account>().WithMany().HasForeignKey(n => n.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class DigestWindowConfiguration : IEntityTypeConfiguration<DigestWindow>
{
    public void Configure(EntityTypeBuilder<DigestWindow> window)
    {
        window.ToTable("digest_windows");
        window.HasKey(w => w.AccountId);
        window.HasOne<Account>().WithMany().HasForeignKey(w => w.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
