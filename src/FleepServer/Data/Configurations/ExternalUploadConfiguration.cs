using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace FleepServer.Data.Configurations;

public sealed class ExternalUploadConfiguration : IEntityTypeConfiguration<ExternalUpload>
{
    public void Configure(EntityTypeBuilder<ExternalUpload> upload)
    {
        upload.ToTable("external_uploads");
        upload.HasKey(u => u.Id);
        upload.Property(u => u.Id).HasColumnName("request_id");
        upload.Property(u => u.FileUrl).HasMaxLength(2048);
        upload.Property(u => u.FileName).HasMaxLength(2048);
        upload.Property(u => u.FileOrigin).HasMaxLength(1024);
        upload.Property(u => u.UploadId).HasMaxLength(1024);
        upload.Property(u => u.LastError).HasMaxLength(1024);
        // The fetcher claims the due rows, oldest first.
        upload.HasIndex(u => u.NextAttemptTime);
        upload.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}
