using FleepServer.Hosting;

try
{
    if (args is ["account", ..])
    {
        return await AccountCommand.RunAsync(args);
    }

    if (EphemeralServer.IsRequested(args))
    {
        return await EphemeralServer.RunAsync(args);
    }

    var app = await FleepServerHost.BuildAsync(args);
    await app.RunAsync();
    return 0;
}
catch (NoDatabaseException e)
{
    Console.Error.WriteLine(e.Message);
    return 1;
}

/// <summary>Entry point; the composition lives in <see cref="FleepServerHost"/>.</summary>
public partial class Program;
