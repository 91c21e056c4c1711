using System.Buffers;
using System.Net;
using System.Net.Sockets;
using MimeKit;
using SmtpServer;
using SmtpServer.Protocol;
using SmtpServer.Storage;

namespace FleepServer.Tests.Infrastructure;

/// <summary>A mail as the SMTP receiver got it.</summary>
public sealed record ReceivedMail(string To, string Subject, string Text, string Html, string MessageId)
{
    /// <summary>The first value of <paramref name="parameter"/> in a link of the plain-text part (e.g. the notification id).</summary>
    public string LinkParameter(string parameter)
    {
        var marker = parameter + "=";
        var start = Text.IndexOf(marker, StringComparison.Ordinal);
        Assert.True(start >= 0, $"no {parameter} in the mail: {Text}");
        start += marker.Length;
        var end = start;
        while (end < Text.Length && !char.IsWhiteSpace(Text[end]) && Text[end] != '&')
        {
            end++;
        }

        return Uri.UnescapeDataString(Text[start..end]);
    }
}

/// <summary>
/// A real SMTP server on 127.0.0.1 for the tests (the SmtpServer package): mail reaches it over the
/// SMTP protocol exactly as it would reach a team's mail server. It can be stopped and started
/// again on the same port, for outages.
/// </summary>
public sealed class SmtpReceiver : IAsyncDisposable
{
    private readonly Lock gate = new();
    private readonly List<ReceivedMail> mails = [];
    private TaskCompletionSource arrived = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private SmtpServer.SmtpServer? server;
    private Task? running;

    private SmtpReceiver(int port) => Port = port;

    public int Port { get; }

    /// <summary>How long the receiver takes before it answers each mail's DATA (a slow mail server).</summary>
    public TimeSpan AnswerDelay { get; set; }

    public static async Task<SmtpReceiver> StartAsync()
    {
        var receiver = new SmtpReceiver(FreePort.Next());
        await receiver.StartAsync(receiver.Port);
        return receiver;
    }

    /// <summary>Every mail received so far, in arrival order.</summary>
    public IReadOnlyList<ReceivedMail> Mails
    {
        get
        {
            lock (gate)
            {
                return [.. mails];
            }
        }
    }

    /// <summary>The mails to one address so far.</summary>
    public IReadOnlyList<ReceivedMail> MailsTo(string address) =>
        Mails.Where(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase)).ToList();

    /// <summary>Waits until a mail to <paramref name="address"/> matching <paramref name="match"/> has arrived.</summary>
    public async Task<ReceivedMail> WaitForAsync(string address, Func<ReceivedMail, bool>? match = null, TimeSpan? timeout = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            Task next;
            lock (gate)
            {
                var found = mails.FirstOrDefault(m => string.Equals(m.To, address, StringComparison.OrdinalIgnoreCase) && (match?.Invoke(m) ?? true));
                if (found is not null)
                {
                    return found;
                }

                next = arrived.Task;
            }

            try
            {
                await next.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No mail to {address} arrived; received: {string.Join(", ", Mails.Select(m => $"{m.To} '{m.Subject}'"))}");
            }
        }
    }

    /// <summary>Stops listening (an outage): connections are refused until <see cref="RestartAsync"/>.</summary>
    public async Task StopAsync()
    {
        var stopping = server;
        server = null;
        if (stopping is not null)
        {
            stopping.Shutdown();
            await stopping.ShutdownTask;
        }
    }

    public Task RestartAsync() => StartAsync(Port);

    public async ValueTask DisposeAsync() => await StopAsync();

    private async Task StartAsync(int port)
    {
        var options = new SmtpServerOptionsBuilder()
            .ServerName("localhost")
            .Endpoint(endpoint => endpoint.Endpoint(new IPEndPoint(IPAddress.Loopback, port)))
            .Build();
        var services = new SmtpServer.ComponentModel.ServiceProvider();
        services.Add(new Store(this));
        server = new SmtpServer.SmtpServer(options, services);
        running = server.StartAsync(CancellationToken.None);
        // Listening: a connection is accepted.
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return;
            }
            catch (SocketException) when (attempt < 100)
            {
                await Task.Delay(20);
            }
        }
    }

    private void Add(MimeMessage message)
    {
        var to = message.To.Mailboxes.FirstOrDefault()?.Address ?? "";
        lock (gate)
        {
            mails.Add(new ReceivedMail(to, message.Subject ?? "", message.TextBody ?? "", message.HtmlBody ?? "", message.MessageId ?? ""));
            var done = arrived;
            arrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            done.SetResult();
        }
    }

    private sealed class Store(SmtpReceiver receiver) : MessageStore
    {
        public override async Task<SmtpResponse> SaveAsync(ISessionContext context, IMessageTransaction transaction,
            ReadOnlySequence<byte> buffer, CancellationToken cancellationToken)
        {
            await using var stream = new MemoryStream(buffer.ToArray());
            var message = await MimeMessage.LoadAsync(stream, cancellationToken);
            if (receiver.AnswerDelay > TimeSpan.Zero)
            {
                await Task.Delay(receiver.AnswerDelay, cancellationToken);
            }

            // Received once it is acknowledged: a mail whose sender hung up before the answer was never delivered.
            receiver.Add(message);
            return SmtpResponse.Ok;
        }
    }
}

/// <summary>
/// A server that sends its mail to a <see cref="SmtpReceiver"/> of its own on 127.0.0.1, with short
/// real retry delays (200 ms doubling to 1 s) and a 1 s sweep. Registration is active at once (no
/// address confirmation), so the tests' accounts are made the usual way; <see cref="ConfirmingMailFixture"/>
/// confirms addresses as a server with mail does by default.
/// </summary>
public class MailServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    private SmtpReceiver? smtp;

    public SmtpReceiver Smtp => smtp ??= SmtpReceiver.StartAsync().GetAwaiter().GetResult();

    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Registration:ConfirmEmail"] = "false",
        ["Fleep:Smtp:Host"] = "127.0.0.1",
        ["Fleep:Smtp:Port"] = Smtp.Port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Fleep:Smtp:Security"] = "None",
        ["Fleep:Smtp:Timeout"] = "00:00:05",
        ["Fleep:Mail:FirstRetryDelay"] = "00:00:00.200",
        ["Fleep:Mail:MaxRetryDelay"] = "00:00:01",
        ["Fleep:Mail:SweepInterval"] = "00:00:01",
    };

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (smtp is not null)
        {
            await smtp.DisposeAsync();
        }
    }
}

/// <summary>A mail server with its default registration rule: addresses are confirmed from a mailed link.</summary>
public sealed class ConfirmingMailFixture(PostgresServer postgres) : MailServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings =>
        base.Settings.Where(s => s.Key != "Fleep:Registration:ConfirmEmail").ToDictionary();
}
