using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class ReminderClickConfiguration : IEntityTypeConfiguration<ReminderClick>
{
    public void Configure(EntityTypeBuilder<ReminderClick> click)
    {
        click.ToTable("reminder_clicks");
        click.HasKey(c => new { c.AccountId, c.ReminderId });
        click.HasOne<Account>().WithMany().HasForeignKey(c => c.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
