using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// A real HTTP endpoint for outgoing webhooks: Kestrel on 127.0.0.1 on a free port. Every request
/// to <c>/{name}</c> is recorded (name, parsed JSON body, arrival time) before it is answered with
/// the status set for that name (200 by default), after an optional delay, or never (the request
/// hangs until the caller gives up). Tests wait for what they expect with <see cref="WaitForAsync"/>,
/// which wakes on every recorded request and fails after a bound, instead of sleeping.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication app;
    private readonly ConcurrentDictionary<string, Behaviour> behaviours = new();
    private readonly Lock gate = new();
    private readonly List<Received> received = [];
    private readonly Stopwatch clock = Stopwatch.StartNew();
    private TaskCompletionSource changed = NewSignal();
    private int hanging;

    private WebhookReceiver(WebApplication app) => this.app = app;

    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>Requests that arrived and are being held without an answer.</summary>
    public int Hanging => Volatile.Read(ref hanging);

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var receiver = new WebhookReceiver(builder.Build());
        receiver.app.MapPost("/{name}", receiver.HandleAsync);
        await receiver.app.StartAsync();
        receiver.BaseAddress = new Uri(receiver.app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        return receiver;
    }

    /// <summary>The URL whose requests are recorded under <paramref name="name"/>.</summary>
    public string Url(string name) => new Uri(BaseAddress, name).ToString();

    /// <summary>Answers requests to <paramref name="name"/> with <paramref name="status"/>, after <paramref name="delay"/>.</summary>
    public void Answer(string name, int status, TimeSpan delay = default) => behaviours[name] = new Behaviour(status, delay, Hang: false);

    /// <summary>Requests to <paramref name="name"/> get no answer at all.</summary>
    public void Hang(string name) => behaviours[name] = new Behaviour(0, TimeSpan.Zero, Hang: true);

    public IReadOnlyList<Received> Requests
    {
        get
        {
            lock (gate)
            {
                return received.ToList();
            }
        }
    }

    public IReadOnlyList<Received> RequestsTo(string name) => Requests.Where(r => r.Name == name).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds for the recorded requests; fails after <paramref name="bound"/>.</summary>
    public async Task<IReadOnlyList<Received>> WaitForAsync(Func<IReadOnlyList<Received>, bool> condition, TimeSpan bound, string what)
    {
        using var timeout = new CancellationTokenSource(bound);
        while (true)
        {
            Task next;
            lock (gate)
            {
                next = changed.Task;
            }

            var now = Requests;
            if (condition(now))
            {
                return now;
            }

            try
            {
                await next.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var seen = Requests;
                Assert.Fail($"Timed out after {bound} waiting for {what}; {seen.Count} requests received: " +
                            string.Join(", ", seen.GroupBy(r => r.Name).Select(g => $"{g.Key}×{g.Count()}")));
            }
        }
    }

    private async Task<IResult> HandleAsync(string name, HttpContext context)
    {
        using var reader = new StreamReader(context.Request.Body);
        var text = await reader.ReadToEndAsync(context.RequestAborted);
        var body = JsonDocument.Parse(text).RootElement.Clone();
        TaskCompletionSource signal;
        lock (gate)
        {
            received.Add(new Received(name, body, clock.Elapsed, context.Request.ContentType));
            signal = changed;
            changed = NewSignal();
        }

        signal.SetResult();
        var behaviour = behaviours.GetValueOrDefault(name) ?? new Behaviour(200, TimeSpan.Zero, Hang: false);
        if (behaviour.Hang)
        {
            Interlocked.Increment(ref hanging);
            try
            {
                await Task.Delay(Timeout.Infinite, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
            }
            finally
            {
                Interlocked.Decrement(ref hanging);
            }

            return Results.Empty;
        }

        if (behaviour.Delay > TimeSpan.Zero)
        {
            await Task.Delay(behaviour.Delay, context.RequestAborted);
        }

        // An answer body the server must never store or show.
        return Results.Text("<script>alert('receiver')</script>", "text/html", statusCode: behaviour.Status);
    }

    private static TaskCompletionSource NewSignal() => new(TaskCreationOptions.RunContinuationsAsynchronously);

    public async ValueTask DisposeAsync()
    {
        await app.StopAsync(new CancellationToken(true));
        await app.DisposeAsync();
    }

    private sealed record Behaviour(int Status, TimeSpan Delay, bool Hang);
}

/// <summary>One request as the receiver got it; <see cref="At"/> is its arrival since the receiver started.</summary>
public sealed record Received(string Name, JsonElement Body, TimeSpan At, string? ContentType)
{
    public JsonElement Message => Body.GetProperty("messages")[0];
    public long MessageNr => Message.GetProperty("message_nr").GetInt64();
}
