/**
 * The benchmark's own PostgreSQL: the embedded cluster (the gateway's `startEmbedded`) in a
 * temporary folder, with pg_stat_statements loaded so statements per request can be counted
 * from the database's own statistics (with track_planning, so planning time is recorded beside
 * execution time).
 *
 * shared_preload_libraries only takes effect at server start, and `startEmbedded` initialises
 * and starts in one call, so the cluster is started once, configured with ALTER SYSTEM, and
 * restarted on the same folder and port. Nothing else is changed from the embedded defaults:
 * every implementation measured (gateway and peers) runs on this same server.
 *
 * The cluster stops and its folder is removed at clean-up (see lifecycle.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { loadConfig, type StoreConfig } from '../src/config.js';
import { startEmbedded, type EmbeddedCluster } from '../src/db/embedded.js';
import { migrate } from '../src/db/migrations.js';
import { withMigrationSession } from '../src/db/stores.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { onCleanUp } from './lifecycle.js';

export interface BenchCluster {
  readonly port: number;
  /** The gateway's hot and cold databases (created by startEmbedded, migrated here). */
  readonly hot: StoreConfig;
  readonly cold: StoreConfig;
  /** A store configuration for another database of this cluster. */
  store(name: 'hot' | 'cold', database: string): StoreConfig;
  /** postgresql:// URL of a database of this cluster. */
  url(database: string): string;
  /** A connected client on the `postgres` database (pg_stat_statements lives there). */
  admin(): Promise<pg.Client>;
  createDatabase(database: string): Promise<void>;
  dropDatabase(database: string): Promise<void>;
  /** `SELECT version()`. */
  readonly version: string;
}

export async function startBenchCluster(log: (line: string) => void): Promise<BenchCluster> {
  // The embedded defaults (pool sizes, timeouts), whatever this shell's environment says.
  const config = loadConfig({ NODE_ENV: 'test' });
  if (config.stores.mode !== 'embedded') throw new Error('unreachable: no database URL was given');
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-bench-'));
  // As root, PostgreSQL runs as the postgres OS user, which must enter this folder.
  chmodSync(dataDir, 0o755);
  onCleanUp('remove the cluster folder', () => rmSync(dataDir, { recursive: true, force: true }));
  const options = { ...config.stores, dataDir, port: 0, log };

  let cluster: EmbeddedCluster = await startEmbedded(options);
  const stopFirst = onCleanUp('stop PostgreSQL', () => cluster.stop());
  const client = new pg.Client({ ...pgConnectionConfig(cluster.hot), database: 'postgres' });
  await client.connect();
  await client.query(`ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`);
  // Planning time per statement too: it shows what unprepared statements pay for planning.
  await client.query(`ALTER SYSTEM SET pg_stat_statements.track_planning = on`);
  await client.end();
  await stopFirst();
  cluster = await startEmbedded({ ...options, port: cluster.port });
  onCleanUp('stop PostgreSQL', () => cluster.stop());

  const base = cluster.hot;
  const connect = async (database: string) => {
    const c = new pg.Client({ ...pgConnectionConfig(base), database, application_name: 'bench-harness' });
    // A connection cut by the cluster's shutdown must not crash the clean-up that stops it.
    c.on('error', (error) => console.error(`bench harness connection to ${database}: ${error.message}`));
    await c.connect();
    return c;
  };
  const admin = await connect('postgres');
  let version: string;
  try {
    await admin.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    version = (await admin.query<{ version: string }>('SELECT version()')).rows[0].version;
  } finally {
    await admin.end();
  }
  for (const store of [cluster.hot, cluster.cold]) await withMigrationSession(store, migrate);
  log(`PostgreSQL (pg_stat_statements loaded) on 127.0.0.1:${cluster.port}, data in ${dataDir}`);

  return {
    port: cluster.port,
    hot: cluster.hot,
    cold: cluster.cold,
    version,
    store: (name, database) => ({ ...(name === 'hot' ? cluster.hot : cluster.cold), database }),
    url: (database) =>
      `postgresql://${encodeURIComponent(base.user)}:${encodeURIComponent(base.password)}@${base.host}:${base.port}/${encodeURIComponent(database)}`,
    admin: () => connect('postgres'),
    async createDatabase(database) {
      const c = await connect('postgres');
      try {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(database)} WITH (FORCE)`);
        await c.query(`CREATE DATABASE ${c.escapeIdentifier(database)}`);
      } finally {
        await c.end();
      }
    },
    async dropDatabase(database) {
      const c = await connect('postgres');
      try {
        await c.query(`DROP DATABASE IF EXISTS ${c.escapeIdentifier(database)} WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}
