using System.Text.Json;
using FleepServer.Errors;
using Json = FleepServer.Domain.Hooks.HookPayloads.Json;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// <c>github</c> hooks (docs/hooks.md, "Typed hooks"): a GitHub repository or organisation webhook,
/// the event named by the <c>X-GitHub-Event</c> header, as one readable message from the sender
/// <c>GitHub</c>. <c>push</c> lists its commits (short sha linked to the commit, first line of the
/// message, author); <c>pull_request</c> and <c>issues</c> say who did what to which number, with
/// the title and the link; <c>ping</c> (sent when the webhook is set up) posts a short
/// confirmation; any other event is one line naming the event, its action and who caused it
/// (docs/hooks.md "Incoming posts").
/// </summary>
public static class GitHubPayloads
{
    public const string SenderName = "GitHub";

    /// <summary>A push lists at most this many commits, then how many more there were.</summary>
    public const int MaxListedCommits = 20;

    public static IReadOnlyList<HookMessage> Parse(string? eventName, JsonElement root)
    {
        if (string.IsNullOrWhiteSpace(eventName))
        {
            throw FleepErrors.MissingField("X-GitHub-Event");
        }

        var text = eventName.Trim().ToLowerInvariant() switch
        {
            "push" => Push(root),
            "pull_request" => Numbered(root, "pull_request", "pull request"),
            "issues" => Numbered(root, "issue", "issue"),
            "ping" => $"{Prefix(root)}GitHub webhook is set up{(Json.Loose(root, "zen") is { Length: > 0 } zen ? ": " + zen : ".")}",
            var other => Other(other, root),
        };
        return [new HookMessage(text) { SenderName = SenderName }];
    }

    private static string Push(JsonElement root)
    {
        var who = Json.Loose(Json.Child(root, "pusher"), "name") ?? Login(root);
        var reference = Json.Loose(root, "ref") ?? "";
        var (kind, name) = reference.StartsWith("refs/tags/", StringComparison.Ordinal) ? ("tag", reference["refs/tags/".Length..])
            : reference.StartsWith("refs/heads/", StringComparison.Ordinal) ? ("branch", reference["refs/heads/".Length..])
            : ("ref", reference);
        var compare = Json.Loose(root, "compare") is { Length: > 0 } url ? $" {url}<<compare>>" : "";

        if (Bool(root, "deleted"))
        {
            return $"{Prefix(root)}{who} deleted {kind} {name}";
        }

        var commits = Json.Items(root, "commits").ToList();
        if (commits.Count == 0)
        {
            return Bool(root, "created")
                ? $"{Prefix(root)}{who} created {kind} {name}{compare}"
                : $"{Prefix(root)}{who} pushed to {kind} {name}{compare}";
        }

        var lines = new List<string>
        {
            $"{Prefix(root)}{who} pushed {commits.Count} commit{(commits.Count == 1 ? "" : "s")} to {kind} {name}{compare}",
        };
        foreach (var commit in commits.Take(MaxListedCommits))
        {
            var sha = Json.Loose(commit, "id") is { Length: >= 7 } id ? id[..7] : Json.Loose(commit, "id") ?? "";
            var shaText = Json.Loose(commit, "url") is { Length: > 0 } commitUrl ? $"{commitUrl}<<{sha}>>" : sha;
            var firstLine = (Json.Loose(commit, "message") ?? "").Split('\n')[0].Trim();
            var author = Json.Loose(Json.Child(commit, "author"), "name") ?? Json.Loose(Json.Child(commit, "author"), "username");
            lines.Add($"{shaText} {firstLine}{(author is null ? "" : $" ({author})")}");
        }

        if (commits.Count > MaxListedCommits)
        {
            lines.Add($"… and {commits.Count - MaxListedCommits} more");
        }

        return string.Join("\n", lines);
    }

    /// <summary>pull_request and issues: "[repo] who opened pull request #12: title" and the link on the next line.</summary>
    private static string Numbered(JsonElement root, string objectName, string noun)
    {
        var item = Json.Child(root, objectName);
        var action = Json.Loose(root, "action") ?? "updated";
        if (action == "closed" && Bool(item, "merged"))
        {
            action = "merged";
        }

        var number = Json.Loose(item, "number") ?? Json.Loose(root, "number") ?? "?";
        var title = Json.Loose(item, "title") ?? "";
        var who = Login(root) ?? Json.Loose(Json.Child(item, "user"), "login") ?? "someone";
        var url = Json.Loose(item, "html_url");
        return $"{Prefix(root)}{who} {action.Replace('_', ' ')} {noun} #{number}: {title}{(url is null ? "" : "\n" + url)}";
    }

    private static string Other(string eventName, JsonElement root)
    {
        var action = Json.Loose(root, "action") is { Length: > 0 } a ? $" ({a.Replace('_', ' ')})" : "";
        var who = Login(root) is { } login ? $" by {login}" : "";
        return $"{Prefix(root)}GitHub event {eventName.Replace('_', ' ')}{action}{who}";
    }

    /// <summary>"[owner/repo] " when the event names a repository.</summary>
    private static string Prefix(JsonElement root) =>
        Json.Loose(Json.Child(root, "repository"), "full_name") is { Length: > 0 } repo ? $"[{repo}] " : "";

    private static string? Login(JsonElement root) => Json.Loose(Json.Child(root, "sender"), "login");

    private static bool Bool(JsonElement obj, string name) =>
        obj.ValueKind == JsonValueKind.Object && obj.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.True;
}
