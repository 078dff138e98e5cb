import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { migrate, loadMigrations } from '../../src/db/migrations.js';
import { openSqlServerMigrationSession } from '../../src/db/migration-session.js';
import { migrationsDir } from '../../src/db/stores.js';
import { createRecordingAdapter } from '../support/recording-adapter.js';

const folders = {
  hotSqlServer: migrationsDir({ name: 'hot', provider: 'sqlserver' }),
  hotPostgresql: migrationsDir({ name: 'hot', provider: 'postgresql' }),
  cold: migrationsDir({ name: 'cold', provider: 'postgresql' }),
};

describe('migration folders', () => {
  it.each(Object.entries(folders))(
    '%s: every migration has a down.sql and a sha256 checksum of migration.sql',
    (_, dir) => {
      const migrations = loadMigrations(dir);
      expect(migrations.length).toBeGreaterThan(0);
      for (const migration of migrations) {
        expect(migration.name).toMatch(/^\d{14}_[a-z0-9_]+$/);
        expect(migration.downSql).toBeTruthy();
        const bytes = readFileSync(path.join(dir, migration.name, 'migration.sql'));
        expect(migration.checksum).toBe(createHash('sha256').update(bytes).digest('hex'));
      }
      expect(readFileSync(path.join(dir, 'migration_lock.toml'), 'utf8')).toMatch(
        /provider = "(sqlserver|postgresql)"/,
      );
    },
  );

  it('keep the SQL Server and PostgreSQL hot migrations in step', () => {
    const names = (dir: string) => loadMigrations(dir).map((m) => m.name);
    expect(names(folders.hotSqlServer)).toEqual(names(folders.hotPostgresql));
  });

  it('declare every hot timestamp as datetime2(3) / timestamptz(3), the shared millisecond sort key', () => {
    for (const migration of loadMigrations(folders.hotSqlServer)) {
      expect(migration.sql).not.toMatch(/DATETIME2(?!\(3\))/);
      expect(migration.sql).toMatch(/^BEGIN TRY\s+BEGIN TRAN;/);
      expect(migration.sql.trimEnd()).toMatch(/THROW\s+END CATCH$/);
    }
    for (const dir of [folders.hotPostgresql, folders.cold]) {
      for (const migration of loadMigrations(dir)) expect(migration.sql).not.toMatch(/\sTIMESTAMP(?!TZ\(3\))/);
    }
  });

  it('create the same tables and indexes on both hot engines', () => {
    const objects = (sql: string) =>
      [...sql.matchAll(/CREATE (?:UNIQUE )?(?:NONCLUSTERED )?(?:TABLE|INDEX) (?:\[dbo\]\.)?[["]([a-z_]+)[\]"]/g)]
        .map((m) => m[1])
        .sort();
    const sqlServer = loadMigrations(folders.hotSqlServer);
    const postgres = loadMigrations(folders.hotPostgresql);
    // The same migrations, by name and order, on both engines.
    expect(sqlServer.map((m) => m.name)).toEqual(postgres.map((m) => m.name));
    sqlServer.forEach((migration, i) => {
      // SQL Server declares unique keys as table constraints; PostgreSQL as unique indexes.
      const constraints = [...migration.sql.matchAll(/CONSTRAINT \[([a-z_]+_key)\] UNIQUE/g)].map((m) => m[1]);
      expect([...objects(migration.sql), ...constraints].sort()).toEqual(objects(postgres[i].sql));
    });
  });
});

describe('the migration runner on SQL Server (T-SQL recorded, no server)', () => {
  it("takes Prisma's application lock, records the migration as Prisma does, and runs the script in one transaction", async () => {
    const adapter = createRecordingAdapter();
    const session = await openSqlServerMigrationSession(adapter);
    const migrations = loadMigrations(folders.hotSqlServer);
    expect(await migrate(session, migrations)).toEqual(migrations.map((m) => m.name));
    await session.close();

    const log = adapter.log.map((entry) => `${entry.kind} ${entry.sql.replace(/\s+/g, ' ').slice(0, 120)}`);
    expect(log[0]).toBe('begin BEGIN TRANSACTION');
    expect(log[1]).toContain("EXEC sp_getapplock @Resource = N'prisma_migrate'");
    expect(log[2]).toContain("IF OBJECT_ID(N'[dbo].[_prisma_migrations]', N'U') IS NULL");
    expect(log[3]).toContain('SELECT id, checksum, migration_name');
    expect(log[4]).toContain('INSERT INTO [dbo].[_prisma_migrations]');
    expect(log[5]).toMatch(/^execute BEGIN TRY BEGIN TRAN; -- CreateTable CREATE TABLE \[dbo\]\.\[users\]/);
    expect(log[6]).toContain(
      'UPDATE [dbo].[_prisma_migrations] SET finished_at = SYSDATETIMEOFFSET(), applied_steps_count = 1',
    );
    expect(log.at(-1)).toBe('commit COMMIT TRANSACTION');
    expect(new Set(adapter.log.map((entry) => entry.txId))).toEqual(new Set([1]));

    const insert = adapter.log[4];
    expect(insert.args.slice(1)).toEqual([migrations[0].checksum, migrations[0].name]);
  });
});
