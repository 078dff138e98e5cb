# syntax=docker/dockerfile:1
#
# Stock Insight Gateway image.
#
#   docker build -t stock-insight-gateway .
#   docker run --rm -p 4000:4000 -e ADMIN_TOKEN=... -e JWT_SECRET=... \
#     -e HOT_DATABASE_URL='sqlserver://...' -e COLD_DATABASE_URL='postgresql://...' \
#     stock-insight-gateway
#
# The image runs with NODE_ENV=production, so it needs ADMIN_TOKEN, JWT_SECRET and both store
# URLs (the embedded PostgreSQL is a development convenience and is not set up in this image).
# `node dist/cli/db.js setup` creates the databases and applies migrations; docker-compose.yml
# runs it before the server.
#
# Stages: build (all dependencies, Prisma clients, tsc) -> deps (production dependencies only)
# -> runtime (dist/, migrations, production node_modules; non-root).

ARG NODE_IMAGE=node:20-bookworm-slim
# The npm that wrote package-lock.json; npm 11 also understands package.json's "allowScripts".
# Every install below uses --ignore-scripts anyway, so no dependency's install script runs.
ARG NPM_VERSION=11.19.1

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS base
ARG NPM_VERSION
ENV CI=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
RUN npm install -g "npm@${NPM_VERSION}" && npm cache clean --force
WORKDIR /app

# ---------------------------------------------------------------------------------------------
FROM base AS build
# Prisma's platform detection looks for OpenSSL while generating; nothing at runtime needs it
# (the clients use driver adapters, no native query engine).
RUN apt-get update \
    && apt-get install -y --no-install-recommends openssl \
    && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
# --ignore-scripts: no dependency install scripts (@prisma/engines' would try to download an
# engine) and no root postinstall; the one step that matters, generating the Prisma clients
# into src/stores/*/generated, runs explicitly below.
RUN npm ci --ignore-scripts

# The clients depend only on the schemas, so this layer survives source edits.
COPY scripts/prisma-generate.mjs scripts/
COPY prisma-hot prisma-hot
COPY prisma-cold prisma-cold
RUN node scripts/prisma-generate.mjs

COPY tsconfig.json tsconfig.build.json ./
COPY src src
# tsc compiles the generated clients with the rest of src/ into dist/.
RUN npm run build

# The web app and the IDE (Vite, a dev dependency) into web/dist.
COPY scripts/build-web.mjs scripts/
COPY web web
RUN node scripts/build-web.mjs

# ---------------------------------------------------------------------------------------------
FROM base AS deps
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts && npm cache clean --force

# ---------------------------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# /metrics on its own listener, loopback inside the container (production refuses to serve it
# openly on the GraphQL port); set METRICS_TOKEN, or METRICS_HOST=0.0.0.0 with a token, to
# scrape it from outside.
ENV NODE_ENV=production \
    HOST=0.0.0.0 \
    PORT=4000 \
    METRICS_PORT=9464 \
    NODE_OPTIONS=--enable-source-maps
WORKDIR /app

# Root-owned and read-only for the service user: the gateway writes nothing to disk in
# production (DATA_DIR is only used by the embedded PostgreSQL).
COPY --from=deps /app/node_modules ./node_modules
COPY package.json ./
# Migrations are read at runtime from the project root (the parent of dist/).
COPY prisma-hot/migrations prisma-hot/migrations
COPY prisma-hot/postgresql/migrations prisma-hot/postgresql/migrations
COPY prisma-cold/migrations prisma-cold/migrations
COPY --from=build /app/dist ./dist
COPY --from=build /app/web/dist ./web/dist

# The node images ship an unprivileged `node` user (uid 1000).
USER node
EXPOSE 4000

# No curl in slim images: Node 20's fetch. /readyz answers 200 only when both stores respond.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD node -e "fetch('http://127.0.0.1:' + (process.env.PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"

# Migrates on start by default (MIGRATE_ON_START=true), but does not create missing databases:
# run `node dist/cli/db.js setup` first (docker-compose.yml does).
CMD ["node", "dist/main.js"]
