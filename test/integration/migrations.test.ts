/**
 * The migration runner against a real PostgreSQL: what it records must be what Prisma's own
 * migrate engine records, and it must be safe to run twice, concurrently, and after a failure.
 */
import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StoreConfig } from '../../src/config.js';
import { loadMigrations, migrate, MigrationError, readStatus, reset, rollback } from '../../src/db/migrations.js';
import { migrationsDir, openMigrationSession, withMigrationSession } from '../../src/db/stores.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, type FreshStores } from '../support/databases.js';

let stores: FreshStores;
let store: StoreConfig;
let client: pg.Client;
const tempDirs: string[] = [];

beforeAll(async () => {
  stores = await freshStores({ migrated: false });
  store = stores.cold;
  client = new pg.Client(pgConnectionConfig(store));
  await client.connect();
});

afterAll(async () => {
  await client.end();
  await stores.drop();
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true });
});

const tables = async () =>
  (
    await client.query<{ name: string }>(
      `SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
    )
  ).rows.map((r) => r.name);
/** Every table, column and index of the public schema. */
const schemaObjects = async () =>
  (
    await client.query<{ name: string }>(`
      SELECT indexname AS name FROM pg_indexes WHERE schemaname = 'public'
      UNION ALL SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns WHERE table_schema = 'public'
      ORDER BY 1`)
  ).rows.map((r) => r.name);
const records = async () =>
  (
    await client.query(
      `SELECT migration_name, checksum, finished_at, rolled_back_at, logs, applied_steps_count FROM "_prisma_migrations" ORDER BY started_at`,
    )
  ).rows;

describe('migrate', () => {
  const migrations = loadMigrations(migrationsDir({ name: 'cold', provider: 'postgresql' }));

  it("applies pending migrations and records them as Prisma's engine does", async () => {
    const applied = await withMigrationSession(store, (session, all) => migrate(session, all));
    expect(applied).toEqual(migrations.map((m) => m.name));
    expect(await tables()).toEqual(
      expect.arrayContaining(['_prisma_migrations', 'messages_archive', 'archival_runs', 'user_activity']),
    );
    const [row] = await records();
    expect(row).toMatchObject({
      migration_name: migrations[0].name,
      checksum: migrations[0].checksum,
      rolled_back_at: null,
      logs: null,
      applied_steps_count: 1,
    });
    expect(row.finished_at).toBeInstanceOf(Date);
  });

  it('does nothing the second time, even when two processes race', async () => {
    const [a, b] = await Promise.all([openMigrationSession(store), openMigrationSession(store)]);
    const results = await Promise.all([migrate(a, migrations), migrate(b, migrations)]);
    await Promise.all([a.close(), b.close()]);
    expect(results).toEqual([[], []]);
    expect(await records()).toHaveLength(migrations.length);
  });

  it('reports status', async () => {
    const status = await withMigrationSession(store, readStatus);
    expect(status).toEqual({
      applied: migrations.map((m) => m.name),
      pending: [],
      failed: [],
      modified: [],
      unknown: [],
    });
  });

  it('rolls back the last migration with its down.sql, and applies it again afterwards', async () => {
    const before = await schemaObjects();
    expect(await withMigrationSession(store, rollback)).toBe(migrations.at(-1)!.name);
    expect(await schemaObjects()).not.toEqual(before);
    expect((await records()).at(-1)!.rolled_back_at).toBeInstanceOf(Date);
    expect((await withMigrationSession(store, readStatus)).pending).toEqual([migrations.at(-1)!.name]);
    expect(await withMigrationSession(store, migrate)).toEqual([migrations.at(-1)!.name]);
    expect(await schemaObjects()).toEqual(before);
  });

  it('records a failed migration, leaves nothing half-applied, and retries once it is fixed', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    tempDirs.push(dir);
    cpSync(migrationsDir(store), dir, { recursive: true });
    const broken = path.join(dir, '20991231000000_broken');
    mkdirSync(broken);
    writeFileSync(
      path.join(broken, 'migration.sql'),
      'CREATE TABLE half_done (id INT);\nALTER TABLE no_such_table ADD COLUMN x INT;\n',
    );
    writeFileSync(path.join(broken, 'down.sql'), 'DROP TABLE half_done;\n');

    const session = await openMigrationSession(store);
    try {
      await expect(migrate(session, loadMigrations(dir))).rejects.toThrow(MigrationError);
      await expect(migrate(session, loadMigrations(dir))).rejects.toThrow(
        /20991231000000_broken failed: relation "no_such_table" does not exist/,
      );
      expect(await tables()).not.toContain('half_done');
      const failed = (await records()).filter((r) => r.migration_name === '20991231000000_broken');
      expect(failed).toHaveLength(2);
      expect(
        failed.every((r) => r.finished_at === null && r.rolled_back_at instanceof Date && /no_such_table/.test(r.logs)),
      ).toBe(true);

      writeFileSync(path.join(broken, 'migration.sql'), 'CREATE TABLE half_done (id INT);\n');
      expect(await migrate(session, loadMigrations(dir))).toEqual(['20991231000000_broken']);
      expect(await tables()).toContain('half_done');
      expect(await rollback(session, loadMigrations(dir))).toBe('20991231000000_broken');
    } finally {
      await session.close();
    }
  });

  it('flags a migration edited after it was applied', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'migrations-'));
    tempDirs.push(dir);
    cpSync(migrationsDir(store), dir, { recursive: true });
    const name = migrations[0].name;
    writeFileSync(path.join(dir, name, 'migration.sql'), `${migrations[0].sql}\n-- edited\n`);
    const status = await withMigrationSession(store, (session) => readStatus(session, loadMigrations(dir)));
    expect(status.modified).toEqual([name]);
  });

  it('reset rolls everything back and drops the bookkeeping table', async () => {
    expect(await withMigrationSession(store, reset)).toEqual(migrations.map((m) => m.name).reverse());
    expect(await tables()).toEqual([]);
  });
});
