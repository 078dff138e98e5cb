/**
 * The candle statement: a store's daily prices aggregated per (stock, interval) in the store
 * itself, so a candle costs the gateway one JSON object per store however many days it spans.
 *
 * Each row is a partial candle: the aggregates of the days one store holds for one stock in
 * one interval (open of its first day, close of its last, high/low extremes, volume and
 * turnover sums, its day count). The gateway combines the partials of both stores
 * (graphql/candle/candle-merge.ts), which is exact because every aggregate here is one whose
 * partials combine: first/last by date, min/max, sums.
 *
 * `perDay` names the days that may be held by both stores at once (between archival's cold
 * commit and its hot delete): those are grouped one day each (`day` set), so the gateway can
 * keep a day once before combining. Every other day is grouped per interval (`day` null).
 *
 * Intervals are calendar intervals in UTC (DATE columns have no zone): ISO weeks from Monday,
 * months, quarters, years; `period` is the interval's first day.
 * - PostgreSQL: `date_trunc(unit, trade_date::timestamp)::date` (a timestamp without zone, so
 *   the session's TimeZone cannot move a day); open and close as
 *   `(array_agg(open ORDER BY trade_date))[1]`.
 * - SQL Server: the first day from DATEFROMPARTS, the week's Monday from the day count since
 *   1900-01-01 (a Monday; independent of DATEFIRST and the language); open and close as the
 *   MIN / MAX of `YYYYMMDD` + the price as text, whose first 8 characters order by date (a
 *   stock has one row per date), the price read back from character 9.
 * Decimals and sums travel as text, like every other statement of the read path (select.ts).
 */
import type { DecimalNumber } from '../decimal.js';
import { BOUNDS_COLUMN, Builder, MAIN, type Condition, type Dialect, type Statement } from './select.js';
import type { ColumnKind, Table } from './tables.js';

type Decimal = InstanceType<typeof DecimalNumber>;

export type CandleUnit = 'week' | 'month' | 'quarter' | 'year';

/** The price columns the statement reads, in either store's table. */
export interface PriceRow {
  readonly stockId: number;
  readonly tradeDate: Date;
  readonly open: unknown;
  readonly high: unknown;
  readonly low: unknown;
  readonly close: unknown;
  readonly volume: unknown;
  readonly turnover: unknown;
}

export interface CandleSpec {
  readonly table: Table<PriceRow>;
  readonly stockIds: readonly number[];
  readonly unit: CandleUnit;
  /** Inclusive bounds on the trade date, YYYY-MM-DD. */
  readonly from?: string;
  readonly to?: string;
  /** Exclusive upper bound on the trade date (the cold store's side of the archive watermark). */
  readonly before?: string;
  /** Days grouped one by one: [from, before), either end open when absent. No such days when absent. */
  readonly perDay?: { readonly from?: string; readonly before?: string };
  /**
   * Also, as a second column, what the cold store's runs say now (RUN_STATE_SQL): the newest
   * restore, the highest archival cutoff (today's coldBefore) and the newest run of any kind.
   */
  readonly withRunState?: boolean;
  /** Also, as a second column, the bounds published in the hot store (select.ts BOUNDS_COLUMN). */
  readonly withBounds?: boolean;
}

/** One store's aggregate of one stock's days in one interval (or of one day, `day` set). */
export interface CandlePartialRow {
  readonly stockId: number;
  /** The interval's first day, YYYY-MM-DD. */
  readonly period: string;
  /** The day, when this row is a single day that may also be in the other store. */
  readonly day: string | null;
  readonly firstTradeDate: string;
  readonly lastTradeDate: string;
  readonly open: Decimal | null;
  readonly high: Decimal | null;
  readonly low: Decimal | null;
  readonly close: Decimal | null;
  readonly volume: bigint | null;
  readonly turnover: bigint | null;
  readonly tradingDays: number;
}

/** Dates are kept as their YYYY-MM-DD text. */
const KINDS: Readonly<Record<keyof CandlePartialRow, ColumnKind>> = {
  stockId: 'int',
  period: 'text',
  day: 'text',
  firstTradeDate: 'text',
  lastTradeDate: 'text',
  open: 'decimal',
  high: 'decimal',
  low: 'decimal',
  close: 'decimal',
  volume: 'bigint',
  turnover: 'bigint',
  tradingDays: 'int',
};

const PRICE_FIELDS = ['open', 'high', 'low', 'close', 'volume', 'turnover'] as const;

