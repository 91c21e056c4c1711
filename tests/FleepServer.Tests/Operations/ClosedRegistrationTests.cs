using FleepServer.Hosting;
using FleepServer.Tests.Infrastructure;

namespace FleepServer.Tests.Operations;

public sealed class ClosedRegistrationServerFixture(PostgresServer postgres) : FleepServerFixture(postgres)
{
    protected override IReadOnlyDictionary<string, string?> Settings => new Dictionary<string, string?>(base.Settings)
    {
        ["Fleep:Registration:Mode"] = "closed",
    };
}

/// <summary>With registration closed, account/register is refused and accounts come from the <c>account add</c> command.</summary>
public sealed class ClosedRegistrationTests(ClosedRegistrationServerFixture server) : IClassFixture<ClosedRegistrationServerFixture>
{
    [Fact]
    public async Task Register_is_refused_and_the_account_command_adds_a_working_account()
    {
        using var client = server.NewClient();
        var email = $"admin.added.{Guid.NewGuid():N}@example.org";

        (await client.PostAsync("/api/account/register", new { email, password = "secret123" }, withTicket: false))
            .AssertError(431, "registration_closed");

        var output = new StringWriter();
        var exitCode = await AccountCommand.RunAsync(
            ["account", "add", "--email", email, "--password", "secret123", "--name", "Added By Admin",
             "--ConnectionStrings:Fleep", server.ConnectionString],
            output, new StringWriter());

        Assert.Equal(0, exitCode);
        Assert.Contains(email, output.ToString());
        var login = await client.LoginAsync(email, "secret123");
        Assert.Equal("Added By Admin", login.Json.GetProperty("display_name").GetString());
        Assert.Equal("active", login.Json.GetProperty("mk_account_status").GetString());
    }

    [Fact]
    public async Task The_account_command_explains_its_usage_and_refuses_bad_input()
    {
        var error = new StringWriter();
        Assert.Equal(2, await AccountCommand.RunAsync(["account", "add", "--email"], new StringWriter(), error));
        Assert.Contains("usage:", error.ToString());

        var refused = new StringWriter();
        var exitCode = await AccountCommand.RunAsync(
            ["account", "add", "--email", "not-an-address", "--password", "secret123", "--ConnectionStrings:Fleep", server.ConnectionString],
            new StringWriter(), refused);
        Assert.Equal(1, exitCode);
        Assert.Contains("email", refused.ToString());
    }
}
