using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FleepServer.Data.Configurations;

public sealed class UploadConfiguration : IEntityTypeConfiguration<Upload>
{
    public void Configure(EntityTypeBuilder<Upload> upload)
    {
        upload.ToTable("uploads");
        upload.HasKey(u => u.Id);
        upload.Property(u => u.Id).HasColumnName("upload_id");
        upload.Property(u => u.FileName).HasMaxLength(1024);
        upload.Property(u => u.Facts).HasColumnType("jsonb").HasConversion(JsonColumn<FileFacts>.Converter, JsonColumn<FileFacts>.Comparer);
        upload.HasIndex(u => u.AccountId);
        upload.HasOne<Account>().WithMany().HasForeignKey(u => u.AccountId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>
/// A value kept as its JSON text in a <c>jsonb</c> column. Two values are the same when their JSON
/// is, so a changed copy of a record or list is saved like a new one.
/// </summary>
public static class JsonColumn<T>
{
    public static readonly ValueConverter<T, string> Converter = new(v => ToJson(v), json => FromJson(json));

    public static readonly ValueComparer<T> Comparer = new(
        (a, b) => ToJson(a) == ToJson(b),
        v => ToJson(v).GetHashCode(StringComparison.Ordinal),
        v => FromJson(ToJson(v)));

    private static string ToJson(T? value) => JsonSerializer.Serialize(value);

    private static T FromJson(string json) => JsonSerializer.Deserialize<T>(json)!;
}
