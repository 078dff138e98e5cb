/**
 * The hot store: SQL Server in production, PostgreSQL where there is none.
 *
 * The only module (with its generated clients) that knows which engine holds the hot rows.
 * Both generated clients come from the same models, so their row and argument types are
 * structurally identical for the operations the gateway uses; callers get one `HotClient` type.
 */
import { PrismaMssql } from '@prisma/adapter-mssql';
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { StoreConfig } from '../../config.js';
import { mssqlConfig } from '../mssql-pool.js';
import { pgPoolConfig, preparedStatementNames, type ServingOptions } from '../pg-pool.js';
import { PrismaClient as PostgresqlClient } from './generated/postgresql/client.js';
import { PrismaClient as SqlServerClient } from './generated/sqlserver/client.js';

export type HotClient = PostgresqlClient;
export type * as HotModels from './generated/postgresql/models.js';

/** The driver adapter for the configured hot engine. */
export function hotAdapter(store: StoreConfig, serving: ServingOptions = {}): SqlDriverAdapterFactory {
  return store.provider === 'sqlserver'
    ? new PrismaMssql(mssqlConfig(store, serving))
    : new PrismaPg(pgPoolConfig(store, serving), serving.preparedStatements ? preparedStatementNames() : undefined);
}

/**
 * A hot client over `adapter`, picking the generated client that matches the adapter's
 * provider (the SQL Server client refuses a PostgreSQL adapter at construction, and vice versa).
 */
export function createHotClient(adapter: SqlDriverAdapterFactory): HotClient {
  const client =
    adapter.provider === 'sqlserver'
      ? // Same models, same operations: see the module comment.
        (new SqlServerClient({ adapter }) as unknown as HotClient)
      : new PostgresqlClient({ adapter });
  engines.set(client, adapter.provider === 'sqlserver' ? 'sqlserver' : 'postgresql');
  return client;
}

const engines = new WeakMap<HotClient, 'sqlserver' | 'postgresql'>();

/**
 * A case-insensitive substring filter for a text column, with LIKE's wildcards in `text`
 * matched literally. SQL Server compares case-insensitively under its default collation and
 * knows no `mode`; PostgreSQL needs `mode: 'insensitive'` (ILIKE). Prisma passes `contains`
 * into the LIKE pattern unescaped on both.
 */
export function hotTextContains(client: HotClient, text: string): { contains: string; mode?: 'insensitive' } {
  return engines.get(client) === 'sqlserver'
    ? { contains: text.replace(/[[%_]/g, '[$&]') }
    : { contains: escapePostgresLike(text), mode: 'insensitive' };
}

/** PostgreSQL's LIKE escapes with a backslash by default. */
export function escapePostgresLike(text: string): string {
  return text.replace(/[\\%_]/g, '\\$&');
}

export type HotTable = 'messages' | 'posts' | 'comments' | 'post_likes' | 'stock_prices';

/** Rows to restore with their own ids, by database column (the SQL Server path). */
export interface RowsWithIds {
  readonly columns: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Parameters per T-SQL statement, under SQL Server's 2100. */
const SQL_SERVER_PARAMETERS = 2000;

/**
 * Writes rows with their own ids (restoring archived rows). PostgreSQL takes them through
 * Prisma (`viaPrisma`). The SQL Server client accepts no value for an IDENTITY column at all,
 * and SQL Server refuses one unless IDENTITY_INSERT is on for the table in the same session:
 * there, parameterised INSERTs in one transaction between IDENTITY_INSERT ON and OFF.
 */
export async function insertWithIds(client: HotClient, table: HotTable, data: RowsWithIds, viaPrisma: (client: HotClient) => Promise<unknown>): Promise<void> {
  if (engines.get(client) !== 'sqlserver') {
    await viaPrisma(client);
    return;
  }
  const width = data.columns.length;
  const perStatement = Math.max(1, Math.floor(SQL_SERVER_PARAMETERS / width));
  const columns = data.columns.map((column) => `[${column}]`).join(', ');
  await client.$transaction(async (tx) => {
    await tx.$executeRawUnsafe(`SET IDENTITY_INSERT [dbo].[${table}] ON`);
    for (let start = 0; start < data.rows.length; start += perStatement) {
      const chunk = data.rows.slice(start, start + perStatement);
      const values = chunk.map((_, r) => `(${data.columns.map((__, c) => `@P${r * width + c + 1}`).join(', ')})`).join(', ');
      await tx.$executeRawUnsafe(`INSERT INTO [dbo].[${table}] (${columns}) VALUES ${values}`, ...chunk.flat());
    }
    await tx.$executeRawUnsafe(`SET IDENTITY_INSERT [dbo].[${table}] OFF`);
  });
}
