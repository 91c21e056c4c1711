using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Design;

namespace FleepServer.Data;

/// <summary>
/// Lets <c>dotnet ef</c> build the model without starting the server (and its embedded database).
/// Creating migrations and scripts never connects, so the connection string only names the provider.
/// </summary>
public sealed class DesignTimeDbContextFactory : IDesignTimeDbContextFactory<FleepDbContext>
{
    public FleepDbContext CreateDbContext(string[] args)
    {
        var options = new DbContextOptionsBuilder<FleepDbContext>();
        FleepDbContext.Configure(options, "Host=localhost;Database=fleep");
        return new FleepDbContext(options.Options);
    }
}
