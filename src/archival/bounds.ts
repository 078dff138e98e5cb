/**
 * What the archive says about where rows can be, for the read path to skip a store:
 *
 * - `coldBefore`: every row in the cold store has a sort key older than this (the highest
 *   cutoff of any archival run that ever started, successful or not). Reads skip the cold
 *   store for rows at or after it.
 * - `hotFrom`: the hot store holds no row older than this (the cutoff of the latest successful
 *   run: it moved everything older, and writes of older rows go to the cold store), unless a
 *   restore started since, which may have put older rows back. Reads skip the hot store for
 *   ranges entirely before it.
 *
 * Both are cached per process for BOUNDS_TTL_MS, so a page served from one store costs no
 * statement on the other. A stale `hotFrom` is only more conservative. A stale `coldBefore`
 * would not be, so archival keeps this contract: it records its run (and cutoff) first, and
 * deletes no hot row until ARCHIVAL_DELETE_DELAY_MS have passed, by which time every process
 * has refreshed its bounds.
 *
 * Both derive from the cold store's archival_runs (BOUNDS_SQL). The run that holds the
 * archival lock publishes them to the hot store's one-row archive_bounds table whenever the
 * runs change (recorded-run.ts), and readers poll that row: a page the hot store serves alone
 * costs the cold store nothing, and the bounds stay known while the cold store is down. A hot
 * store without the row (before the first run after an upgrade; data loaded by hand) is read
 * from archival_runs itself.
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
/** How long archival waits between recording its run and its first hot delete. */
export const ARCHIVAL_DELETE_DELAY_MS = BOUNDS_TTL_MS * 2 + 1_000;

export interface Bounds {
  /** Null when no run ever started: nothing is known, so the cold store is always read. */
  readonly coldBefore: Date | null;
  /** Null before the first successful run. */
  readonly hotFrom: Date | null;
  /** The cold store could not be read: these are the last bounds known, possibly outdated. */
  readonly stale?: boolean;
}

export interface ArchiveBounds {
  get(): Promise<Bounds>;
  /** Drops the cached value (the process that runs archival calls it at once). */
  invalidate(): void;
}

/**
 * The bounds from the cold store's runs. A restore newer than the last successful archive may
 * have put old rows back in hot, so `hot_from` is then unknown.
 */
const BOUNDS_SQL = `
  SELECT max(cutoff) FILTER (WHERE kind = 'ARCHIVE') AS cold_before,
         CASE WHEN max(started_at) FILTER (WHERE kind = 'RESTORE') >= max(started_at) FILTER (WHERE kind = 'ARCHIVE' AND status = 'SUCCEEDED')
                OR max(started_at) FILTER (WHERE kind = 'ARCHIVE' AND status = 'SUCCEEDED') IS NULL THEN NULL
              ELSE max(cutoff) FILTER (WHERE kind = 'ARCHIVE' AND status = 'SUCCEEDED') END AS hot_from
  FROM archival_runs WHERE NOT dry_run`;

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
      select: { coldBefore: true, hotFrom: true },
    });
    if (published) {
      lastKnown = { coldBefore: published.coldBefore, hotFrom: published.hotFrom };
      return lastKnown;
    }
    const [row] = await stores.cold.$queryRawUnsafe<{ cold_before: Date | null; hot_from: Date | null }[]>(BOUNDS_SQL);
    lastKnown = { coldBefore: row?.cold_before ?? null, hotFrom: row?.hot_from ?? null };
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
 * Recomputes the bounds from archival_runs (on the run's own cold connection) and publishes
 * them to the hot store, where readers poll them. Called by the run holding the archival lock
 * after every change to the runs, before it moves a row.
 */
export async function publishBounds(hot: HotClient, cold: pg.Client): Promise<Bounds> {
  const { rows } = await cold.query<{ cold_before: Date | null; hot_from: Date | null }>(BOUNDS_SQL);
  const bounds = { coldBefore: rows[0]?.cold_before ?? null, hotFrom: rows[0]?.hot_from ?? null };
  const data = { ...bounds, updatedAt: new Date() };
  await hot.archiveBounds.upsert({ where: { id: BOUNDS_ROW }, create: { id: BOUNDS_ROW, ...data }, update: data });
  return bounds;
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
