# FleepServer container image: the web client built with Node.js, the server with the .NET SDK, run
# on the ASP.NET Core runtime.
#   docker build -t fleepserver .
#   docker run -p 8080:8080 -e ConnectionStrings__Fleep="Host=...;Database=fleep;Username=...;Password=..." fleepserver
# docker-compose.yml runs it together with PostgreSQL.

# The web client (web/, docs/web-client.md), built with Node.js into /wwwroot. Packages first, from
# the lockfile only, so that layer is reused until a package changes.
FROM node:20-bookworm-slim AS web
WORKDIR /web
COPY web/package.json web/package-lock.json web/.npmrc ./
RUN npm ci
COPY web/ ./
RUN npm run typecheck && WEB_OUT=/wwwroot npm run build

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /source

# Restore first, from the project and the central package files only, so the package layer is
# reused until a package reference changes.
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/FleepServer/FleepServer.csproj src/FleepServer/
RUN dotnet restore src/FleepServer/FleepServer.csproj

# The project also compiles the top-level migrations/ and links the top-level appsettings.json.
COPY appsettings.json ./
COPY migrations/ migrations/
COPY src/ src/
# The web client the node stage built; the .NET build uses it as it is (SkipWebClientBuild).
COPY --from=web /wwwroot src/FleepServer/wwwroot/
RUN dotnet publish src/FleepServer/FleepServer.csproj -c Release --no-restore -o /app /p:UseAppHost=false /p:SkipWebClientBuild=true

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./

# appsettings.json binds to 127.0.0.1:5080 through its `Urls` key. A plain environment variable
# with the same name overrides it (ASPNETCORE_URLS would not). The base image's HTTP_PORTS is
# cleared so Kestrel does not warn that Urls overrides it.
ENV Urls=http://0.0.0.0:8080 \
    ASPNETCORE_HTTP_PORTS=
EXPOSE 8080

# The hook token key is kept in /app/secrets (docs/hooks.md), files in /app/files (docs/files.md);
# compose mounts a volume on each, which takes its folder's owner when it is first created.
RUN mkdir -p /app/secrets /app/files && chown "$APP_UID" /app/secrets /app/files && chmod 700 /app/secrets

# The runtime image's unprivileged `app` user.
USER $APP_UID

# The image has no curl or wget; bash's /dev/tcp is enough to ask /health/ready for a 200.
HEALTHCHECK --interval=10s --timeout=5s --start-period=30s --retries=3 \
  CMD ["bash", "-c", "exec 3<>/dev/tcp/127.0.0.1/8080 && printf 'GET /health/ready HTTP/1.1\\r\\nHost: localhost\\r\\nConnection: close\\r\\n\\r\\n' >&3 && head -n 1 <&3 | grep -q ' 200 '"]

ENTRYPOINT ["dotnet", "FleepServer.dll"]
