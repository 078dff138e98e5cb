/**
 * Starts one PostgreSQL server for the whole run: the embedded one in a temporary folder, or
 * the servers named by HOT_DATABASE_URL / COLD_DATABASE_URL. Each test file then creates its
 * own fresh databases on it (test/support/databases.ts).
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { loadConfig, type StoreConfig } from '../../src/config.js';
import { startEmbedded } from '../../src/db/embedded.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Where fresh test databases are created, per store; the database named is the admin one. */
    testServers: { hot: StoreConfig; cold: StoreConfig; embedded: boolean };
  }
}

export default async function setup(project: TestProject) {
  const config = loadConfig({ ...process.env, NODE_ENV: 'test' });
  if (config.stores.mode === 'external') {
    if (!config.stores.cold) throw new Error('the tests need a cold store: unset COLD_STORE');
    project.provide('testServers', { hot: config.stores.hot, cold: config.stores.cold, embedded: false });
    return;
  }
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-test-'));
  // As root, PostgreSQL runs as the postgres OS user, which must be able to enter the folder.
  chmodSync(dataDir, 0o755);
  const cluster = await startEmbedded({ ...config.stores, dataDir, port: 0 });
  const admin = (store: StoreConfig): StoreConfig => ({ ...store, database: 'postgres' });
  project.provide('testServers', { hot: admin(cluster.hot), cold: admin(cluster.cold), embedded: true });
  return async () => {
    await cluster.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
