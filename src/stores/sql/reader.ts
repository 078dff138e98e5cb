/**
 * Runs the read path's statements (select.ts) through a store's driver adapter, the same one
 * (and so the same pool, guard, timeouts and breaker) as the store's Prisma client, without
 * Prisma's query interpreter: a page costs one JSON.parse instead of a protocol row and a
 * mapped object per record.
 *
 * Rows come back with exactly the shape of the Prisma models (tables.ts): instants and days
 * as Date, decimals as Prisma Decimal, bigints as bigint; a join's fields nested under its
 * name.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { DecimalNumber } from '../decimal.js';
import { candleStatement, type CandlePartialRow, type CandleSpec } from './candles.js';
import {
  countStatement,
  groupedCountStatement,
  selectStatement,
  type Dialect,
  type PerParent,
  type SelectSpec,
  type Statement,
} from './select.js';
import type { ColumnKind } from './tables.js';

export interface SqlReader {
  readonly dialect: Dialect;
  /** The rows of a SELECT, in its order. */
  rows<Row>(spec: SelectSpec): Promise<Row[]>;
  count(spec: Pick<SelectSpec, 'table' | 'where'>): Promise<number>;
  /** The rows of a statement built elsewhere that answers one JSON value (feed.ts), revived the same way. */
  query<Row>(statement: Statement, joined?: string): Promise<Row[]>;
  /** Partial candles of some stocks, aggregated in the store (candles.ts), by (stock, period, day). */
  candles(spec: CandleSpec): Promise<CandlePartialRow[]>;
  /** The count of each parent's rows in one statement: parent value -> count, absent when 0. */
  groupedCount(spec: Pick<SelectSpec, 'table' | 'where'>, by: PerParent): Promise<Map<number, number>>;
  /** Releases the adapter it connected (a guarded factory's is shared, and released once). */
  dispose(): Promise<void>;
}

export function dialectOf(factory: Pick<SqlDriverAdapterFactory, 'provider'>): Dialect {
  return factory.provider === 'sqlserver' ? 'sqlserver' : 'postgresql';
}

export function createSqlReader(factory: SqlDriverAdapterFactory): SqlReader {
  const dialect = dialectOf(factory);
  let connected: Promise<SqlDriverAdapter> | undefined;
  const adapter = () =>
    (connected ??= factory.connect().catch((error: unknown) => {
      connected = undefined;
      throw error;
    }));
  const run = async (statement: Statement) => (await adapter()).queryRaw(statement);
  /** The rows of a statement answering one JSON value (NULL for none: FOR JSON). */
  const json = async (statement: Statement, joined?: string) => {
    const result = await run(statement);
    const text = result.rows[0]?.[0];
    if (text === null || text === undefined) return [];
    const rows = JSON.parse(text as string) as Record<string, unknown>[];
    return revive(rows, statement.kinds, joined, dialect);
  };
  return {
    dialect,
    async rows<Row>(spec: SelectSpec): Promise<Row[]> {
      return (await json(selectStatement(dialect, spec), spec.join?.as)) as Row[];
    },
    async candles(spec) {
      return (await json(candleStatement(dialect, spec))) as unknown as CandlePartialRow[];
    },
    async query<Row>(statement: Statement, joined?: string): Promise<Row[]> {
      const result = await run(statement);
      const text = result.rows[0]?.[0];
      if (text === null || text === undefined) return [];
      return revive(JSON.parse(text as string) as Record<string, unknown>[], statement.kinds, joined, dialect) as Row[];
    },
    async count(spec) {
      const result = await run(countStatement(dialect, spec));
      return Number(result.rows[0]?.[0] ?? 0);
    },
    async groupedCount(spec, by) {
      const result = await run(groupedCountStatement(dialect, { ...spec, by }));
      return new Map(result.rows.map((row) => [Number(row[0]), Number(row[1])]));
    },
    async dispose() {
      if (connected) await (await connected).dispose();
    },
  };
}

/** Parses the fields JSON cannot carry, and nests a join's fields under its name. */
function revive(
  rows: Record<string, unknown>[],
  kinds: Readonly<Record<string, ColumnKind>>,
  joined: string | undefined,
  dialect: Dialect,
): Record<string, unknown>[] {
  const parsed = Object.entries(kinds).filter(([, kind]) => kind !== 'int' && kind !== 'text' && kind !== 'boolean');
  const nested = joined ? Object.keys(kinds).filter((field) => field.startsWith(`${joined}$`)) : [];
  for (const row of rows) {
    for (const [field, kind] of parsed) row[field] = parse(row[field], kind, dialect);
    if (joined) {
      const inner: Record<string, unknown> = {};
      for (const field of nested) inner[field.slice(joined.length + 1)] = row[field];
      row[joined] = inner;
    }
  }
  return rows;
}

function parse(value: unknown, kind: ColumnKind, dialect: Dialect): unknown {
  if (value === null || value === undefined) return null;
  switch (kind) {
    // TIMESTAMPTZ arrives with its offset; DATETIME2 (UTC by this schema's convention) without.
    case 'instant':
      return new Date(dialect === 'postgresql' ? (value as string) : `${value as string}Z`);
    case 'day':
      return new Date(`${(value as string).slice(0, 10)}T00:00:00.000Z`);
    case 'decimal':
      return new DecimalNumber(value as string);
    case 'bigint':
      return BigInt(value as string);
    default:
      return value;
  }
}
