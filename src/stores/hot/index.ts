/**
 * The hot store: SQL Server in production, PostgreSQL where there is none.
 *
 * The only module (with its generated clients) that knows which engine holds the hot rows.
 * Code above the stores sees `HotClient`: the delegates and operations it may call, each with
 * the types of one engine's generated client. `npm run typecheck` checks the whole tree twice,
 * once against the SQL Server client (tsconfig.json) and once against the PostgreSQL client
 * (tsconfig.hot-postgresql.json), so a call that one engine's client does not accept (a
 * PostgreSQL-only `mode: 'insensitive'`, a SQL Server-only argument) fails the typecheck.
 *
 * Prisma's delegates are generic over their arguments, with conditional result types per
 * namespace, so neither engine's client is assignable to a type written from the other's,
 * nor to a hand-written interface of Prisma-shaped methods (tried): the two passes are how
 * the compiler proves the structural match, and createHotClient is the one place that relies
 * on it.
 */
import { PrismaPg } from '@prisma/adapter-pg';
import type { ArgType, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { StoreConfig } from '../../config.js';
import { mssqlConfig } from '../mssql-pool.js';
import { pgPoolConfig, preparedStatementNames, type ServingOptions } from '../pg-pool.js';
import { PrismaClient as PostgresqlClient } from './generated/postgresql/client.js';
import { PrismaClient as SqlServerClient } from './generated/sqlserver/client.js';

export type HotEngine = 'sqlserver' | 'postgresql';

/** The generated client of the engine this typecheck pass checks against (types/hot-engine-*.d.ts). */
type CheckedClient = HotEngineUnderCheck extends 'postgresql' ? PostgresqlClient : SqlServerClient;

/** Per delegate, the operations the gateway calls on the hot store, and nothing else. */
interface HotOperations {
  user: 'findUnique' | 'findMany' | 'count';
  stock: 'findUnique' | 'findMany' | 'count';
  conversation: 'findMany' | 'count';
  message: 'findMany' | 'create' | 'createMany' | 'deleteMany' | 'count' | 'aggregate';
  post: 'findMany' | 'create' | 'createMany' | 'deleteMany' | 'count' | 'aggregate';
  comment: 'findMany' | 'create' | 'createMany' | 'deleteMany' | 'count' | 'aggregate' | 'groupBy';
  postLike: 'findMany' | 'findUnique' | 'create' | 'createMany' | 'deleteMany' | 'count' | 'aggregate' | 'groupBy';
  stockPrice:
    'findMany' | 'findUnique' | 'create' | 'createMany' | 'update' | 'delete' | 'deleteMany' | 'count' | 'aggregate';
  archiveBounds: 'findUnique' | 'upsert';
}

export type HotClient = {
  readonly [Delegate in keyof HotOperations]: Pick<CheckedClient[Delegate], HotOperations[Delegate]>;
} & Pick<CheckedClient, '$transaction' | '$queryRawUnsafe' | '$executeRawUnsafe' | '$disconnect'>;
export type * as HotModels from './generated/postgresql/models.js';

/** The driver adapter for the configured hot engine. */
export function hotAdapter(store: StoreConfig, serving: ServingOptions = {}): SqlDriverAdapterFactory {
  return store.provider === 'sqlserver'
    ? mssqlAdapter(mssqlConfig(store, serving))
    : new PrismaPg(pgPoolConfig(store, serving), serving.preparedStatements ? preparedStatementNames() : undefined);
}

/**
 * @prisma/adapter-mssql (with mssql and tedious) takes about 0.3 s to load: it is loaded when
 * a SQL Server store first connects, not at every start on PostgreSQL.
 */
function mssqlAdapter(config: ReturnType<typeof mssqlConfig>): SqlDriverAdapterFactory {
  return {
    provider: 'sqlserver',
    adapterName: '@prisma/adapter-mssql',
    connect: async () => new (await import('@prisma/adapter-mssql')).PrismaMssql(config).connect(),
  };
}

/** The engine behind a driver adapter or a store's configuration. */
export function hotEngine(of: { readonly provider: string }): HotEngine {
  return of.provider === 'sqlserver' ? 'sqlserver' : 'postgresql';
}

/**
 * A hot client over `adapter`, the generated client that matches the adapter's provider (the
 * SQL Server client refuses a PostgreSQL adapter at construction, and vice versa). The one
 * conversion of this module: sound because each typecheck pass proves every HotClient call
 * against one engine's client (see the module comment).
 */
export function createHotClient(adapter: SqlDriverAdapterFactory): HotClient {
  const client =
    hotEngine(adapter) === 'sqlserver' ? new SqlServerClient({ adapter }) : new PostgresqlClient({ adapter });
  return client as unknown as HotClient;
}

export type HotTable = 'messages' | 'posts' | 'comments' | 'post_likes' | 'stock_prices';

/** Rows to restore with their own ids, by database column. */
export interface RowsWithIds {
  readonly columns: readonly string[];
  /** Each column's PostgreSQL type, for the casts of the PostgreSQL statement. */
  readonly pgTypes: readonly string[];
  readonly rows: readonly (readonly unknown[])[];
}

/** Parameters per T-SQL statement, under SQL Server's 2100. */
const SQL_SERVER_PARAMETERS = 2000;

/**
 * Writes rows with their own ids (restoring archived rows) and returns how many were written.
 * A row whose id is already there is skipped: the only conflict ignored. Any other unique
 * conflict ((post_id, user_id) of a like, (stock_id, trade_date) of a price) fails the
 * statement and, on SQL Server, the transaction: the caller's batch fails loudly.
 *
 * PostgreSQL: one INSERT ... SELECT FROM unnest(one array per column, cast to the column's
 * type; values travel as text) ON CONFLICT (id) DO NOTHING. SQL Server: its client accepts no value for an
 * IDENTITY column, and SQL Server refuses one unless IDENTITY_INSERT is on for the table in
 * the same session: parameterised INSERT ... SELECT ... WHERE NOT EXISTS (same id) in one
 * transaction between IDENTITY_INSERT ON and OFF.
 */
/**
 * What insertWithIds needs of the hot store's SQL reader (stores/sql/reader.ts, which satisfies
 * it): one write straight on the driver adapter. Declared here so that the store's client module
 * does not import the reader, which imports the store's table types.
 */
export interface AdapterWriter {
  execute(statement: { readonly sql: string; readonly args: unknown[]; readonly argTypes: ArgType[] }): Promise<number>;
}

export async function insertWithIds(
  hot: { readonly client: HotClient; readonly sql: AdapterWriter },
  engine: HotEngine,
  table: HotTable,
  data: RowsWithIds,
): Promise<number> {
  const { client } = hot;
  const width = data.columns.length;
  if (engine !== 'sqlserver') {
    // One array per column: a fixed text and few parameters whatever the row count, sent on the
    // driver adapter (SqlReader.execute), not through the Prisma client, which keeps heap for
    // large raw arguments.
    const columns = data.columns.map((column) => `"${column}"`).join(', ');
    const arrays = data.pgTypes.map((type, c) => `$${c + 1}::${type}[]`).join(', ');
    return hot.sql
      .execute({
        sql: `INSERT INTO "${table}" (${columns}) SELECT * FROM unnest(${arrays}) ON CONFLICT ("id") DO NOTHING`,
        args: data.columns.map((_, c) => data.rows.map((row) => asText(row[c]))),
        argTypes: data.columns.map(() => ({ scalarType: 'string', arity: 'list' })),
      })
      .catch((error: unknown) => {
        // The driver adapter's error names only its kind; the constraint is in its cause.
        const cause = (error as { cause?: unknown }).cause;
        throw new Error(`writing ${table} with their ids: ${String(error)} ${JSON.stringify(cause ?? {})}`, {
          cause: error,
        });
      });
  }
  const perStatement = Math.max(1, Math.floor(SQL_SERVER_PARAMETERS / width));
  const columns = data.columns.map((column) => `[${column}]`).join(', ');
  return client.$transaction(async (tx) => {
    let written = 0;
    await tx.$executeRawUnsafe(`SET IDENTITY_INSERT [dbo].[${table}] ON`);
    for (let start = 0; start < data.rows.length; start += perStatement) {
      const chunk = data.rows.slice(start, start + perStatement);
      const values = chunk
        .map((_, r) => `(${data.columns.map((__, c) => `@P${r * width + c + 1}`).join(', ')})`)
        .join(', ');
      written += await tx.$executeRawUnsafe(
        `INSERT INTO [dbo].[${table}] (${columns}) SELECT ${data.columns.map((column) => `v.[${column}]`).join(', ')} ` +
          `FROM (VALUES ${values}) AS v (${columns}) ` +
          `WHERE NOT EXISTS (SELECT 1 FROM [dbo].[${table}] t WHERE t.[id] = v.[id])`,
        ...chunk.flat(),
      );
    }
    await tx.$executeRawUnsafe(`SET IDENTITY_INSERT [dbo].[${table}] OFF`);
    return written;
  });
}

/** A value as PostgreSQL text input: instants in ISO 8601 UTC, decimals and bigints exact. */
export function asText(value: unknown): string | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string') return value;
  return (value as { toString(): string }).toString();
}
