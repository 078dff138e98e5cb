/**
 * Fresh, migrated hot and cold databases for one benchmark: on the embedded PostgreSQL in a
 * temporary folder, or on the servers named by HOT_DATABASE_URL / COLD_DATABASE_URL. Dropped,
 * and the embedded server stopped, when `run` ends.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type StoreConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedCluster } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrations.js';
import { ensureDatabase, withMigrationSession } from '../src/db/stores.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';

export async function withBenchStores<T>(
  run: (stores: { hot: StoreConfig; cold: StoreConfig }) => Promise<T>,
): Promise<T> {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  let cluster: EmbeddedCluster | undefined;
  let dataDir: string | undefined;
  let servers: { hot: StoreConfig; cold: StoreConfig };
  if (config.stores.mode === 'external') {
    if (!config.stores.cold) throw new Error('the benchmarks need both stores: set COLD_DATABASE_URL too');
    servers = { hot: config.stores.hot, cold: config.stores.cold };
  } else {
    dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-bench-'));
    chmodSync(dataDir, 0o755);
    cluster = await startEmbedded({ ...config.stores, dataDir, port: 0 });
    servers = cluster;
  }
  const suffix = Date.now().toString(36);
  const hot: StoreConfig = { ...servers.hot, database: `bench_${suffix}_hot` };
  const cold: StoreConfig = { ...servers.cold, database: `bench_${suffix}_cold` };
  try {
    for (const store of [hot, cold]) {
      await ensureDatabase(store);
      await withMigrationSession(store, migrate);
    }
    return await run({ hot, cold });
  } finally {
    for (const store of [hot, cold]) {
      const admin = new pg.Client({ ...pgConnectionConfig(store), database: 'postgres' });
      await admin.connect().catch(() => undefined);
      await admin
        .query(`DROP DATABASE IF EXISTS ${admin.escapeIdentifier(store.database)} WITH (FORCE)`)
        .catch(() => undefined);
      await admin.end().catch(() => undefined);
    }
    await cluster?.stop();
    if (dataDir) rmSync(dataDir, { recursive: true, force: true });
  }
}

/** `--name value` from the command line, as a number. */
export function numberOption(name: string, fallback: number): number {
  const args = process.argv.slice(2);
  const index = args.indexOf(`--${name}`);
  return index >= 0 ? Number(args[index + 1]) : fallback;
}
