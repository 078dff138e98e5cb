/** node-postgres settings for a store: the one place pool, TLS and keepalive are mapped. */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';

/** What a serving pool adds to a store's settings (archival and migrations pass none). */
export interface ServingOptions {
  /** The server cancels a statement running longer (statement_timeout); waiting for a connection is bounded by it too. */
  readonly statementTimeoutMs?: number;
}

export function pgPoolConfig(store: StoreConfig, serving: ServingOptions = {}): pg.PoolConfig {
  const { statementTimeoutMs } = serving;
  return {
    ...pgConnectionConfig(store),
    max: store.pool.max,
    // pg waits this long for a pooled connection, including opening a new one.
    connectionTimeoutMillis: statementTimeoutMs === undefined ? store.pool.acquireTimeoutMs : Math.min(store.pool.acquireTimeoutMs, statementTimeoutMs),
    idleTimeoutMillis: store.pool.idleTimeoutMs,
    maxLifetimeSeconds: store.pool.maxLifetimeSeconds,
    ...(statementTimeoutMs === undefined ? {} : { statement_timeout: statementTimeoutMs }),
  };
}

/** Settings for one dedicated connection (migrations, locks, bulk loads). */
export function pgConnectionConfig(store: StoreConfig): pg.ClientConfig {
  return {
    host: store.host,
    port: store.port,
    database: store.database,
    user: store.user,
    password: store.password,
    ssl: store.tls === 'disable' ? false : { rejectUnauthorized: store.tls === 'verify-full' },
    keepAlive: true,
    keepAliveInitialDelayMillis: store.keepAliveInitialDelayMs,
    connectionTimeoutMillis: store.connectTimeoutMs,
    application_name: `stock-insight-gateway:${store.name}`,
  };
}
