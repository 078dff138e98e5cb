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
import { withSlot, type Share } from '../statement-share.js';
import { coalescing, type Run } from './coalesce.js';
import { candleStatement, type CandlePartialRow, type CandleSpec, type RunState } from './candles.js';
import {
  countStatement,
  groupedCountStatement,
  selectStatement,
  type Dialect,
  type PerParent,
  type PublishedBounds,
  type SelectSpec,
  type Statement,
} from './select.js';
import type { ColumnKind } from './tables.js';

export interface SqlReader {
  readonly dialect: Dialect;
  /** The rows of a SELECT, in its order. */
  rows<Row>(spec: SelectSpec): Promise<Row[]>;
  /**
   * The rows of a SELECT and the archive bounds published in the hot store, read by the same
   * statement (`withBounds`); `bounds` is undefined when the store has no published row.
   */
  rowsWithBounds<Row>(spec: SelectSpec): Promise<{ rows: Row[]; bounds: PublishedBounds | undefined }>;
  /**
   * The rows of a SELECT on the cold store and the id of the newest restore recorded there,
   * read by the same statement (`withLatestRestore`); null when none was ever recorded.
   */
  rowsWithLatestRestore<Row>(spec: SelectSpec): Promise<{ rows: Row[]; latestRestore: number | null }>;
  count(spec: Pick<SelectSpec, 'table' | 'where'>): Promise<number>;
  /** The rows of a statement built elsewhere that answers one JSON value (feed.ts), revived the same way. */
  query<Row>(statement: Statement, joined?: string): Promise<Row[]>;
  /**
   * A write statement straight on the driver adapter; returns the rows it affected. For bulk
   * writes whose parameters are large (a restore's arrays of rows): through the Prisma client,
   * a raw statement's arguments cost far more time and heap.
   */
  execute(statement: Pick<Statement, 'sql' | 'args' | 'argTypes'>): Promise<number>;
  /** Partial candles of some stocks, aggregated in the store (candles.ts), by (stock, period, day). */
  candles(spec: CandleSpec): Promise<CandlePartialRow[]>;
  /** `candles` on the cold store, with the newest restore recorded there, read by the same statement. */
  candlesWithRunState(spec: CandleSpec): Promise<{ rows: CandlePartialRow[]; runs: RunState }>;
  /** Partial candles and the bounds published in the hot store, read by the same statement. */
  candlesWithBounds(spec: CandleSpec): Promise<{ rows: CandlePartialRow[]; bounds: PublishedBounds | undefined }>;
  /** The newest run of any kind recorded in the cold store (RUN_STATE_SQL's newestRun); null: none. */
  newestRun(): Promise<number | null>;
  /** The count of each parent's rows in one statement: parent value -> count, absent when 0. */
  groupedCount(spec: Pick<SelectSpec, 'table' | 'where'>, by: PerParent): Promise<Map<number, number>>;
  /**
   * A reader of the same store for one request: the statements it is asked for in one turn of
   * the event loop are sent as one (coalesce.ts), each holding a slot of the request's `share`
   * while it runs (statement-share.ts; none without one). Its `dispose` releases nothing; a
   * request's reader answers itself.
   */
  forRequest(share?: Share): SqlReader;
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
  const run: Run = async (statement) => (await adapter()).queryRaw(statement);
  const execute = async (statement: Pick<Statement, 'sql' | 'args' | 'argTypes'>) =>
    (await adapter()).executeRaw(statement);
  const dispose = async () => {
    if (connected) await (await connected).dispose();
  };
  return readerOver(dialect, run, execute, dispose, false);
}

