using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;
using Microsoft.EntityFrameworkCore.Storage.ValueConversion;

namespace FleepServer.Data.Configurations;

/// <summary>
/// How a message's reactions (reaction text → account ids) live in their <c>jsonb</c> column: as
/// the JSON object itself, read back in the order PostgreSQL keeps its keys. Two values are the
/// same when their JSON is, so a change inside the lists is saved as well as a new dictionary.
/// </summary>
public static class ReactionsColumn
{
    public static readonly ValueConverter<Dictionary<string, List<Guid>>?, string> Converter =
        new(v => ToJson(v), json => FromJson(json));

    public static readonly ValueComparer<Dictionary<string, List<Guid>>?> Comparer = new(
        (a, b) => ToJson(a) == ToJson(b),
        v => ToJson(v).GetHashCode(StringComparison.Ordinal),
        v => v == null ? null : FromJson(ToJson(v)));

    private static string ToJson(Dictionary<string, List<Guid>>? value) => value is null ? "" : JsonSerializer.Serialize(value);

    private static Dictionary<string, List<Guid>>? FromJson(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, List<Guid>>>(json) ?? [];
}
