using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class ContactEntryConfiguration : IEntityTypeConfiguration<ContactEntry>
{
    public void Configure(EntityTypeBuilder<ContactEntry> contact)
    {
        contact.ToTable("contacts");
        contact.HasKey(c => new { c.OwnerId, c.ContactId });
        contact.Property(c => c.ContactName).HasMaxLength(1024);
        contact.Property(c => c.PhoneNr).HasMaxLength(1024);
        // Public changes of an account go to the owners who listed it.
        contact.HasIndex(c => c.ContactId);
        contact.HasOne<Account>().WithMany().HasForeignKey(c => c.OwnerId).OnDelete(DeleteBehavior.Cascade);
        contact.HasOne<Account>().WithMany().HasForeignKey(c => c.ContactId).OnDelete(DeleteBehavior.Cascade);
        contact.HasOne<Conversation>().WithMany().HasForeignKey(c => c.DialogId).OnDelete(DeleteBehavior.SetNull);
    }
}
