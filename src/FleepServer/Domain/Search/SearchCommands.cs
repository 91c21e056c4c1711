using System.ComponentModel.DataAnnotations;
using System.Text.Json;
using System.Text.Json.Serialization;
using FleepServer.Http;
using FleepServer.Records;

namespace FleepServer.Domain.Search;

/// <summary><c>api/search</c> (docs/search.md).</summary>
public sealed record SearchRequest : IFleepRequest<SearchRequest>
{
    /// <summary>Space-separated words, each a word prefix; a list of words is joined with spaces.</summary>
    [Required]
    [MaxLength(SearchLimits.MaxKeywordsLength)]
    [JsonConverter(typeof(WordsConverter))]
    public string? Keywords { get; init; }

    /// <summary>A subset of topic, chat, file, pin, task, subject (a list, or one space- or comma-separated text); absent or empty: all.</summary>
    [JsonConverter(typeof(WordsConverter))]
    public string? SearchTypes { get; init; }

    public Guid? ConversationId { get; init; }
    public List<Guid>? IgnoreConversationIds { get; init; }
    public bool? NeedSuggestions { get; init; }

    /// <summary>The older flag: also search topics and members.</summary>
    public bool? IsExtendedSearch { get; init; }
}

/// <summary><c>api/search/suggest</c>.</summary>
public sealed record SuggestRequest : IFleepRequest<SuggestRequest>
{
    [Required]
    [MaxLength(SearchLimits.MaxKeywordsLength)]
    [JsonConverter(typeof(WordsConverter))]
    public string? Keywords { get; init; }

    public Guid? ConversationId { get; init; }
}

public static class SearchLimits
{
    /// <summary>Longest keywords text (a list counts joined with spaces).</summary>
    public const int MaxKeywordsLength = 1024;

    /// <summary>Most words (separated by white space) in the keywords.</summary>
    public const int MaxKeywords = 32;

    /// <summary>The longest <c>marked_text</c>: the first this many characters of a message's text.</summary>
    public const int MaxMarkedLength = 10000;

    /// <summary>Most messages one search answers.</summary>
    public const int MaxMatches = 50;

    /// <summary>Most conversations found by topic or members in one search.</summary>
    public const int MaxTopicMatches = 50;

    /// <summary>Most suggestions.</summary>
    public const int MaxSuggestions = 10;

    /// <summary>How many of the newest matching messages suggestions are counted over.</summary>
    public const int SuggestionSample = 200;

    /// <summary>Most conversations <c>ignore_conversation_ids</c> may name.</summary>
    public const int MaxIgnored = 10000;
}

/// <summary>Reads a text or a list of texts (joined with single spaces); anything else is the wrong type.</summary>
public sealed class WordsConverter : JsonConverter<string>
{
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.String)
        {
            return reader.GetString()!;
        }

        if (reader.TokenType != JsonTokenType.StartArray)
        {
            throw new JsonException("expected a text or a list of texts");
        }

        var words = new List<string>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (reader.TokenType != JsonTokenType.String)
            {
                throw new JsonException("expected texts");
            }

            words.Add(reader.GetString()!);
        }

        return string.Join(' ', words);
    }

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(value);
}

/// <summary>
/// A conversation in a search answer's <c>headers</c>: the reduced ConvInfo the live server
/// answered (<c>conversation_id</c>, <c>members</c>, <c>topic</c>), enough to name it in a result
/// list; clients merge it into the conversation they have (docs/compatibility.md, "Search").
/// </summary>
public sealed record SearchConvRecord : Streams.IStreamRecord
{
    public string MkRecType => "conv";
    public required Guid ConversationId { get; init; }
    public required string Topic { get; init; }
    public required IReadOnlyList<Guid> Members { get; init; }
}

/// <summary>The <c>api/search</c> answer; <c>suggestions</c> is null unless asked for.</summary>
public sealed record SearchResponse(
    IReadOnlyList<SearchConvRecord> Headers,
    IReadOnlyList<MessageRecord> Matches,
    IReadOnlyList<object> Stream,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] IReadOnlyList<string>? Suggestions);

/// <summary>The <c>api/search/suggest</c> answer.</summary>
public sealed record SuggestResponse(IReadOnlyList<string> Suggestions);
