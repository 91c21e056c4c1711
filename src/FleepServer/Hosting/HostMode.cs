namespace FleepServer.Hosting;

/// <summary>
/// How a server is hosted, beyond its configuration. Production is the default; test mode
/// (<c>--ephemeral</c> and the FleepServer.Testing stand-in) adds the <c>/_test</c> control API, an
/// advanceable clock and a record of outgoing-webhook calls. It is chosen by code, never by a
/// setting, so no configuration mistake can expose the test controls on a real server.
/// </summary>
/// <param name="TestControl">Map <c>/_test/*</c> and use the test clock.</param>
/// <param name="ContentRoot">Where the server looks for appsettings.json; null: beside the server's assembly.</param>
public sealed record HostMode(bool TestControl = false, string? ContentRoot = null)
{
    public static readonly HostMode Production = new();
}
