/**
 * Candles of several stocks over one range: one aggregate statement per store, whatever the
 * number of stocks (up to MAX_BATCH_SIZE ids), then the partials combined (candle-merge.ts).
 *
 * Where the rows can be, from the archive bounds (archival/bounds.ts), in trade days (prices
 * move by trade date: cold holds the days before the cutoff's day):
 * - the hot store is not read for a range ending before `hotFrom`, nor the cold store for one
 *   starting at or after `coldBefore`: the store skipping of `Stock.prices`;
 * - the cold store's days are read below `coldBefore` only, the range it provably holds, so a
 *   day a newer run has copied to cold since the bounds were read (and not yet deleted from
 *   hot: archival waits longer than the bounds' cache) is counted from hot alone;
 * - days in [hotFrom, coldBefore) may be in both stores (an archival run in progress, or one
 *   that failed): the stores aggregate those one day each, and the merge keeps each day once.
 *   When either bound is unknown (no run yet, a restore since, stale bounds), that window is
 *   open on that side: correct whatever the stores hold, at the price of a row per day there.
 * The hot store is read first, then the cold store: a row that archival moves between the
 * two reads is found in cold (it commits to cold before deleting from hot), like a page.
 */
import { utcDay, type Bounds } from '../../archival/bounds.js';
import type { CandlePartialRow, CandleSpec } from '../../stores/sql/candles.js';
import type { SqlReader } from '../../stores/sql/reader.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { UNITS } from './candle-periods.js';
import type { CandleRange } from './candle-range.js';
import { mergeCandles } from './candle-merge.js';
import type { CandleType } from './candle-type.js';

export interface CandleReaders {
  readonly hotSql: SqlReader;
  /** Null in single-store mode. */
  readonly coldSql: SqlReader | null;
}

export async function readCandles(
  { hotSql, coldSql }: CandleReaders,
  range: CandleRange,
  bounds: Bounds,
  stockIds: readonly number[],
): Promise<CandleType[][]> {
  const coldBefore = !bounds.stale && bounds.coldBefore ? utcDay(bounds.coldBefore) : undefined;
  const hotFrom = bounds.hotFrom ? utcDay(bounds.hotFrom) : undefined;
  const readHot = !(hotFrom !== undefined && range.to !== undefined && range.to < hotFrom);
  const readCold = coldSql !== null && !(coldBefore !== undefined && range.from >= coldBefore);
  const both = readHot && readCold && !(hotFrom !== undefined && coldBefore !== undefined && hotFrom >= coldBefore);
  const spec = {
    stockIds,
    unit: UNITS[range.interval],
    from: range.from,
    to: range.to,
    perDay: both ? { from: hotFrom, before: coldBefore } : undefined,
  } satisfies Omit<CandleSpec, 'table'>;

  const partials: CandlePartialRow[] = [];
  if (readHot) partials.push(...(await hotSql.candles({ ...spec, table: hotTables.prices })));
  if (readCold) partials.push(...(await coldSql.candles({ ...spec, table: coldTables.prices, before: coldBefore })));
  const byStock = mergeCandles(partials);
  return stockIds.map((id) => byStock.get(id) ?? []);
}
