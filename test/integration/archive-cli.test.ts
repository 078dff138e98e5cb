/**
 * `npm run archive` against a real gateway process over real PostgreSQL: it starts the run,
 * follows it by id with progress lines (no terminal here), and exits 0 only for SUCCEEDED. The
 * gateway is killed with SIGKILL mid-run and started again on the same port: the CLI rides out
 * the outage, follows the same run, which the new gateway ended FAILED ("interrupted"), and
 * exits 1; a second `npm run archive` then finishes the job with every row in exactly one store.
 *
 * The run is held mid-run by a row lock the test takes in the hot store (a real database wait,
 * no sleeps): the run cannot delete that message, so it cannot end, until the test lets go.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type StoreConfig } from '../../src/config.js';
import { loadDemoData } from '../../src/demo/load.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';

const ADMIN = 'cli-test-admin-token-0123456789';
const TABLES = [
  ['messages', 'messages_archive'],
  ['posts', 'posts_archive'],
  ['comments', 'comments_archive'],
  ['post_likes', 'post_likes_archive'],
  ['stock_prices', 'stock_prices_history'],
] as const;

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let port: number;
const children: ChildProcess[] = [];

const dbUrl = (store: StoreConfig) =>
  `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;
const BASE_ENV = () => ({
  PATH: process.env.PATH ?? '',
  HOME: process.env.HOME ?? '/tmp',
  NODE_ENV: 'development',
  ADMIN_TOKEN: ADMIN,
  JWT_SECRET: 'cli-test-jwt-secret-'.padEnd(40, 'x'),
  GATEWAY_URL: `http://127.0.0.1:${port}/graphql`,
});

function spawnTs(script: string, args: string[], env: Record<string, string>) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, script), ...args], {
    cwd: PROJECT_ROOT,
    env,
  });
  children.push(child);
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => output, exited };
}

async function startGateway() {
  const gateway = spawnTs('src/main.ts', [], {
    ...BASE_ENV(),
    HOST: '127.0.0.1',
    PORT: String(port),
    HOT_DATABASE_URL: dbUrl(fresh.hot),
    COLD_DATABASE_URL: dbUrl(fresh.cold),
    LOG_LEVEL: 'info',
  });
  await new Promise<void>((resolve, reject) => {
    const check = setInterval(() => {
      if (/ready in [\d.]+ s at http/.test(gateway.output())) {
        clearInterval(check);
        resolve();
      }
    }, 50);
    void gateway.exited.then((code) => {
      clearInterval(check);
      reject(new Error(`gateway exited with ${code}:\n${gateway.output()}`));
    });
  });
  return gateway;
}

const archiveCli = (args: string[] = []) =>
  spawnTs('src/cli/archive.ts', ['--older-than-days', '30', '--poll-ms', '100', ...args], BASE_ENV());

async function until<T>(read: () => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const value = await read();
    if (value !== undefined) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function placement() {
  const result: Record<string, { both: number; all: number; cold: number }> = {};
  for (const [hot, cold] of TABLES) {
    const hotIds = (await hotDb.query<{ id: number }>(`SELECT id FROM ${hot}`)).rows.map((r) => r.id);
    const coldIds = new Set(
      (await coldDb.query<{ id: number }>(`SELECT original_id AS id FROM ${cold}`)).rows.map((r) => r.id),
    );
    const both = hotIds.filter((id) => coldIds.has(id)).length;
    result[hot] = { both, all: hotIds.length + coldIds.size - both, cold: coldIds.size };
  }
  return result;
}

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  await loadDemoData(hotDb, coldDb, { anchor: new Date(), scale: 0.02 });
  port = await new Promise<number>((resolve) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port: free } = server.address() as AddressInfo;
      server.close(() => resolve(free));
    });
  });
});

afterAll(async () => {
  for (const child of children) if (child.exitCode === null) child.kill('SIGKILL');
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

describe.runIf(hotIsPostgres())('npm run archive', () => {
  it('follows its run through a gateway killed and restarted, and exits 0 only when a run SUCCEEDED', async () => {
    const before = await placement();
    let gateway = await startGateway();

    // Hold one old message: the run copies it to cold, then waits for its hot delete.
    const holder = new pg.Client(pgConnectionConfig(fresh.hot));
    await holder.connect();
    await holder.query('BEGIN');
    const { rows: held } = await holder.query<{ id: number }>(
      `SELECT id FROM messages WHERE created_at < now() - interval '31 days' ORDER BY id DESC LIMIT 1 FOR UPDATE`,
    );
    expect(held).toHaveLength(1);

    const first = archiveCli();
    // The run is under way and its progress is in its row: posts moved, messages not yet.
    const running = await until(async () => {
      const { rows } = await coldDb.query(`SELECT id, posts FROM archival_runs WHERE status = 'RUNNING' AND posts > 0`);
      return rows[0] as { id: number; posts: number } | undefined;
    });
    await until(async () =>
      /RUNNING +[\d,]+\/[\d,]+ rows, [\d,]+ rows\/s, ETA/.test(first.output()) ? true : undefined,
    );
    gateway.child.kill('SIGKILL');
    await gateway.exited;
    await until(async () => (/lost the gateway/.test(first.output()) ? true : undefined));

    // The new gateway finds the run RUNNING with no process behind it (the lock is free).
    gateway = await startGateway();
    expect(gateway.output()).toMatch(new RegExp(`archival runs ${running.id} were interrupted; marked FAILED`));
    expect(await first.exited).toBe(1);
    expect(first.output()).toMatch(/reconnected after/);
    expect(first.output()).toMatch(/FAILED in [\d.]+ s/);
    expect(first.output()).toMatch(/error: interrupted/);
    const { rows: failed } = await coldDb.query('SELECT status, error FROM archival_runs WHERE id = $1', [running.id]);
    expect(failed[0]).toMatchObject({ status: 'FAILED' });

    await holder.query('ROLLBACK');
    await holder.end();
    const second = archiveCli();
    expect(await second.exited).toBe(0);
    expect(second.output()).toMatch(/run \S+ SUCCEEDED in [\d.]+ s/);
    const after = await placement();
    for (const [table] of TABLES) {
      expect(after[table].both, `${table} in both stores`).toBe(0);
      expect(after[table].all, `${table} rows`).toBe(before[table].all);
    }
    expect(after.messages.cold).toBeGreaterThan(before.messages.cold);

    // A run that is refused exits non-zero with the code: cancel of a finished run.
    const runs = await coldDb.query<{ id: number }>(`SELECT id FROM archival_runs ORDER BY id DESC LIMIT 1`);
    const cancel = spawnTs('src/cli/archive.ts', ['--cancel', toGlobalId('ArchivalRun', runs.rows[0].id)], BASE_ENV());
    expect(await cancel.exited).toBe(1);
    expect(cancel.output()).toMatch(/ARCHIVAL_RUN_FINISHED/);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 240_000);
});
