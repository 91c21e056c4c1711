using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class AccountStreamConfiguration : IEntityTypeConfiguration<AccountStream>
{
    public void Configure(EntityTypeBuilder<AccountStream> stream)
    {
        stream.ToTable("account_streams");
        stream.HasKey(s => s.AccountId);
        stream.HasOne<Account>().WithOne().HasForeignKey<AccountStream>(s => s.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
