using FleepServer.Data;
using FleepServer.Domain.Accounts;
using FleepServer.Errors;

namespace FleepServer.Hosting;

/// <summary>
/// <c>account add --email E --password P [--name N]</c>: creates an active account, the way to
/// add people while <c>Fleep:Registration:Mode</c> is <c>closed</c>. It builds the same server
/// (same configuration, database and migrations) but does not listen. Any other
/// <c>--Key value</c> pair is configuration, as for the server itself.
/// </summary>
public static class AccountCommand
{
    public const string Usage = "usage: FleepServer account add --email <address> --password <password> [--name <display name>]";

    private static readonly string[] CommandOptions = ["email", "password", "name"];

    public static async Task<int> RunAsync(string[] args, TextWriter? output = null, TextWriter? error = null)
    {
        output ??= Console.Out;
        error ??= Console.Error;
        if (args is not ["account", "add", .. var rest] || !TryParse(rest, out var options, out var configuration))
        {
            await error.WriteLineAsync(Usage);
            return 2;
        }

        await using var app = await FleepServerHost.BuildAsync(configuration);
        await app.Services.GetServices<IHostedService>().OfType<MigrationHostedService>().Single().StartAsync(CancellationToken.None);
        try
        {
            await using var scope = app.Services.CreateAsyncScope();
            var account = await scope.ServiceProvider.GetRequiredService<AccountRegistration>().CreateAsync(
                options["email"], options["password"], options.GetValueOrDefault("name"), CancellationToken.None);
            await output.WriteLineAsync($"account {account.Id} {account.Email} created");
            return 0;
        }
        catch (FleepException e)
        {
            await error.WriteLineAsync($"account add: {e.ErrorMessage}");
            return 1;
        }
        finally
        {
            await app.StopAsync();
        }
    }

    private static bool TryParse(string[] args, out Dictionary<string, string> options, out string[] configuration)
    {
        options = [];
        var rest = new List<string>();
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                configuration = [];
                return false;
            }

            var key = args[i][2..];
            if (CommandOptions.Contains(key))
            {
                options[key] = args[i + 1];
            }
            else
            {
                rest.AddRange([args[i], args[i + 1]]);
            }
        }

        configuration = [.. rest];
        return options.ContainsKey("email") && options.ContainsKey("password");
    }
}
