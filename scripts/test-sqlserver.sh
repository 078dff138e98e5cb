#!/usr/bin/env bash
# Runs the integration tests against a real SQL Server 2022 (hot) and PostgreSQL 16 (cold),
# started from docker-compose.yml.
#
#   npm run test:sqlserver                       # all of test/integration
#   npm run test:sqlserver -- -t 'pagination'    # extra arguments go to vitest
#   KEEP_DB=1 npm run test:sqlserver             # leave the containers running afterwards
#
# The containers run under their own compose project (COMPOSE_TEST_PROJECT, default
# stock-insight-test), so the teardown (`docker compose down -v`) never touches the volumes
# of a `docker compose up` stack. They publish the same host ports as that stack
# (MSSQL_PUBLISH_PORT=1433, POSTGRES_PUBLISH_PORT=5433): stop it first, or set other ports.
#
# The test support creates fresh databases (sig_test_<hex>_hot / _cold) from the admin
# databases named here (master, postgres); the teardown deletes them with the volumes.
# With KEEP_DB=1 they stay; a later run that changes MSSQL_SA_PASSWORD then needs
# `docker compose -p stock-insight-test down -v` first (SQL Server keeps the old password).
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"

fail() {
  echo "test-sqlserver: $*" >&2
  exit 1
}

if ! command -v docker > /dev/null 2>&1; then
  fail "docker is not installed; this script needs Docker with the compose plugin (or run 'npm run test:integration' for the embedded PostgreSQL)"
fi
if ! docker info > /dev/null 2>&1; then
  fail "the Docker engine is not reachable ('docker info' failed); start Docker and try again"
fi
if ! docker compose version > /dev/null 2>&1; then
  fail "'docker compose' (the compose v2 plugin) is not available"
fi
if [ ! -d node_modules ]; then
  fail "node_modules is missing; run 'npm ci' first"
fi

export MSSQL_SA_PASSWORD="${MSSQL_SA_PASSWORD:-StockInsight_Dev_2026}"
export POSTGRES_PASSWORD="${POSTGRES_PASSWORD:-stockinsight_cold_dev}"
export MSSQL_PUBLISH_PORT="${MSSQL_PUBLISH_PORT:-1433}"
export POSTGRES_PUBLISH_PORT="${POSTGRES_PUBLISH_PORT:-5433}"
PROJECT="${COMPOSE_TEST_PROJECT:-stock-insight-test}"

# Compose interpolates the whole file, including the gateway's required ADMIN_TOKEN and
# JWT_SECRET, even when only the databases start; placeholders satisfy it without leaking
# into the tests' environment.
compose() {
  ADMIN_TOKEN="${ADMIN_TOKEN:-unused-by-the-database-services}" \
    JWT_SECRET="${JWT_SECRET:-unused-by-the-database-services-0000000}" \
    docker compose -p "$PROJECT" "$@"
}

cleanup() {
  local status=$?
  if [ "${KEEP_DB:-0}" = "1" ]; then
    echo "test-sqlserver: KEEP_DB=1, leaving the containers running (stop them with: docker compose -p $PROJECT down -v)"
  else
    echo "test-sqlserver: removing the test containers and volumes"
    compose down -v --remove-orphans > /dev/null 2>&1 || echo "test-sqlserver: 'docker compose -p $PROJECT down -v' failed; remove the containers by hand" >&2
  fi
  exit "$status"
}
trap cleanup EXIT

echo "test-sqlserver: starting hot-db (SQL Server) and cold-db (PostgreSQL); the first run pulls the images"
if ! compose up -d --wait hot-db cold-db; then
  compose logs --tail 50 hot-db cold-db >&2 || true
  fail "the database containers did not become healthy (see the logs above)"
fi

# The stores' admin databases; the tests create and migrate their own databases from these.
# Braces let the password hold ';' (Prisma's SQL Server URL escape).
export HOT_DATABASE_URL="sqlserver://127.0.0.1:${MSSQL_PUBLISH_PORT};database=master;user=sa;password={${MSSQL_SA_PASSWORD}};encrypt=true;trustServerCertificate=true"
COLD_PASSWORD_ENCODED="$(node -e 'process.stdout.write(encodeURIComponent(process.argv[1]))' "$POSTGRES_PASSWORD")"
export COLD_DATABASE_URL="postgresql://postgres:${COLD_PASSWORD_ENCODED}@127.0.0.1:${POSTGRES_PUBLISH_PORT}/postgres"
# A store URL and its parts together are a configuration error, so drop any parts set in the shell.
unset HOT_DB_HOST HOT_DB_PORT HOT_DB_NAME HOT_DB_USER HOT_DB_PASSWORD HOT_DB_PROVIDER
unset COLD_DB_HOST COLD_DB_PORT COLD_DB_NAME COLD_DB_USER COLD_DB_PASSWORD COLD_DB_PROVIDER

echo "test-sqlserver: running the integration tests against sqlserver 127.0.0.1:${MSSQL_PUBLISH_PORT} and postgresql 127.0.0.1:${POSTGRES_PUBLISH_PORT}"
npx vitest run test/integration "$@"
