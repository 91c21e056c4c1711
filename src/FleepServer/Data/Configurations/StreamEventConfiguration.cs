using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class StreamEventConfiguration : IEntityTypeConfiguration<StreamEvent>
{
    public void Configure(EntityTypeBuilder<StreamEvent> streamEvent)
    {
        streamEvent.ToTable("stream_events");
        // The primary key is also the poll index: (account, position) range scans.
        streamEvent.HasKey(e => new { e.AccountId, e.EventNr });
        streamEvent.Property(e => e.MkRecType).HasMaxLength(32);
        // json, not jsonb: the text is kept exactly as rendered and copied into poll answers as it is.
        streamEvent.Property(e => e.Payload).HasColumnType("json");
        // Records belong to their stream head, not to the account row: the append already holds the
        // head locked, so its foreign-key check locks nothing more (an accounts row here would be a
        // lock taken after the stream heads, against the lock order of docs/writes.md).
        streamEvent.HasOne<AccountStream>().WithMany().HasForeignKey(e => e.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
