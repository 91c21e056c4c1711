using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class AccountConfiguration : IEntityTypeConfiguration<Account>
{
    public void Configure(EntityTypeBuilder<Account> account)
    {
        account.ToTable("accounts");
        account.HasKey(a => a.Id);
        account.Property(a => a.Id).HasColumnName("account_id");
        account.Property(a => a.Avatar).HasColumnType("jsonb").HasConversion(JsonColumn<FileFacts?>.Converter, JsonColumn<FileFacts?>.Comparer);
        account.Property(a => a.Email).HasMaxLength(1024);
        account.Property(a => a.EmailKey).HasMaxLength(1024);
        account.HasIndex(a => a.EmailKey).IsUnique();
        account.Property(a => a.DisplayName).HasMaxLength(128);
        account.Property(a => a.Status).HasColumnName("mk_account_status").HasMaxLength(16);
        account.Property(a => a.PhoneNr).HasMaxLength(16);
        account.Property(a => a.EmailInterval).HasColumnName("mk_email_interval").HasMaxLength(16);
        account.Property(a => a.ClientSettings).HasMaxLength(1024);
        account.Property(a => a.FleepAddress).HasMaxLength(128);
        account.HasIndex(a => a.FleepAddress).IsUnique();
        account.Property(a => a.FleepAutogen).HasMaxLength(128);
        account.Property(a => a.AliasOfId).HasColumnName("alias_of_account_id");
        account.HasOne<Account>().WithMany().HasForeignKey(a => a.AliasOfId).OnDelete(DeleteBehavior.SetNull);
        account.HasIndex(a => a.AliasOfId);
        account.Property(a => a.AliasAccountIds).HasDefaultValueSql("'{}'::uuid[]");
    }
}
