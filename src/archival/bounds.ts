/**
 * What the archive says about where rows can be, for the read path to skip a store. Both are
 * bounds on the rows the stores actually hold, in every reachable state (whatever runs,
 * restores, dry runs, cancels, crashes and writes came before):
 *
 * - `coldBefore`: every cold row's sort key is older than this: the highest cutoff of any
 *   archival run that ever started (BOUNDS_SQL). Only archival (keys older than its cutoff,
 *   recorded before it copies a row) and recordStockPrices (days before that cutoff's day) put
 *   rows into cold; restore only takes them out. So it never decreases, which is what lets a
 *   reader trust bounds read at or after its hot read (below).
 * - `hotFrom`: no hot message, post or price (by day) is older than this. It is computed from
 *   the hot rows themselves (HOT_MIN: the oldest of each table), never from the runs: a restore
 *   puts old rows back, a changed row may stay behind a run. It is capped by `coldBefore`,
 *   because every other writer puts into hot only keys at or after that (new rows are dated
 *   now; recordStockPrices sends older days to cold), so a concurrent write never falls below
 *   it; and it is null while `coldBefore` is (recordStockPrices then writes any day to hot).
 *   A restore lowers it to its range's start before it copies a row (`publishBounds` with
 *   `restoreFrom`); archival only deletes hot rows, so the value published at its start stays
 *   true until it publishes a higher one at its end.
 * - `restoredThrough`: the id (archival_runs, cold) of the newest restore that has ended, so
 *   whose cold deletes are all done; a restore still running is left out (RESTORED_SQL). Every
 *   restore is recorded in cold before it copies a row, so a cold statement that finds no
 *   newer restore there (stores/sql/select.ts, `withLatestRestore`) knows that no row left
 *   cold for hot since these bounds were read.
 *
 * The run holding the archival lock publishes them to the hot store's one-row archive_bounds
 * table (recorded-run.ts): at its start, before it moves a row, and at its end whatever the
 * outcome. A hot store without the row (before the first run after an upgrade; data loaded by
 * hand) is read from archival_runs itself, `hotFrom` then from the hot rows as above.
 *
 * Freshness (README.md, "How a page reads two stores"): a decision to skip the cold store uses
 * the bounds read in the same hot statement as the hot page (SelectSpec.withBounds), never a
 * cached value, so it holds for exactly the rows that page read, however long the reader
 * stalls before or after. `get` answers a per-process cache (BOUNDS_TTL_MS), used only to decide
 * whether to read the hot store at all (`hotFrom`, which only a restore lowers) and for what the
 * hot store alone cannot tell (cut a page short when the cold store fails). Restore's direction
 * (cold to hot) is checked after the cold read instead: when the cold statement finds a restore
 * newer than the `restoredThrough` the page decided by, the page reads its hot window again
 * (stitched-page.ts), so no delay between a restore's hot copy and its cold delete is needed.
 *
 * `get` never fails: when the bounds cannot be read it answers the last ones it knew (or
 * nothing known), marked `stale`. Readers then never skip the cold store by a stale
 * `coldBefore`; they only use it to cut a page short when the cold store fails
 * (stitched-page.ts).
 */
import type pg from 'pg';
import type { ColdClient } from '../stores/cold/index.js';
import type { HotClient } from '../stores/hot/index.js';

export const BOUNDS_TTL_MS = 2_000;

export interface Bounds {
  /** Null when no run ever started: nothing is known, so the cold store is always read. */
  readonly coldBefore: Date | null;
  /** Null before the first successful run. */
  readonly hotFrom: Date | null;
  /** The newest restore that has ended (its archival_runs id); null or absent: none known. */
  readonly restoredThrough?: number | null;
  /** The cold store could not be read: these are the last bounds known, possibly outdated. */
  readonly stale?: boolean;
}

export interface ArchiveBounds {
  get(): Promise<Bounds>;
  /** Drops the cached value (the process that runs archival calls it at once). */
  invalidate(): void;
}

/**
 * `coldBefore` from the cold store's runs. Their history says nothing true about the oldest
 * hot row (a restore or a row changed during a run may have left older ones), so `hot_from` is
 * unknown here; only `publishBounds` computes it, from the hot rows.
 */
const BOUNDS_SQL = `
  SELECT max(cutoff) FILTER (WHERE kind = 'ARCHIVE') AS cold_before, NULL::timestamptz AS hot_from,
    max(id) FILTER (WHERE kind = 'RESTORE' AND status <> 'RUNNING') AS restored_through
  FROM archival_runs WHERE NOT dry_run`;

interface BoundsRow {
  readonly cold_before: Date | null;
  readonly restored_through: number | null;
}

