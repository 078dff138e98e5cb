/** node-postgres settings for a store: the one place pool, TLS and keepalive are mapped. */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';

/** What a serving pool adds to a store's settings (archival and migrations pass none). */
export interface ServingOptions {
  /** The server cancels a statement running longer (statement_timeout); waiting for a connection is bounded by it too. */
  readonly statementTimeoutMs?: number;
  /** Name statements so that each connection prepares (parses and plans) each one once. */
  readonly preparedStatements?: boolean;
}

/** Distinct statements named at most per pool; later ones run unnamed. */
export const MAX_PREPARED_STATEMENTS = 500;

/**
 * Names for prepared statements, one per distinct SQL text (node-postgres prepares a named
 * statement once per connection and reuses it). Statements with an IN list are left unnamed:
 * their text changes with the list's length, and primary-key lookups plan in microseconds.
 */
export function preparedStatementNames(max = MAX_PREPARED_STATEMENTS): {
  statementNameGenerator: (query: { readonly sql: string }) => string;
} {
  const names = new Map<string, string>();
  // adapter-pg's type says a name is always returned; node-postgres runs a nameless one unprepared.
  const unnamed = undefined as unknown as string;
  const statementNameGenerator = ({ sql }: { readonly sql: string }): string => {
    const known = names.get(sql);
    if (known !== undefined) return known;
    if (names.size >= max || / IN \(/.test(sql)) return unnamed;
    const name = `sig_${names.size + 1}`;
    names.set(sql, name);
    return name;
  };
  return { statementNameGenerator };
}

export function pgPoolConfig(store: StoreConfig, serving: ServingOptions = {}): pg.PoolConfig {
  const { statementTimeoutMs } = serving;
  return {
    ...pgConnectionConfig(store),
    max: store.pool.max,
    // pg waits this long for a pooled connection, including opening a new one.
    connectionTimeoutMillis:
      statementTimeoutMs === undefined
        ? store.pool.acquireTimeoutMs
        : Math.min(store.pool.acquireTimeoutMs, statementTimeoutMs),
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
