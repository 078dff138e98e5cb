/**
 * Candles of several stocks over one range: one aggregate statement per store, whatever the
 * number of stocks (up to MAX_BATCH_SIZE ids), then the partials combined (candle-merge.ts).
 *
 * Where the rows can be, from the archive bounds (archival/bounds.ts), in trade days (prices
 * move by trade date: cold holds the days before the cutoff's day):
 * - the hot store is not read for a range ending before `hotFrom`, nor the cold store for one
 *   starting at or after the `coldBefore` the hot statement read: the store skipping of
 *   `Stock.prices`;
 * - the cold store's days are read below `coldBefore` only, the range it provably holds, so a
 *   day a newer run has copied to cold since the bounds were read (and not yet deleted from
 *   hot: archival waits longer than the bounds' cache) is counted from hot alone;
 * - days in [hotFrom, coldBefore) may be in both stores (an archival run in progress, or one
 *   that failed): the stores aggregate those one day each, and the merge keeps each day once.
 *   When either bound is unknown (no run yet, a restore since, stale bounds), that window is
 *   open on that side: correct whatever the stores hold, at the price of a row per day there.
 * The hot store is read first, then the cold store: a row that archival moves between the
 * two reads is found in cold (it commits to cold before deleting from hot), like a page.
 *
 * The bounds are the cached ones (up to BOUNDS_TTL_MS old), and runs move rows without a
 * delay, so the cold statement also reads what the runs say now (RUN_STATE_SQL). When a run
 * started since these bounds (an archival cutoff above their `coldBefore`: days it moved from
 * hot would be missing from the hot read and clipped from the cold one; or a restore newer
 * than their `restoredThrough`: days it moved to hot after the hot read), the candles are read
 * again the slow, sure way (`reread`). The cold store is skipped only for a range that starts
 * at or after the `coldBefore` read in the hot statement itself, never the cached one.
 */
import { utcDay, type Bounds } from '../../archival/bounds.js';
import type { CandlePartialRow, CandleSpec } from '../../stores/sql/candles.js';
import type { SqlReader } from '../../stores/sql/reader.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { UNITS } from './candle-periods.js';
import type { CandleRange } from './candle-range.js';
import { mergeCandles } from './candle-merge.js';
import { pageHooks } from '../pagination/stitched-page.js';
import type { CandleType } from './candle-type.js';
import { StoreUnavailableError } from '../../stores/errors.js';

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
  const both =
    readHot && coldSql !== null && !(hotFrom !== undefined && coldBefore !== undefined && hotFrom >= coldBefore);
  const spec = {
    stockIds,
    unit: UNITS[range.interval],
    from: range.from,
    to: range.to,
    perDay: both ? { from: hotFrom, before: coldBefore } : undefined,
  } satisfies Omit<CandleSpec, 'table'>;

  const partials: CandlePartialRow[] = [];
  // The bounds read with the hot rows, fresh for them: a range from their coldBefore on is in
  // hot alone (a run that moves its days later moves only days this read has).
  let readCold = coldSql !== null;
  if (readHot) {
    const hot = await hotSql.candlesWithBounds({ ...spec, table: hotTables.prices });
    partials.push(...hot.rows);
    const fresh = hot.bounds?.coldBefore;
    if (fresh && range.from >= utcDay(fresh)) readCold = false;
  }
  await pageHooks.afterHotRead?.(); // a test's stall between the two reads, as for pages
  if (coldSql && readCold) {
    const cold = await coldSql.candlesWithRunState({ ...spec, table: coldTables.prices, before: coldBefore });
    const restored = bounds.restoredThrough ?? null;
    const newerRestore = cold.runs.latestRestore !== null && (restored === null || cold.runs.latestRestore > restored);
    const newerCutoff =
      cold.runs.coldBefore !== null && (coldBefore === undefined || utcDay(cold.runs.coldBefore) > coldBefore);
    if (newerRestore || (newerCutoff && coldBefore !== undefined)) {
      return reread({ hotSql, coldSql }, spec, stockIds, cold.runs.newestRun);
    }
    partials.push(...cold.rows);
  }
  const byStock = mergeCandles(partials);
  return stockIds.map((id) => byStock.get(id) ?? []);
}

/** How many times `reread` starts again while runs keep starting under it before giving up. */
const MAX_REREADS = 4;

/**
 * The candles read while runs may be moving rows either way: every day on its own, read from
 * hot, then cold, then hot again, each day kept once (the later hot read's first). A row that
 * archival moves during the reads is in the first hot read or in cold; one that a restore
 * moves is in cold or in the second hot read. Moves both ways need two runs, one after the
 * other (the archival lock): when a run was recorded after the reads began (`newestRun`,
 * the newest one recorded before them), the reads start again.
 */
async function reread(
  { hotSql, coldSql }: { readonly hotSql: SqlReader; readonly coldSql: SqlReader },
  spec: Omit<CandleSpec, 'table'>,
  stockIds: readonly number[],
  newestRun: number | null,
): Promise<CandleType[][]> {
  const everyDay = { ...spec, perDay: {} };
  let seen = newestRun;
  for (let round = 0; round < MAX_REREADS; round += 1) {
    const firstHot = await hotSql.candles({ ...everyDay, table: hotTables.prices });
    await pageHooks.afterHotRead?.();
    const cold = await coldSql.candlesWithRunState({ ...everyDay, table: coldTables.prices });
    const secondHot = await hotSql.candles({ ...everyDay, table: hotTables.prices });
    const newest = await coldSql.newestRun();
    // Sound when one run at most moved rows during the reads: the newest run recorded before
    // the first hot read is still the newest after the second.
    if (cold.runs.newestRun === seen && newest === seen) {
      const byStock = mergeCandles([...secondHot, ...firstHot, ...cold.rows]);
      return stockIds.map((id) => byStock.get(id) ?? []);
    }
    seen = newest;
  }
  throw new StoreUnavailableError('cold', 'timeout');
}
