using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;
using FleepServer.Errors;

namespace FleepServer.Http;

/// <summary>
/// Checks a bound request record: every text is at most its <see cref="MaxLengthAttribute"/>
/// (Fleep's <c>max_len</c>; 1024 when a field names none, the catalogue's most common limit),
/// <see cref="RequiredAttribute"/> fields are present and non-blank, no id is the empty UUID and
/// every floating-point number is finite. Objects nested in a request (<see cref="IFleepRequestPart"/>,
/// alone or in lists) are checked by the same rules.
/// Over-long values are refused, never truncated (docs/compatibility.md, "Requests").
/// </summary>
public static class RequestValidator
{
    public const int DefaultMaxLength = 1024;

    private static readonly ConcurrentDictionary<Type, FieldRule[]> Rules = new();

    public static void Validate(object request)
    {
        foreach (var rule in Rules.GetOrAdd(request.GetType(), BuildRules))
        {
            rule.Check(rule.Property.GetValue(request));
        }
    }

    private static FieldRule[] BuildRules(Type type) =>
        type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)
            .Select(p => new FieldRule(
                p,
                JsonNamingPolicy.SnakeCaseLower.ConvertName(p.Name),
                p.GetCustomAttribute<MaxLengthAttribute>()?.Length ?? DefaultMaxLength,
                p.GetCustomAttribute<RequiredAttribute>() is not null))
            .ToArray();

    private sealed record FieldRule(PropertyInfo Property, string Name, int MaxLength, bool Required)
    {
        public void Check(object? value)
        {
            switch (value)
            {
                case null when Required:
                case string s when Required && string.IsNullOrWhiteSpace(s):
                    throw FleepErrors.MissingField(Name);
                case string s when s.Length > MaxLength:
                    throw FleepErrors.InvalidField(Name, $"longer than {MaxLength} characters");
                case double d when !double.IsFinite(d):
                    // 1e400 parses as infinity, which no JSON answer could carry back.
                    throw FleepErrors.InvalidField(Name, "not a finite number");
                case Guid id when id == Guid.Empty:
                    throw FleepErrors.InvalidField(Name, "empty id");
                case IEnumerable<string?> texts:
                    foreach (var text in texts)
                    {
                        if (text is null)
                        {
                            throw FleepErrors.InvalidField(Name, "null inside a list");
                        }

                        if (text.Length > MaxLength)
                        {
                            throw FleepErrors.InvalidField(Name, $"an item is longer than {MaxLength} characters");
                        }
                    }

                    break;
                case IEnumerable<Guid> ids when ids.Contains(Guid.Empty):
                    throw FleepErrors.InvalidField(Name, "empty id");
                case IFleepRequestPart part:
                    Validate(part);
                    break;
                case IEnumerable<IFleepRequestPart?> parts:
                    foreach (var item in parts)
                    {
                        Validate(item ?? throw FleepErrors.InvalidField(Name, "null inside a list"));
                    }

                    break;
            }
        }
    }
}
