#!/usr/bin/env bash
# Adds an EF Core migration to this folder and regenerates the idempotent SQL script.
# usage: migrations/add.sh <MigrationName>
set -euo pipefail
name=${1:?usage: migrations/add.sh <MigrationName>}
root=$(cd "$(dirname "$0")/.." && pwd)
cd "$root/src/FleepServer"
dotnet tool restore >/dev/null
dotnet ef migrations add "$name" --output-dir ../../migrations --namespace FleepServer.Migrations
# dotnet ef writes the model snapshot beside the linked migrations; keep it with them.
if [ -f FleepServer/Migrations/FleepDbContextModelSnapshot.cs ]; then
  mv -f FleepServer/Migrations/FleepDbContextModelSnapshot.cs ../../migrations/
  rm -rf FleepServer
fi
dotnet ef migrations script --idempotent -o ../../migrations/schema.sql
