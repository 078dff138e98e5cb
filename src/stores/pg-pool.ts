/** node-postgres settings for a store: the one place pool, TLS and keepalive are mapped. */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';

export function pgPoolConfig(store: StoreConfig): pg.PoolConfig {
  return {
    ...pgConnectionConfig(store),
    max: store.pool.max,
    // pg waits this long for a pooled connection, including opening a new one.
    connectionTimeoutMillis: store.pool.acquireTimeoutMs,
    idleTimeoutMillis: store.pool.idleTimeoutMs,
    maxLifetimeSeconds: store.pool.maxLifetimeSeconds,
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
