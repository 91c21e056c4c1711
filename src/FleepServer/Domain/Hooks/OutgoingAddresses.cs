using System.Net;
using System.Net.Sockets;

namespace FleepServer.Domain.Hooks;

/// <summary>
/// Where outgoing deliveries may connect (docs/hooks.md). Checked when the connection is made,
/// on the addresses the name resolves to at that moment, so a name that resolves to a public
/// address when configured and to an internal one later (DNS rebinding) is still refused.
/// Unless <c>Fleep:Hooks:Outgoing:AllowPrivateAddresses</c> is set, loopback, private (RFC 1918),
/// shared (100.64/10), link-local, unique-local, multicast and unspecified addresses are refused.
/// </summary>
public static class OutgoingAddresses
{
    /// <summary>The HTTP client of outgoing deliveries: no proxy, no redirects, no cookies, connections only to allowed addresses.</summary>
    public static SocketsHttpHandler Handler(OutgoingHookOptions options) => new()
    {
        AllowAutoRedirect = false,
        UseProxy = false,
        UseCookies = false,
        ConnectTimeout = options.Timeout,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectCallback = (context, ct) => ConnectAsync(context.DnsEndPoint, options.AllowPrivateAddresses, ct),
    };

    public static async ValueTask<Stream> ConnectAsync(DnsEndPoint endPoint, bool allowPrivate, CancellationToken ct)
    {
        var addresses = IPAddress.TryParse(endPoint.Host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(endPoint.Host, ct);
        var allowed = allowPrivate ? addresses : addresses.Where(IsPublic).ToArray();
        if (allowed.Length == 0)
        {
            throw new AddressNotAllowedException();
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, endPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    /// <summary>True for an address on the public internet.</summary>
    public static bool IsPublic(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0                                    // "this" network, 0.0.0.0
                     || b[0] == 10                                // private
                     || b[0] == 127                               // loopback
                     || (b[0] == 100 && b[1] is >= 64 and <= 127) // shared (carrier-grade NAT)
                     || (b[0] == 169 && b[1] == 254)              // link-local
                     || (b[0] == 172 && b[1] is >= 16 and <= 31)  // private
                     || (b[0] == 192 && b[1] == 0 && b[2] == 0)   // IETF protocol assignments
                     || (b[0] == 192 && b[1] == 168)              // private
                     || (b[0] == 198 && b[1] is 18 or 19)         // benchmarking
                     || b[0] >= 224);                             // multicast, reserved, broadcast
        }

        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return false;
        }

        var v6 = address.GetAddressBytes();
        if (address.Equals(IPAddress.IPv6Loopback) || address.Equals(IPAddress.IPv6None)
            || address.IsIPv6LinkLocal || address.IsIPv6SiteLocal || address.IsIPv6Multicast
            || (v6[0] & 0xfe) == 0xfc)                            // unique-local fc00::/7
        {
            return false;
        }

        // Addresses that carry an IPv4 address: IPv4-compatible (::a.b.c.d, :: included), NAT64 (64:ff9b::/96) and 6to4 (2002::/16).
        if (v6.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0)
        {
            return IsPublic(new IPAddress(v6[12..16]));
        }

        if (v6[0] == 0x00 && v6[1] == 0x64 && v6[2] == 0xff && v6[3] == 0x9b)
        {
            return IsPublic(new IPAddress(v6[12..16]));
        }

        if (v6[0] == 0x20 && v6[1] == 0x02)
        {
            return IsPublic(new IPAddress(v6[2..6]));
        }

        return true;
    }
}

/// <summary>The outgoing URL's host resolves only to addresses deliveries may not reach.</summary>
public sealed class AddressNotAllowedException() : Exception("The outgoing URL's address is not allowed.");
