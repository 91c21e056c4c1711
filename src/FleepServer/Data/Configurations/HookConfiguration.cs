using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class HookConfiguration : IEntityTypeConfiguration<Hook>
{
    public void Configure(EntityTypeBuilder<Hook> hook)
    {
        hook.ToTable("hooks");
        hook.HasKey(h => h.Id);
        hook.Property(h => h.Id).HasColumnName("hook_id");
        hook.Ignore(h => h.Delivers);
        hook.Property(h => h.HookKey).HasMaxLength(32);
        hook.Property(h => h.HookName).HasMaxLength(1024);
        hook.Property(h => h.MkHookType).HasMaxLength(32);
        hook.Property(h => h.OutgoingUrl).HasMaxLength(2048);
        hook.Property(h => h.OutgoingDisableReason).HasMaxLength(1024);
        hook.Property(h => h.ExternalObjectId).HasMaxLength(1024);
        hook.Property(h => h.BaseUrl).HasMaxLength(2048);
        hook.HasIndex(h => h.TokenHash).IsUnique();
        hook.HasIndex(h => new { h.ConversationId, h.HookKey }).IsUnique();
        hook.HasOne<Conversation>().WithMany().HasForeignKey(h => h.ConversationId).OnDelete(DeleteBehavior.Cascade);
        hook.HasOne<Account>().WithMany().HasForeignKey(h => h.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

public sealed class HookDeliveryConfiguration : IEntityTypeConfiguration<HookDelivery>
{
    public void Configure(EntityTypeBuilder<HookDelivery> delivery)
    {
        delivery.ToTable("hook_deliveries");
        delivery.HasKey(d => d.Id);
        delivery.Property(d => d.Id).HasColumnName("delivery_id").UseIdentityByDefaultColumn();
        delivery.Property(d => d.LastError).HasMaxLength(1024);
        // The sender takes the oldest due item of each hook; per hook in id order.
        delivery.HasIndex(d => new { d.HookId, d.Id });
        delivery.HasIndex(d => d.NextAttemptTime);
        delivery.HasOne<Hook>().WithMany().HasForeignKey(d => d.HookId).OnDelete(DeleteBehavior.Cascade);
    }
}