export function candleStatement(dialect: Dialect, spec: CandleSpec): Statement {
  const b = new Builder(dialect);
  const pg = dialect === 'postgresql';
  const col = (field: string) => b.column(spec.table, MAIN, field).sql;
  const tradeDate = col('tradeDate');
  const where: Condition[] = [
    { field: 'stockId', op: 'in', values: spec.stockIds },
    ...(spec.from ? [{ field: 'tradeDate', op: '>=', value: spec.from } as const] : []),
    ...(spec.to ? [{ field: 'tradeDate', op: '<=', value: spec.to } as const] : []),
    ...(spec.before ? [{ field: 'tradeDate', op: '<', value: spec.before } as const] : []),
  ];
  const predicates = b.predicates(spec.table, where);
  const day = dayExpression(b, tradeDate, spec.perDay, pg);
  const q = (name: string) => b.quote(name);
  const inner =
    `SELECT ${col('stockId')} AS ${q('stock_id')}, ${periodExpression(spec.unit, tradeDate, pg)} AS ${q('period')}, ` +
    `${day} AS ${q('day')}, ${tradeDate} AS ${q('trade_date')}, ` +
    PRICE_FIELDS.map((field) => `${col(field)} AS ${q(field)}`).join(', ') +
    ` FROM ${b.from(spec.table)} WHERE ${predicates.join(' AND ')}`;
  const d = (name: string) => `d.${q(name)}`;
  const text = (sql: string) => (pg ? `(${sql})::text` : `CAST(${sql} AS nvarchar(40))`);
  const firstOrLast = (field: string, last: boolean) =>
    pg
      ? `((array_agg(${d(field)} ORDER BY ${d('trade_date')}${last ? ' DESC' : ''}))[1])::text`
      : `NULLIF(SUBSTRING(${last ? 'MAX' : 'MIN'}(CONVERT(nchar(8), ${d('trade_date')}, 112) + COALESCE(CAST(${d(field)} AS nvarchar(40)), N'')), 9, 40), N'')`;
  const groups = [d('stock_id'), d('period'), d('day')];
  const selected = [
    `${d('stock_id')} AS ${q('stockId')}`,
    `${d('period')} AS ${q('period')}`,
    `${d('day')} AS ${q('day')}`,
    `${pg ? 'min' : 'MIN'}(${d('trade_date')}) AS ${q('firstTradeDate')}`,
    `${pg ? 'max' : 'MAX'}(${d('trade_date')}) AS ${q('lastTradeDate')}`,
    `${firstOrLast('open', false)} AS ${q('open')}`,
    `${text(`${pg ? 'max' : 'MAX'}(${d('high')})`)} AS ${q('high')}`,
    `${text(`${pg ? 'min' : 'MIN'}(${d('low')})`)} AS ${q('low')}`,
    `${firstOrLast('close', true)} AS ${q('close')}`,
    `${text(`${pg ? 'sum' : 'SUM'}(${d('volume')})`)} AS ${q('volume')}`,
    `${text(`${pg ? 'sum' : 'SUM'}(${d('turnover')})`)} AS ${q('turnover')}`,
    `${pg ? 'count(*)::int' : 'COUNT(*)'} AS ${q('tradingDays')}`,
  ].join(', ');
  const aggregate = `SELECT ${selected} FROM (${inner}) d GROUP BY ${groups.join(', ')}`;
  if (spec.withRunState && !pg) throw new Error('withRunState reads the cold store (PostgreSQL) only');
  const after = spec.withRunState ? `, ${RUN_STATE_SQL}` : spec.withBounds ? `, ${BOUNDS_COLUMN[dialect]}` : '';
  const sql = pg
    ? `SELECT coalesce(json_agg(c ORDER BY c."stockId", c."period", c."day"), '[]') AS rows${after} FROM (${aggregate}) c`
    : `SELECT (${aggregate} ORDER BY ${groups.join(', ')} FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]${after}`;
  return { sql, ...b.bound(), kinds: KINDS, columns: after ? 2 : 1 };
}

/**
 * Every run is recorded in the cold store before it moves a row (archival/recorded-run.ts), so
 * these, read in the cold statement, tell a reader whether a run started since its bounds.
 */
export const RUN_STATE_SQL = `(SELECT json_build_object(
    'latestRestore', max(id) FILTER (WHERE kind = 'RESTORE'),
    'coldBefore', max(cutoff) FILTER (WHERE kind = 'ARCHIVE'),
    'newestRun', max(id)) FROM archival_runs WHERE NOT dry_run) AS run_state`;

/** What RUN_STATE_SQL answers. */
export interface RunState {
  readonly latestRestore: number | null;
  readonly coldBefore: Date | null;
  readonly newestRun: number | null;
}

function periodExpression(unit: CandleUnit, day: string, pg: boolean): string {
  if (pg) return `date_trunc('${unit}', ${day}::timestamp)::date`;
  switch (unit) {
    case 'week':
      // 1900-01-01 was a Monday; the double modulo keeps days before it in their own week.
      return `DATEADD(day, -((DATEDIFF(day, CAST('19000101' AS date), ${day}) % 7 + 7) % 7), ${day})`;
    case 'month':
      return `DATEFROMPARTS(YEAR(${day}), MONTH(${day}), 1)`;
    case 'quarter':
      return `DATEFROMPARTS(YEAR(${day}), (DATEPART(quarter, ${day}) - 1) * 3 + 1, 1)`;
    case 'year':
      return `DATEFROMPARTS(YEAR(${day}), 1, 1)`;
  }
}

function dayExpression(b: Builder, day: string, perDay: CandleSpec['perDay'], pg: boolean): string {
  if (!perDay) return pg ? 'NULL::date' : 'CAST(NULL AS date)';
  const inWindow = [
    ...(perDay.from ? [`${day} >= ${b.bind(perDay.from, 'day')}`] : []),
    ...(perDay.before ? [`${day} < ${b.bind(perDay.before, 'day')}`] : []),
  ];
  return inWindow.length === 0 ? day : `CASE WHEN ${inWindow.join(' AND ')} THEN ${day} END`;
}
