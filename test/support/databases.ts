/**
 * Fresh, migrated, empty hot and cold databases for one test file, on the run's test servers.
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { inject } from 'vitest';
import type { StoreConfig } from '../../src/config.js';
import { migrate } from '../../src/db/migrations.js';
import { ensureDatabase, withMigrationSession } from '../../src/db/stores.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';

export interface FreshStores {
  readonly hot: StoreConfig;
  readonly cold: StoreConfig;
  drop(): Promise<void>;
}

/** Creates `<prefix>_<random>_hot` and `_cold`, migrated unless `migrated` is false. */
export async function freshStores(options: { migrated?: boolean } = {}): Promise<FreshStores> {
  const servers = inject('testServers');
  const suffix = randomBytes(4).toString('hex');
  const hot: StoreConfig = {
    ...servers.hot,
    database: `sig_test_${suffix}_hot`,
    pool: { ...servers.hot.pool, max: 5 },
  };
  const cold: StoreConfig = {
    ...servers.cold,
    database: `sig_test_${suffix}_cold`,
    pool: { ...servers.cold.pool, max: 5 },
  };
  for (const store of [hot, cold]) {
    await ensureDatabase(store);
    if (options.migrated !== false)
      await withMigrationSession(store, (session, migrations) => migrate(session, migrations));
  }
  return { hot, cold, drop: () => dropDatabases([hot, cold]) };
}

/** Fresh stores plus a connected pg client on each (both stores must be PostgreSQL). */
export async function freshDatabases(): Promise<{
  hot: pg.Client;
  cold: pg.Client;
  stores: FreshStores;
  drop(): Promise<void>;
}> {
  const stores = await freshStores();
  const hot = new pg.Client(pgConnectionConfig(stores.hot));
  const cold = new pg.Client(pgConnectionConfig(stores.cold));
  await Promise.all([hot.connect(), cold.connect()]);
  return {
    hot,
    cold,
    stores,
    async drop() {
      await Promise.all([hot.end(), cold.end()]);
      await stores.drop();
    },
  };
}

export function hotIsPostgres(): boolean {
  return inject('testServers').hot.provider === 'postgresql';
}

async function dropDatabases(stores: StoreConfig[]): Promise<void> {
  for (const store of stores) {
    if (store.provider !== 'postgresql') continue; // SQL Server test databases are dropped by the compose teardown
    const admin = new pg.Client({ ...pgConnectionConfig(store), database: 'postgres' });
    await admin.connect();
    try {
      await admin.query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(store.database)} WITH (FORCE)`);
    } finally {
      await admin.end();
    }
  }
}