function readerOver(
  dialect: Dialect,
  run: Run,
  execute: SqlReader['execute'],
  dispose: () => Promise<void>,
  perRequest: boolean,
): SqlReader {
  /**
   * A statement answering its rows as one JSON value in its first column (NULL for none: FOR
   * JSON), revived; `columns` is the whole first result row, for the columns after it.
   */
  const jsonRows = async (statement: Statement, joined?: string) => {
    const result = await run(statement);
    const columns = result.rows[0] ?? [];
    const text = columns[0];
    const rows =
      text === null || text === undefined
        ? []
        : revive(JSON.parse(text as string) as Record<string, unknown>[], statement.kinds, joined, dialect);
    return { rows, columns };
  };
  const json = async (statement: Statement, joined?: string) => (await jsonRows(statement, joined)).rows;
  /** Rows and the columns after them (`withBounds`, `withLatestRestore`): the same one snapshot. */
  const read = async <Row>(spec: SelectSpec) => {
    const { rows, columns } = await jsonRows(selectStatement(dialect, spec), spec.join?.as);
    const boundsText = spec.withBounds ? columns[1] : undefined;
    const latest = spec.withLatestRestore ? columns[spec.withBounds ? 2 : 1] : undefined;
    return {
      rows: rows as Row[],
      bounds: boundsText == null ? undefined : reviveBounds(boundsText),
      latestRestore: latest == null ? null : Number(latest),
    };
  };
  /** Partial candles and the column after them, from one statement. */
  const candlesAnd = async (spec: CandleSpec) => {
    const { rows, columns } = await jsonRows(candleStatement(dialect, spec));
    return { rows: rows as unknown as CandlePartialRow[], second: columns[1] };
  };
  const reader: SqlReader = {
    dialect,
    async rows<Row>(spec: SelectSpec): Promise<Row[]> {
      return (await json(selectStatement(dialect, spec), spec.join?.as)) as Row[];
    },
    async candles(spec) {
      return (await json(candleStatement(dialect, spec))) as unknown as CandlePartialRow[];
    },
    async candlesWithRunState(spec) {
      const { rows, second } = await candlesAnd({ ...spec, withRunState: true });
      return { rows, runs: reviveRunState(second) };
    },
    async candlesWithBounds(spec) {
      const { rows, second } = await candlesAnd({ ...spec, withBounds: true });
      return { rows, bounds: second == null ? undefined : reviveBounds(second) };
    },
    async newestRun() {
      const result = await run({
        sql: 'SELECT max(id) FROM archival_runs WHERE NOT dry_run',
        args: [],
        argTypes: [],
        kinds: {},
        columns: 1,
      });
      const newest = result.rows[0]?.[0];
      return newest == null ? null : Number(newest);
    },
    async query<Row>(statement: Statement, joined?: string): Promise<Row[]> {
      return (await json(statement, joined)) as Row[];
    },
    async rowsWithBounds<Row>(spec: SelectSpec) {
      const { rows, bounds } = await read<Row>({ ...spec, withBounds: true });
      return { rows, bounds };
    },
    async rowsWithLatestRestore<Row>(spec: SelectSpec) {
      const { rows, latestRestore } = await read<Row>({ ...spec, withLatestRestore: true });
      return { rows, latestRestore };
    },
    async count(spec) {
      const result = await run(countStatement(dialect, spec));
      return Number(result.rows[0]?.[0] ?? 0);
    },
    execute,
    async groupedCount(spec, by) {
      const rows = (await json(groupedCountStatement(dialect, { ...spec, by }))) as { k: number; n: number }[];
      return new Map(rows.map((row) => [Number(row.k), Number(row.n)]));
    },
    forRequest: (share) =>
      perRequest
        ? reader
        : readerOver(
            dialect,
            coalescing(dialect, (statement) => withSlot(share, () => run(statement))),
            (statement) => withSlot(share, () => execute(statement)),
            async () => undefined,
            true,
          ),
    dispose,
  };
  return reader;
}

/** archive_bounds holds UTC instants without an offset on both engines (DATETIME2, timestamp(3)). */
function reviveBounds(value: unknown): PublishedBounds {
  const parsed = (typeof value === 'string' ? JSON.parse(value) : value) as Record<string, string | null>;
  const instant = (text: string | null | undefined) =>
    text == null ? null : new Date(/(Z|[+-]\d\d:?\d\d)$/.test(text) ? text : `${text}Z`);
  const restored = parsed.restoredThrough as unknown;
  return {
    coldBefore: instant(parsed.coldBefore),
    hotFrom: instant(parsed.hotFrom),
    restoredThrough: restored == null ? null : Number(restored),
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

/** RUN_STATE_SQL's column: a JSON object (node-postgres parses json columns). */
function reviveRunState(value: unknown): RunState {
  const state = (typeof value === 'string' ? JSON.parse(value) : (value ?? {})) as Record<string, unknown>;
  const id = (v: unknown) => (v === null || v === undefined ? null : Number(v));
  return {
    latestRestore: id(state.latestRestore),
    coldBefore:
      typeof state.coldBefore === 'string'
        ? new Date(/(Z|[+-]\d\d:?\d\d)$/.test(state.coldBefore) ? state.coldBefore : `${state.coldBefore}Z`)
        : null,
    newestRun: id(state.newestRun),
  };
}