/** The one row of archive_bounds. */
const BOUNDS_ROW = 1;

export function createArchiveBounds(
  stores: { readonly hot: HotClient; readonly cold: ColdClient },
  ttlMs = BOUNDS_TTL_MS,
  now: () => number = Date.now,
): ArchiveBounds {
  let cached: { readonly at: number; readonly value: Promise<Bounds> } | undefined;
  let lastKnown: Bounds = { coldBefore: null, hotFrom: null };
  const load = async (): Promise<Bounds> => {
    const published = await stores.hot.archiveBounds.findUnique({
      where: { id: BOUNDS_ROW },
      select: { coldBefore: true, hotFrom: true, restoredThrough: true },
    });
    if (published) {
      lastKnown = {
        coldBefore: published.coldBefore,
        hotFrom: published.hotFrom,
        restoredThrough: published.restoredThrough,
      };
      return lastKnown;
    }
    const [row] = await stores.cold.$queryRawUnsafe<BoundsRow[]>(BOUNDS_SQL);
    const coldBefore = row?.cold_before ?? null;
    lastKnown = {
      coldBefore,
      hotFrom: await hotFromRows(stores.hot, coldBefore),
      restoredThrough: row?.restored_through ?? null,
    };
    return lastKnown;
  };
  return {
    get() {
      if (!cached || now() - cached.at >= ttlMs) {
        const value = load().catch((): Bounds => {
          // A failed load is not cached: the next reader tries again.
          if (cached?.value === value) cached = undefined;
          return { ...lastKnown, stale: true };
        });
        cached = { at: now(), value };
      }
      return cached.value;
    },
    invalidate() {
      cached = undefined;
    },
  };
}

/**
 * Recomputes the bounds (coldBefore from archival_runs on the run's own cold connection,
 * hotFrom from the hot rows) and publishes them to the hot store, where readers find them with
 * their hot page. Called only by the run holding the archival lock, so nothing else puts old
 * rows into hot meanwhile: at the start of a run, before it moves a row (a restore passes the
 * start of its range, where the rows it copies begin), and at its end.
 */
export async function publishBounds(
  hot: HotClient,
  cold: pg.Client,
  options: { readonly restoreFrom?: Date } = {},
): Promise<Bounds> {
  const { rows } = await cold.query<BoundsRow>(BOUNDS_SQL);
  const coldBefore = rows[0]?.cold_before ?? null;
  const bounds = {
    coldBefore,
    hotFrom: await hotFromRows(hot, coldBefore, options.restoreFrom),
    // At a restore's start its own run is RUNNING, so left out: it has not finished deleting.
    restoredThrough: rows[0]?.restored_through ?? null,
  };
  const data = { ...bounds, updatedAt: new Date() };
  await hot.archiveBounds.upsert({ where: { id: BOUNDS_ROW }, create: { id: BOUNDS_ROW, ...data }, update: data });
  return bounds;
}

/**
 * `hotFrom` for the hot rows as they are: the oldest of them, capped by `coldBefore` (what
 * other writers may add meanwhile starts there) and by `also` (where a restore's rows start);
 * null while `coldBefore` is.
 */
async function hotFromRows(hot: HotClient, coldBefore: Date | null, also?: Date): Promise<Date | null> {
  if (coldBefore === null) return null;
  const oldest = [coldBefore, ...(await oldestHotKeys(hot)), ...(also ? [also] : [])];
  return new Date(Math.min(...oldest.map((d) => d.getTime())));
}

/** The oldest key of each hot table the bounds speak for. */
async function oldestHotKeys(hot: HotClient): Promise<Date[]> {
  const [messages, posts, prices] = await Promise.all([
    hot.message.aggregate({ _min: { createdAt: true } }),
    hot.post.aggregate({ _min: { createdAt: true } }),
    hot.stockPrice.aggregate({ _min: { tradeDate: true } }),
  ]);
  // Prices compare by day (utcDay(hotFrom) <= the oldest day): its last instant is bound enough.
  const lastInstantOfDay = (day: Date | null) => day && new Date(day.getTime() + 86_400_000 - 1);
  return [messages._min.createdAt, posts._min.createdAt, lastInstantOfDay(prices._min.tradeDate)].filter(
    (d): d is Date => d !== null,
  );
}

/** Bounds that never change: single-store mode, where nothing is ever archived. */
export function fixedBounds(bounds: Bounds): ArchiveBounds {
  const value = Promise.resolve(bounds);
  return { get: () => value, invalidate: () => undefined };
}

/** The UTC calendar day of an instant, as YYYY-MM-DD: trade dates compare against it. */
export function utcDay(instant: Date): string {
  return instant.toISOString().slice(0, 10);
}
