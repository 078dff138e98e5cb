/**
 * One dedicated connection for the migration runner, per engine. Each statement here mirrors
 * what Prisma's migrate engine writes to `_prisma_migrations` on that engine.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, Transaction } from '@prisma/driver-adapter-utils';
import pg from 'pg';

/** One row of `_prisma_migrations`. */
export interface AppliedMigration {
  readonly id: string;
  readonly name: string;
  readonly checksum: string;
  readonly finishedAt: Date | null;
  readonly rolledBackAt: Date | null;
  readonly logs: string | null;
}

export interface MigrationSession {
  /** Runs `fn` holding the engine's migration lock (the one Prisma's engine takes). */
  withLock<T>(fn: () => Promise<T>): Promise<T>;
  tableExists(): Promise<boolean>;
  ensureTable(): Promise<void>;
  dropTable(): Promise<void>;
  listApplied(): Promise<AppliedMigration[]>;
  recordStarted(id: string, name: string, checksum: string): Promise<void>;
  recordFinished(id: string): Promise<void>;
  recordFailed(id: string, logs: string): Promise<void>;
  recordRolledBack(id: string): Promise<void>;
  /** Runs a whole migration script (several statements). */
  runScript(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** Prisma's advisory lock key for migrations on PostgreSQL. */
const PRISMA_PG_LOCK_KEY = 72707369;

type Row = Record<string, unknown>;

function toApplied(row: Row): AppliedMigration {
  const date = (v: unknown) => (v instanceof Date ? v : typeof v === 'string' ? new Date(v) : null);
  return {
    id: String(row.id),
    name: String(row.migration_name),
    checksum: String(row.checksum),
    finishedAt: date(row.finished_at),
    rolledBackAt: date(row.rolled_back_at),
    logs: typeof row.logs === 'string' ? row.logs : null,
  };
}

const LIST_COLUMNS = 'id, checksum, migration_name, finished_at, rolled_back_at, logs';

/** PostgreSQL: a plain pg connection, so scripts go through the simple query protocol. */
export async function openPostgresMigrationSession(config: pg.ClientConfig): Promise<MigrationSession> {
  const client = new pg.Client(config);
  await client.connect();
  const rows = async (sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as Row[];
  return {
    async withLock(fn) {
      await client.query('SELECT pg_advisory_lock($1)', [PRISMA_PG_LOCK_KEY]);
      try {
        return await fn();
      } finally {
        await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_PG_LOCK_KEY]);
      }
    },
    async tableExists() {
      const [row] = await rows(`SELECT to_regclass('_prisma_migrations') IS NOT NULL AS present`);
      return row?.present === true;
    },
    async ensureTable() {
      await client.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`);
    },
    async dropTable() {
      await client.query('DROP TABLE IF EXISTS "_prisma_migrations"');
    },
    async listApplied() {
      return (await rows(`SELECT ${LIST_COLUMNS} FROM "_prisma_migrations" ORDER BY started_at, migration_name`)).map(
        toApplied,
      );
    },
    async recordStarted(id, name, checksum) {
      await client.query(
        'INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, applied_steps_count) VALUES ($1, $2, $3, now(), 0)',
        [id, checksum, name],
      );
    },
    async recordFinished(id) {
      await client.query('UPDATE "_prisma_migrations" SET finished_at = now(), applied_steps_count = 1 WHERE id = $1', [
        id,
      ]);
    },
    async recordFailed(id, logs) {
      await client.query('UPDATE "_prisma_migrations" SET logs = $2, rolled_back_at = now() WHERE id = $1', [id, logs]);
    },
    async recordRolledBack(id) {
      await client.query('UPDATE "_prisma_migrations" SET rolled_back_at = now() WHERE id = $1', [id]);
    },
    async runScript(sql) {
      // No parameters: the simple query protocol runs every statement in one implicit transaction.
      await client.query(sql);
    },
    async close() {
      await client.end();
    },
  };
}

/**
 * SQL Server: the statements run through the Prisma mssql driver adapter, inside one
 * transaction (a dedicated connection) that holds an application lock for its duration.
 * Scripts are T-SQL batches with their own TRY/TRAN; nested in ours, their COMMIT only
 * decrements @@TRANCOUNT and their ROLLBACK undoes everything, which is what we want.
 */
export async function openSqlServerMigrationSession(factory: SqlDriverAdapterFactory): Promise<MigrationSession> {
  const adapter: SqlDriverAdapter = await factory.connect();
  let tx: Transaction | undefined;
  const target = () => tx ?? adapter;
  const exec = (sql: string, args: unknown[] = []) =>
    target().executeRaw({ sql, args, argTypes: args.map(() => ({ scalarType: 'string', arity: 'scalar' }) as const) });
  const rows = async (sql: string): Promise<Row[]> => {
    const result = await target().queryRaw({ sql, args: [], argTypes: [] });
    return result.rows.map((values) => Object.fromEntries(result.columnNames.map((name, i) => [name, values[i]])));
  };
  return {
    async withLock(fn) {
      tx = await adapter.startTransaction();
      try {
        await exec(
          `EXEC sp_getapplock @Resource = N'prisma_migrate', @LockMode = 'Exclusive', @LockOwner = 'Transaction', @LockTimeout = 600000`,
        );
        const result = await fn();
        await tx.commit();
        return result;
      } catch (error) {
        await tx.rollback();
        throw error;
      } finally {
        tx = undefined;
      }
    },
    async tableExists() {
      const [row] = await rows(
        `SELECT CASE WHEN OBJECT_ID(N'[dbo].[_prisma_migrations]', N'U') IS NULL THEN 0 ELSE 1 END AS present`,
      );
      return Number(row?.present) === 1;
    },
    async ensureTable() {
      await exec(`IF OBJECT_ID(N'[dbo].[_prisma_migrations]', N'U') IS NULL
CREATE TABLE [dbo].[_prisma_migrations] (
    [id]                    VARCHAR(36) PRIMARY KEY NOT NULL,
    [checksum]              VARCHAR(64) NOT NULL,
    [finished_at]           DATETIMEOFFSET,
    [migration_name]        NVARCHAR(250) NOT NULL,
    [logs]                  NVARCHAR(MAX) NULL,
    [rolled_back_at]        DATETIMEOFFSET,
    [started_at]            DATETIMEOFFSET NOT NULL DEFAULT CURRENT_TIMESTAMP,
    [applied_steps_count]   INT NOT NULL DEFAULT 0
)`);
    },
    async dropTable() {
      await exec(`DROP TABLE IF EXISTS [dbo].[_prisma_migrations]`);
    },
    async listApplied() {
      return (
        await rows(`SELECT ${LIST_COLUMNS} FROM [dbo].[_prisma_migrations] ORDER BY started_at, migration_name`)
      ).map(toApplied);
    },
    async recordStarted(id, name, checksum) {
      await exec(
        `INSERT INTO [dbo].[_prisma_migrations] (id, checksum, migration_name, started_at, applied_steps_count) VALUES (@P1, @P2, @P3, SYSDATETIMEOFFSET(), 0)`,
        [id, checksum, name],
      );
    },
    async recordFinished(id) {
      await exec(
        `UPDATE [dbo].[_prisma_migrations] SET finished_at = SYSDATETIMEOFFSET(), applied_steps_count = 1 WHERE id = @P1`,
        [id],
      );
    },
    async recordFailed(id, logs) {
      await exec(
        `UPDATE [dbo].[_prisma_migrations] SET logs = @P2, rolled_back_at = SYSDATETIMEOFFSET() WHERE id = @P1`,
        [id, logs],
      );
    },
    async recordRolledBack(id) {
      await exec(`UPDATE [dbo].[_prisma_migrations] SET rolled_back_at = SYSDATETIMEOFFSET() WHERE id = @P1`, [id]);
    },
    async runScript(sql) {
      await exec(sql);
    },
    async close() {
      await adapter.dispose();
    },
  };
}
