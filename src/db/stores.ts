/**
 * Database-level operations on a configured store, whichever engine it runs on: where its
 * migrations live, a migration session, creating its database, a ping.
 */
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT, type Config, type StoreConfig } from '../config.js';
import { hotAdapter } from '../stores/hot/index.js';
import { pgConnectionConfig } from '../stores/pg-pool.js';
import { startEmbedded, type EmbeddedCluster } from './embedded.js';
import { loadMigrations, type Migration } from './migrations.js';
import {
  openPostgresMigrationSession,
  openSqlServerMigrationSession,
  type MigrationSession,
} from './migration-session.js';

/** prisma-hot/migrations (T-SQL), prisma-hot/postgresql/migrations, or prisma-cold/migrations. */
export function migrationsDir(store: Pick<StoreConfig, 'name' | 'provider'>): string {
  if (store.name === 'cold') return path.join(PROJECT_ROOT, 'prisma-cold', 'migrations');
  return store.provider === 'sqlserver'
    ? path.join(PROJECT_ROOT, 'prisma-hot', 'migrations')
    : path.join(PROJECT_ROOT, 'prisma-hot', 'postgresql', 'migrations');
}

export function migrationsFor(store: StoreConfig): Migration[] {
  return loadMigrations(migrationsDir(store));
}

export function openMigrationSession(store: StoreConfig): Promise<MigrationSession> {
  return store.provider === 'sqlserver'
    ? openSqlServerMigrationSession(hotAdapter(store))
    : openPostgresMigrationSession(pgConnectionConfig(store));
}

/** Creates the store's database when it does not exist yet (PostgreSQL: from the `postgres` database). */
export async function ensureDatabase(store: StoreConfig): Promise<boolean> {
  if (store.provider === 'sqlserver') {
    const adapter = await hotAdapter({ ...store, database: 'master' }).connect();
    try {
      const name = store.database.replace(/]/g, ']]');
      const created = await adapter.executeRaw({
        sql: `IF DB_ID(@P1) IS NULL BEGIN CREATE DATABASE [${name}]; SELECT 1 END`,
        args: [store.database],
        argTypes: [{ scalarType: 'string', arity: 'scalar' }],
      });
      return created > 0;
    } finally {
      await adapter.dispose();
    }
  }
  const client = new pg.Client({ ...pgConnectionConfig(store), database: 'postgres' });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [store.database]);
    if (rowCount) return false;
    await client.query(`CREATE DATABASE ${client.escapeIdentifier(store.database)}`);
    return true;
  } finally {
    await client.end();
  }
}

export interface LocatedStores {
  readonly hot: StoreConfig;
  /** Undefined in single-store mode (COLD_STORE=disabled). */
  readonly cold: StoreConfig | undefined;
  readonly embedded: EmbeddedCluster | undefined;
  /** Stops the embedded cluster if this process started it. */
  release(): Promise<void>;
}

/** The configured stores, starting the embedded cluster when no URLs are configured. */
export async function locateStores(config: Config, log: (line: string) => void): Promise<LocatedStores> {
  if (config.stores.mode === 'external') {
    return { hot: config.stores.hot, cold: config.stores.cold, embedded: undefined, release: async () => undefined };
  }
  const embedded = await startEmbedded({ ...config.stores, log });
  return {
    hot: embedded.hot,
    cold: config.singleStore ? undefined : embedded.cold,
    embedded,
    release: () => embedded.stop(),
  };
}

/** A short description for logs: engine, host, port and database, never credentials. */
export function describeStore(store: StoreConfig): string {
  return `${store.name} (${store.provider} ${store.host}:${store.port}/${store.database})`;
}

export class StoreUnreachableError extends Error {
  override readonly name = 'StoreUnreachableError';
  constructor(store: StoreConfig, cause: unknown) {
    super(
      `${describeStore(store)} is unreachable: ${cause instanceof Error ? cause.message || cause.name : String(cause)}`,
      { cause },
    );
  }
}

/** Runs `fn` with a migration session on `store`; an unreachable store is one clear error. */
export async function withMigrationSession<T>(
  store: StoreConfig,
  fn: (session: MigrationSession, migrations: Migration[]) => Promise<T>,
): Promise<T> {
  const migrations = migrationsFor(store);
  let session: MigrationSession;
  try {
    session = await openMigrationSession(store);
  } catch (error) {
    throw new StoreUnreachableError(store, error);
  }
  try {
    return await fn(session, migrations);
  } finally {
    await session.close().catch(() => undefined);
  }
}
