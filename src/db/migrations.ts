/**
 * Applies the SQL migrations in Prisma's folder layout and records them exactly as Prisma's
 * migrate engine does (table `_prisma_migrations`, sha256 checksum of migration.sql), so that
 * `prisma migrate status` / `deploy`, on a machine that can run Prisma's engine, agree with us.
 *
 * Prisma's engine cannot be downloaded on every machine; this runner needs nothing but a
 * connection. Each migration also ships a down.sql, which `rollback` runs.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { AppliedMigration, MigrationSession } from './migration-session.js';

export interface Migration {
  /** The folder name, `<timestamp>_<name>`: migrations apply in this order. */
  readonly name: string;
  readonly sql: string;
  /** sha256 of migration.sql, hex, as Prisma computes it. */
  readonly checksum: string;
  readonly downSql: string | undefined;
}

export interface MigrationStatus {
  /** Applied and not rolled back, in order. */
  readonly applied: readonly string[];
  readonly pending: readonly string[];
  /** Started but never finished (Prisma's P3009 state); blocks further migrations. */
  readonly failed: readonly string[];
  /** Applied, but migration.sql has changed since. */
  readonly modified: readonly string[];
  /** Recorded in the database but absent from the migrations folder. */
  readonly unknown: readonly string[];
}

export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

export function checksumOf(sql: string): string {
  return createHash('sha256').update(sql, 'utf8').digest('hex');
}

/** Reads `<dir>/<timestamp>_<name>/migration.sql` (and down.sql), ordered by folder name. */
export function loadMigrations(dir: string): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(dir, entry.name, 'migration.sql')))
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      const downPath = path.join(dir, name, 'down.sql');
      return {
        name,
        sql,
        checksum: checksumOf(sql),
        downSql: existsSync(downPath) ? readFileSync(downPath, 'utf8') : undefined,
      };
    });
}

export async function readStatus(
  session: MigrationSession,
  migrations: readonly Migration[],
): Promise<MigrationStatus> {
  const records = (await session.tableExists()) ? await session.listApplied() : [];
  return compare(records, migrations);
}

function compare(records: readonly AppliedMigration[], migrations: readonly Migration[]): MigrationStatus {
  const live = records.filter((r) => r.rolledBackAt === null);
  const finished = new Map(live.filter((r) => r.finishedAt !== null).map((r) => [r.name, r]));
  const known = new Set(migrations.map((m) => m.name));
  return {
    applied: migrations.filter((m) => finished.has(m.name)).map((m) => m.name),
    pending: migrations.filter((m) => !finished.has(m.name)).map((m) => m.name),
    failed: live.filter((r) => r.finishedAt === null).map((r) => r.name),
    modified: migrations
      .filter((m) => finished.has(m.name) && finished.get(m.name)!.checksum !== m.checksum)
      .map((m) => m.name),
    unknown: [...new Set(live.map((r) => r.name).filter((name) => !known.has(name)))],
  };
}

/**
 * Applies every pending migration in order, under the database lock Prisma's engine also
 * takes, so concurrent starts of several gateway processes apply each migration once.
 * Each migration script is atomic (one implicit transaction on PostgreSQL, TRY/TRAN on
 * SQL Server); a failed one is recorded with its error and marked rolled back, as
 * `prisma migrate resolve --rolled-back` would, and stops the run.
 */
export async function migrate(session: MigrationSession, migrations: readonly Migration[]): Promise<string[]> {
  return session.withLock(async () => {
    await session.ensureTable();
    const status = compare(await session.listApplied(), migrations);
    if (status.failed.length > 0) {
      throw new MigrationError(
        `migration ${status.failed[0]} failed earlier and was never resolved; fix it, then run db:migrate again`,
      );
    }
    const done: string[] = [];
    for (const migration of migrations.filter((m) => status.pending.includes(m.name))) {
      const id = randomUUID();
      await session.recordStarted(id, migration.name, migration.checksum);
      try {
        await session.runScript(migration.sql);
      } catch (error) {
        const reason = error instanceof Error ? error.message : String(error);
        // Best effort: on SQL Server the failed script has already rolled back our transaction.
        await session.recordFailed(id, reason).catch(() => undefined);
        throw new MigrationError(`migration ${migration.name} failed: ${firstLine(reason)}`);
      }
      await session.recordFinished(id);
      done.push(migration.name);
    }
    return done;
  });
}

/** Runs the down.sql of the last applied migration and marks it rolled back. */
export async function rollback(
  session: MigrationSession,
  migrations: readonly Migration[],
): Promise<string | undefined> {
  return session.withLock(async () => {
    if (!(await session.tableExists())) return undefined;
    const live = (await session.listApplied()).filter((r) => r.rolledBackAt === null && r.finishedAt !== null);
    const last = live.sort((a, b) => a.name.localeCompare(b.name)).at(-1);
    if (!last) return undefined;
    const migration = migrations.find((m) => m.name === last.name);
    if (!migration?.downSql) {
      throw new MigrationError(`migration ${last.name} has no down.sql; it cannot be rolled back automatically`);
    }
    await session.runScript(migration.downSql);
    await session.recordRolledBack(last.id);
    return last.name;
  });
}

/** Rolls back every applied migration, newest first, then drops the bookkeeping table. */
export async function reset(session: MigrationSession, migrations: readonly Migration[]): Promise<string[]> {
  const undone: string[] = [];
  for (let name = await rollback(session, migrations); name; name = await rollback(session, migrations)) {
    undone.push(name);
  }
  await session.withLock(() => session.dropTable());
  return undone;
}

function firstLine(text: string): string {
  return text.split('\n', 1)[0] ?? text;
}
