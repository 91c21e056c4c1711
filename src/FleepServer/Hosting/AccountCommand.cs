using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Errors;

namespace FleepServer.Hosting;

/// <summary>
/// <c>account add --email E --password P [--name N]</c>: creates an active account, the way to
/// add people while <c>Fleep:Registration:Mode</c> is <c>closed</c>. It builds the same server
/// (same configuration, database and migrations) but does not listen.
/// </summary>
public static class AccountCommand
{
    public const string Usage = "usage: FleepServer account add --email <address> --password <password> [--name <display name>]";

    public static async Task<int> RunAsync(string[] args)
    {
        if (args is not ["account", "add", .. var rest] || !TryParse(rest, out var options))
        {
            Console.Error.WriteLine(Usage);
            return 2;
        }

        await using var app = await FleepServerHost.BuildAsync([]);
        var migrations = app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single();
        await migrations.StartAsync(CancellationToken.None);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var registration = scope.ServiceProvider.GetRequiredService<AccountRegistration>();
            var account = await registration.CreateAsync(
                options.GetValueOrDefault("email"), options.GetValueOrDefault("password"), options.GetValueOrDefault("name"),
                CancellationToken.None);
            Console.WriteLine($"account {account.Id} {account.Email} created");
            return 0;
        }
        catch (FleepException e)
        {
            Console.Error.WriteLine($"account add: {e.ErrorMessage}");
            return 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static bool TryParse(string[] args, out Dictionary<string, string> options)
    {
        options = [];
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                return false;
            }

            options[args[i][2..]] = args[i + 1];
        }

        return options.ContainsKey("email") && options.ContainsKey("password");
    }
}
