using FleepServer.Api;
using FleepServer.Auth;
using FleepServer.Data;
using FleepServer.Domain;
using FleepServer.Domain.Accounts;
using FleepServer.Domain.Contacts;
using FleepServer.Domain.Files;
using FleepServer.Domain.Conversations;
using FleepServer.Domain.Hooks;
using FleepServer.Domain.Mail;
using FleepServer.Errors;
using FleepServer.Events;
using FleepServer.Http;
using FleepServer.Logging;
using FleepServer.Streams;
using FleepServer.TestControl;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace FleepServer.Hosting;

/// <summary>
/// Composition of the server: services, the middleware pipeline and the endpoint groups. The
/// production entry point, the <c>account</c> command and the test suite all build the server
/// here, so they exercise one start path.
/// </summary>
public static class FleepServerHost
{
    /// <summary>
    /// Builds a ready-to-run server. <paramref name="customize"/> lets tests swap services (clock,
    /// hasher, log sinks); <paramref name="mode"/> turns on test mode (<see cref="HostMode"/>).
    /// </summary>
    public static async Task<WebApplication> BuildAsync(string[] args, Action<WebApplicationBuilder>? customize = null, HostMode? mode = null)
    {
        mode ??= HostMode.Production;
        // Content root = the output folder, where the repository's appsettings.json is copied, so the
        // server reads the same settings however and from wherever it is started. (A relative
        // embedded data directory is relative to the working directory, like any path argument.)
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = mode.ContentRoot ?? AppContext.BaseDirectory,
        });
        builder.AddFleepLogging();
        builder.Services.AddOptions<FleepOptions>().Bind(builder.Configuration.GetSection(FleepOptions.Section));
        var fleep = builder.Configuration.GetSection(FleepOptions.Section).Get<FleepOptions>() ?? new FleepOptions();

        var embedded = await UseEmbeddedDatabaseIfUnconfiguredAsync(builder, fleep);
        var connectionString = builder.Configuration.GetConnectionString("Fleep")!;

        var services = builder.Services;
        // Pooled: the options (with the one commit interceptor) are built once for the process, and a
        // request leases a context instead of constructing one.
        services.AddDbContextPool<FleepDbContext>((provider, options) =>
        {
            FleepDbContext.Configure(options, connectionString);
            options.AddInterceptors(provider.GetRequiredService<StreamCommitInterceptor>(), provider.GetRequiredService<WorkerCommitInterceptor>());
        });
        services.Configure<HostOptions>(options => options.ShutdownTimeout = fleep.ShutdownTimeout);
        services.AddHostedService<MigrationHostedService>();
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        services.AddSingleton(TimeProvider.System);
        services.Configure<JsonOptions>(options => FleepJson.Configure(options.SerializerOptions));
        services.AddExceptionHandler<FleepExceptionHandler>();
        services.AddRateLimiter(options => LoginRateLimits.Configure(options, fleep.Login));
        services.AddAuthentication(SessionAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, SessionAuthenticationHandler>(SessionAuthenticationHandler.SchemeName, null);
        services.AddAuthorization();
        services.Configure<ForwardedHeadersOptions>(options =>
        {
            options.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            foreach (var proxy in fleep.KnownProxies)
            {
                options.KnownProxies.Add(System.Net.IPAddress.Parse(proxy));
            }
        });
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Limits.MaxRequestBodySize = fleep.Limits.MaxBodyBytes);
        builder.AddFleepTelemetry(fleep);

        services.AddScoped<IPasswordHasher<Account>, PasswordHasher<Account>>();
        services.AddScoped<AccountRegistration>();
        services.AddScoped<Logins>();
        services.AddScoped<AccountSettings>();
        services.AddScoped<ReminderClicks>();
        services.AddScoped<UnitOfWork>();
        services.AddScoped<Membership>();
        services.AddScoped<ConversationWriter>();
        services.AddScoped<ConversationReader>();
        services.AddScoped<RequestLog>();
        services.AddScoped<ConversationActions>();
        services.AddScoped<ConversationFanOut>();
        services.AddScoped<ConversationActivity>();
        services.AddSingleton<PenSchedule>();
        services.AddHostedService<PenSweeper>();
        services.AddHttpContextAccessor();
        services.AddScoped<MessageActions>();

        // Files (docs/files.md): the store, uploads, attachments, downloads, images, avatars, the
        // drawer, storage accounting and the external-upload queue.
        services.AddSingleton<IFileStore, FolderFileStore>();
        services.AddHostedService<FileStoreSweep>();
        services.AddSingleton<FileFactsReader>();
        services.AddScoped<FileUploads>();
        services.AddScoped<FileDownloads>();
        services.AddScoped<Attachments>();
        services.AddSingleton<ImageThumbnailer>();
        services.AddScoped<AvatarActions>();
        services.AddScoped<FileDrawer>();
        services.AddScoped<StorageUsage>();
        services.AddScoped<ExternalUploads>();
        services.AddScoped<ExternalFetch>();
        services.AddSingleton<ExternalUploadSignal>();
        services.AddSingleton<WorkerSignal>(provider => provider.GetRequiredService<ExternalUploadSignal>());
        services.AddHostedService<ExternalUploadWorker>();
        services.AddHttpClient(ExternalFetch.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => ExternalFetch.Handler(fleep.Files.External))
            .RemoveAllLoggers();
        services.AddScoped<HookFiles>();

        // teams
        services.AddScoped<FleepServer.Domain.Teams.TeamConversations>();
        services.AddScoped<FleepServer.Domain.Teams.TeamActions>();

        // labels
        services.AddScoped<FleepServer.Domain.Labels.LabelBook>();
        services.AddScoped<FleepServer.Domain.Labels.LabelActions>();

        // mail (docs/mail.md): the outbox and its sender, notifications, the flows that mail
        services.AddSingleton<MailSignal>();
        services.AddSingleton<WorkerSignal>(provider => provider.GetRequiredService<MailSignal>());
        services.AddScoped<MailOutbox>();
        services.AddScoped<MailDelivery>();
        services.AddScoped<Notifications>();
        services.AddScoped<PasswordResets>();
        services.AddScoped<EmailRegistrations>();
        services.AddScoped<EmailAliases>();
        services.AddScoped<Invitations>();
        services.AddScoped<SigninMessages>();
        if (fleep.Smtp.IsConfigured)
        {
            services.AddSingleton<IMailTransport, SmtpMailTransport>();
        }
        else
        {
            services.AddSingleton<IMailTransport, LogMailTransport>();
        }

        services.AddHostedService<MailSender>();
        services.AddScoped<MailDigests>();
        services.AddSingleton<DigestSignal>();
        services.AddHostedService<DigestWorker>();
        services.AddScoped<EmailPreferences>();

        // search: services
        services.AddScoped<FleepServer.Domain.Search.SearchActions>();
        services.AddHostedService<FleepServer.Domain.Search.SearchConfiguration>();

        // boards: services
        services.AddScoped<FleepServer.Domain.Boards.SectionBook>();
        services.AddScoped<FleepServer.Domain.Boards.SectionActions>();
        services.AddScoped<FleepServer.Domain.Boards.BoardFlags>();
        services.AddScoped<FleepServer.Domain.Boards.BoardReader>();

        // personal board: services
        services.AddScoped<FleepServer.Domain.MyBoard.MyBoardActions>();

        services.AddScoped<MessageBoards>();
        services.AddScoped<EventBatch>();
        services.AddScoped<EventLog>();
        services.AddScoped<ContactBook>();
        services.AddScoped<ContactFanOut>();
        services.AddScoped<ContactActions>();
        services.AddSingleton<HookTokens>();
        services.AddScoped<HookActions>();
        services.AddScoped<HookPosts>();
        services.AddScoped<HookImports>();
        services.AddSingleton<HookRateLimiter>();
        services.AddScoped<HookOutbox>();
        services.AddScoped<OutgoingDelivery>();
        services.AddSingleton<OutgoingSignal>();
        services.AddSingleton<WorkerSignal>(provider => provider.GetRequiredService<OutgoingSignal>());
        services.AddSingleton<WorkerCommitInterceptor>();
        services.AddHostedService<OutgoingSender>();
        services.AddHttpClient(OutgoingDelivery.HttpClientName, client => client.Timeout = fleep.Hooks.Outgoing.Timeout)
            .ConfigurePrimaryHttpMessageHandler(() => OutgoingAddresses.Handler(fleep.Hooks.Outgoing))
            .RemoveAllLoggers();

        services.AddSingleton<SessionCache>();
        services.AddSingleton<StreamWaiters>();
        services.AddSingleton<StreamNotifier>();
        services.AddHostedService(provider => provider.GetRequiredService<StreamNotifier>());
        services.AddSingleton<StreamOutbox>();
        services.AddSingleton<StreamCommitInterceptor>();
        services.AddScoped<StreamAppender>();
        services.AddScoped<StreamLoader>();
        services.AddScoped<AccountSnapshot>();
        services.AddScoped<AccountPoll>();
        services.AddScoped<AccountListen>();
        services.AddFleepApiReference();
        if (mode.TestControl)
        {
            AddTestControl(services);
        }

        customize?.Invoke(builder);

        var app = builder.Build();
        if (embedded is not null)
        {
            if (embedded.PlacedInsteadOf is not null)
            {
                app.Logger.LogInformation(
                    "The OS user {ServiceUser} that runs PostgreSQL cannot reach {RequestedDirectory}, so the embedded cluster is kept in {ClusterDirectory}",
                    embedded.ServiceUser, embedded.PlacedInsteadOf, embedded.RootDirectory);
            }

            app.Logger.LogInformation("Using the embedded PostgreSQL cluster in {DataDirectory} on 127.0.0.1:{Port}",
                embedded.DataDirectory, embedded.Port);
            // Stop only a cluster this process started: a second process (the account command, or
            // another server) that found it running must not pull it from under the first.
            if (embedded.StartedHere)
            {
                app.Lifetime.ApplicationStopped.Register(() => embedded.StopAsync().GetAwaiter().GetResult());
            }
        }

        UsePipeline(app);
        MapEndpoints(app);
        if (mode.TestControl)
        {
            app.MapTestControlApi();
        }

        return app;
    }

    /// <summary>
    /// The API address a started server listens on (its first URL; a metrics listener of its own
    /// comes after the API's), e.g. <c>http://127.0.0.1:41234</c> when it was given port 0.
    /// </summary>
    public static string AddressOf(WebApplication app) =>
        app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();

    /// <summary>Test mode's services: the advanceable clock, the record of outgoing-webhook calls, the data reset.</summary>
    private static void AddTestControl(IServiceCollection services)
    {
        services.AddSingleton<TestClock>();
        services.Replace(ServiceDescriptor.Singleton<TimeProvider>(provider => provider.GetRequiredService<TestClock>()));
        services.AddSingleton<OutgoingCalls>();
        services.AddSingleton<SentMails>();
        services.AddTransient<OutgoingCallRecorder>();
        services.AddHttpClient(OutgoingDelivery.HttpClientName).AddHttpMessageHandler<OutgoingCallRecorder>();
        services.AddScoped<DataReset>();
    }

    private static async Task<LocalPostgresCluster?> UseEmbeddedDatabaseIfUnconfiguredAsync(WebApplicationBuilder builder, FleepOptions fleep)
    {
        if (!string.IsNullOrWhiteSpace(builder.Configuration.GetConnectionString("Fleep")))
        {
            return null;
        }

        var cluster = await EmbeddedDatabase.StartAsync(fleep.EmbeddedDatabase, Directory.GetCurrentDirectory());
        builder.Configuration["ConnectionStrings:Fleep"] = cluster.ConnectionString(EmbeddedDatabase.DatabaseName);
        return cluster;
    }

    private static void UsePipeline(WebApplication app)
    {
        app.UseFleepTelemetry();
        app.UseForwardedHeaders();
        app.UseMiddleware<PathNormalizationMiddleware>();
        app.UseFleepRequestLogging();
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            // Reached only if FleepExceptionHandler declines, which it never does.
            ExceptionHandler = context => Task.CompletedTask,
        });
        app.UseStatusCodePages(context => StatusCodeErrors.WriteAsync(context.HttpContext));
        app.UseMiddleware<RequestBodyMiddleware>();
        // The web client's scripts and styles (docs/web-client.md); its page is an endpoint.
        app.UseWebClientAssets();
        app.UseRouting();
        app.UseRateLimiter();
        app.UseAuthentication();
        app.UseAuthorization();
    }

    private static void MapEndpoints(WebApplication app)
    {
        app.MapHealthChecks("/health", new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });

        // Every API call needs a live session unless its endpoint says AllowAnonymous.
        var api = app.MapGroup("").RequireAuthorization(new AuthorizeAttribute
        {
            AuthenticationSchemes = SessionAuthenticationHandler.SchemeName,
        });
        api.MapAccountApi();
        api.MapConversationApi();
        api.MapMessageApi();
        api.MapEventApi();
        api.MapContactApi();
        api.MapAliasApi();
        api.MapHookApi(app);
        api.MapClassificatorApi();
        api.MapFileApi();
        api.MapAvatarApi();
        api.MapFileDrawerApi();
        api.MapExternalUploadApi();

        // teams and labels: endpoint groups
        api.MapTeamApi();
        api.MapLabelApi();

        // search, boards and the personal board: endpoint groups
        api.MapSearchApi();
        api.MapTaskApi();

        app.MapFleepApiReference();

        // The web client's page at / and at its own routes (docs/web-client.md).
        app.MapWebClient();

        // POST to a path no group maps: Fleep's 404. (Other methods get routing's 405.)
        app.MapFallback(UnknownMethod).AllowAnonymous().WithMetadata(new HttpMethodMetadata([HttpMethods.Post]));
    }

    private static IResult UnknownMethod() => throw FleepErrors.UnknownMethod();
}
