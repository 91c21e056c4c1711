using FleepServer.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace FleepServer.Tests.Operations;

/// <summary>The committed migrations describe the model exactly: nobody changed an entity without adding a migration.</summary>
public sealed class MigrationTests(FleepServerFixture server) : IClassFixture<FleepServerFixture>
{
    [Fact]
    public async Task The_model_has_no_changes_missing_from_the_migrations()
    {
        await using var db = server.OpenDb();

        Assert.False(db.Database.HasPendingModelChanges(), "run migrations/add.sh <Name> to add a migration for the model change");
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(TestContext.Current.CancellationToken));
    }
}
