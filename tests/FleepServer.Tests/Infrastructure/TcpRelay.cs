using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace FleepServer.Tests.Infrastructure;

/// <summary>
/// A loopback TCP relay to another address: a server pointed at it reaches the database while the
/// relay runs, and finds nothing listening (its connections cut) once <see cref="StopAsync"/> has
/// run, as if the database went down, without stopping the PostgreSQL server other classes share.
/// </summary>
public sealed class TcpRelay(string targetHost, int targetPort) : IAsyncDisposable
{
    private readonly ConcurrentDictionary<TcpClient, byte> open = new();
    private TcpListener? listener;
    private Task? accepting;
    private CancellationTokenSource? stop;

    public int Port { get; private set; }

    /// <summary>Listens (again) on <see cref="Port"/>, or on a free port the first time.</summary>
    public void Start()
    {
        listener = new TcpListener(IPAddress.Loopback, Port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        stop = new CancellationTokenSource();
        accepting = AcceptAsync(listener, stop.Token);
    }

    /// <summary>Stops listening and cuts every relayed connection.</summary>
    public async Task StopAsync()
    {
        if (listener is null)
        {
            return;
        }

        await stop!.CancelAsync();
        listener.Stop();
        foreach (var client in open.Keys)
        {
            client.Dispose();
        }

        open.Clear();
        await accepting!;
        listener = null;
    }

    private async Task AcceptAsync(TcpListener server, CancellationToken ct)
    {
        while (!ct.IsCancellationRequested)
        {
            TcpClient inbound;
            try
            {
                inbound = await server.AcceptTcpClientAsync(ct);
            }
            catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }

            _ = RelayAsync(inbound, ct);
        }
    }

    private async Task RelayAsync(TcpClient inbound, CancellationToken ct)
    {
        var outbound = new TcpClient();
        open[inbound] = 0;
        open[outbound] = 0;
        try
        {
            await outbound.ConnectAsync(targetHost, targetPort, ct);
            var a = inbound.GetStream();
            var b = outbound.GetStream();
            await Task.WhenAny(a.CopyToAsync(b, ct), b.CopyToAsync(a, ct));
        }
        catch (Exception e) when (e is OperationCanceledException or IOException or SocketException or ObjectDisposedException)
        {
        }
        finally
        {
            open.TryRemove(inbound, out _);
            open.TryRemove(outbound, out _);
            inbound.Dispose();
            outbound.Dispose();
        }
    }

    public async ValueTask DisposeAsync() => await StopAsync();
}
