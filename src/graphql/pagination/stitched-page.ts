/**
 * One page of a connection whose rows live in the hot store, the cold store, or (for the
 * moment between archival's cold commit and its hot delete) both.
 *
 * Contract (README.md, "How a page reads two stores"):
 * - The order is total: (sort key, id) in the connection's direction; the id is the hot id,
 *   which archived rows keep as original_id. Cursors carry those values, never an offset.
 * - The hot store is read first, then the cold store. Archival commits a row to cold before it
 *   deletes it from hot, so a row moving between the two reads is found in cold; a row read in
 *   both is kept once. (Reading cold first could miss it.)
 * - Each store returns at most size+1 rows; the merge keeps size+1, the extra one only telling
 *   that another page exists.
 * - A store that provably holds no qualifying row is not queried (see `StoreLimits`). The
 *   decision to skip the cold store uses the bounds the hot store returned with the hot page,
 *   in the same statement (`fetchWithBounds`, `refresh`), never older ones: they hold for
 *   exactly the rows that statement saw, so no wait between archival's publish and its deletes
 *   is needed, however long a reader stalls. (A row archived after the hot read is in that
 *   read; one archived before it is below the bounds read with it.)
 * - Restore moves rows the other way (it commits a batch to hot, then deletes it from cold at
 *   once), so a row can leave cold after the hot read and before the cold read. The cold
 *   statement therefore also reads the newest restore recorded in the cold store
 *   (`fetchWithLatestRestore`); when it is newer than the `restoredThrough` of the bounds the
 *   page decided by (read with the hot page, or the cached ones when the hot store was
 *   skipped), a restore may have moved rows after those bounds, and the page reads its hot
 *   window again after the cold read (`rereadAfterRestore`): a row of the window not in cold
 *   at the cold read had been copied to hot before it left cold, so the second hot read has
 *   it. That costs one hot statement, and only while a restore runs (or one ended since the
 *   bounds were read); pages that skip the cold store need none.
 * - When the cold store is unavailable, the page keeps only the hot rows that no cold row can
 *   precede in the walk (in a newest-first walk, those at or after `coldBefore`; none in an
 *   oldest-first walk), claims that more rows follow, and carries the error in `incomplete`
 *   (reported on the connection's path: incomplete.ts). The rows it does return are exactly
 *   the first rows of the complete page, so its cursors stay valid for a retry.
 */
import { unavailableStore } from '../../stores/errors.js';
import type { PublishedBounds } from '../../stores/sql/select.js';
import { pageRequest, type ConnectionArgs } from './args.js';
import { connectionFromRows, type Connection } from './connection.js';
import { cursorInstant, decodeCursor, encodeCursor, invalidCursor, isCursorDay } from './cursor.js';
import { flip, type SortDirection } from './keyset.js';

/** An instant (created_at) or a calendar day as YYYY-MM-DD (trade_date). */
export type SortKey = Date | string;
export type KeyKind = 'instant' | 'day';

export interface Entry<TNode> {
  /** The hot id (original_id in the cold store). */
  readonly id: number;
  readonly key: SortKey;
  readonly node: TNode;
}

/** Rows strictly after (value, id) when walking in `direction`. */
export interface Keyset {
  readonly value: SortKey;
  readonly id: number;
  readonly direction: SortDirection;
}

export interface SideQuery {
  readonly keyset: Keyset | undefined;
  readonly direction: SortDirection;
  readonly take: number;
  /** A re-read of the same window (rereadAfterRestore): 1, 2, …; a batching reader must not answer it from its cache. */
  readonly round?: number;
}

/** One store's half of a connection: its filter is already bound in. */
export interface StoreSide<TNode> {
  fetch(query: SideQuery): Promise<Entry<TNode>[]>;
  count(): Promise<number>;
  /** The hot store only: `fetch`, plus the archive bounds read by the same statement. */
  fetchWithBounds?(query: SideQuery): Promise<{ entries: Entry<TNode>[]; bounds: PublishedBounds | undefined }>;
  /** The cold store only: `fetch`, plus the newest restore recorded there, read by the same statement. */
  fetchWithLatestRestore?(query: SideQuery): Promise<{ entries: Entry<TNode>[]; latestRestore: number | null }>;
}

/** The limits of a connection for the bounds its hot page was read with. */
export type RefreshLimits = (bounds: PublishedBounds) => StoreLimits;

/** For connections ordered by an instant the bounds speak for directly (messages, posts). */
export const instantLimits: RefreshLimits = ({ coldBefore, hotFrom }) => ({ coldBefore, hotFrom });

export interface StitchedOrdering {
  /** Names the connection and ordering inside cursors. */
  readonly name: string;
  /** The connection's order of the sort key (the id follows it). */
  readonly direction: SortDirection;
  readonly keyKind: KeyKind;
}

/** What is known about where rows can be, in the sort key's own domain. */
export interface StoreLimits {
  /** Every cold row's key is older than this; null when unknown. */
  readonly coldBefore?: SortKey | null;
  /** `coldBefore` may be outdated (the cold store could not be read): never skip the cold store by it. */
  readonly stale?: boolean;
  /** No hot row's key is older than this; null when unknown. */
  readonly hotFrom?: SortKey | null;
  /** Inclusive bounds of the connection's filter on the sort key (both sides apply it). */
  readonly range?: { readonly min?: SortKey; readonly max?: SortKey };
  /** The cold store cannot hold a row of this connection (e.g. comments of a never-archived post). */
  readonly coldEmpty?: boolean;
  /** The hot store cannot hold a row of this connection (e.g. archival runs). */
  readonly hotEmpty?: boolean;
  /** The newest restore that had ended when these limits were read (bounds.ts); null or absent: none. */
  readonly restoredThrough?: number | null;
}

export interface StitchedSides<TNode> {
  readonly hot: StoreSide<TNode>;
  readonly cold: StoreSide<TNode>;
}

/**
 * Test seams: awaited after the reader has its cached limits and before its hot read, between
 * its hot read and its decision about the cold store, and between its cold read and any hot
 * read again, so a test can stall a reader there deterministically (no sleeps). Unset in
 * production.
 */
export const pageHooks: {
  beforeHotRead?: () => Promise<void>;
  afterHotRead?: () => Promise<void>;
  afterColdRead?: () => Promise<void>;
} = {};

/** Reads of one page beyond the first hot and cold reads before it gives up (a restore every time). */
const MAX_REREADS = 4;

export async function stitchedPage<TNode>(
  args: ConnectionArgs,
  ordering: StitchedOrdering,
  sides: StitchedSides<TNode>,
  cachedLimits: StoreLimits = {},
  refresh?: RefreshLimits,
): Promise<Connection<TNode>> {
  const page = pageRequest(args);
  const direction = page.direction === 'forward' ? ordering.direction : flip(ordering.direction);
  const cursor = page.cursor === undefined ? undefined : decodeKeyCursor(page.cursor, ordering, page.cursorArgument);
  const keyset = cursor && { ...cursor, direction };
  const take = page.size + 1;
  const { hotFrom } = cachedLimits;
  const hotCannotHold =
    cachedLimits.hotEmpty === true ||
    (hotFrom != null &&
      ((cachedLimits.range?.max !== undefined && compareKeys(cachedLimits.range.max, hotFrom) < 0) ||
        (direction === 'desc' && cursor !== undefined && compareKeys(cursor.value, hotFrom) < 0)));
  await pageHooks.beforeHotRead?.();
  let hotRows: Entry<TNode>[] = [];
  let limits = cachedLimits;
  if (!hotCannotHold && refresh && sides.hot.fetchWithBounds) {
    const read = await sides.hot.fetchWithBounds({ keyset, direction, take });
    hotRows = read.entries;
    // Fresh, so not stale: the bounds that held when the hot rows were read.
    if (read.bounds) limits = { ...refresh(read.bounds), stale: false, restoredThrough: read.bounds.restoredThrough };
  } else if (!hotCannotHold) {
    hotRows = await sides.hot.fetch({ keyset, direction, take });
  }
  await pageHooks.afterHotRead?.();
  const { coldBefore: knownColdBefore, range } = limits;
  const coldBefore = limits.stale ? null : knownColdBefore;

  const lastHot = hotRows.length >= take ? hotRows[take - 1] : undefined;
  const coldCannotHold =
    limits.coldEmpty === true ||
    (coldBefore != null &&
      ((range?.min !== undefined && compareKeys(range.min, coldBefore) >= 0) ||
        (direction === 'asc' && cursor !== undefined && compareKeys(cursor.value, coldBefore) >= 0) ||
        (direction === 'desc' && lastHot !== undefined && compareKeys(lastHot.key, coldBefore) >= 0)));
  let coldRows: Entry<TNode>[] = [];
  let incomplete: Error | undefined;
  if (!coldCannotHold) {
    try {
      const query = { keyset, direction, take };
      if (sides.cold.fetchWithLatestRestore && limits.hotEmpty !== true) {
        const read = await sides.cold.fetchWithLatestRestore(query);
        await pageHooks.afterColdRead?.();
        const again = await rereadAfterRestore(sides, query, limits.restoredThrough ?? null, read.latestRestore);
        hotRows = again.hot.reduce((merged, rows) => mergeDistinct(merged, rows, direction), hotRows);
        coldRows = again.cold.reduce((merged, rows) => mergeDistinct(merged, rows, direction), read.entries);
      } else {
        coldRows = await sides.cold.fetch(query);
      }
    } catch (error) {
      if (unavailableStore(error) !== 'cold') throw error;
      incomplete = error as Error;
    }
  }

  const cursorOf = (entry: Entry<TNode>) => encodeCursor(ordering.name, [encodeKey(entry.key), entry.id]);
  const count = async () => {
    const [hot, cold] = await Promise.all([
      hotCannotHoldAny(limits) ? 0 : sides.hot.count(),
      coldCannotHoldAny({ ...limits, coldBefore }) ? 0 : sides.cold.count(),
    ]);
    return hot + cold;
  };
  if (incomplete) {
    const safe =
      direction === 'desc' && knownColdBefore != null
        ? hotRows.filter((entry) => compareKeys(entry.key, knownColdBefore) >= 0)
        : [];
    return {
      ...connectionFromRows(safe.slice(0, page.size), page, cursorOf, (entry) => entry.node, count, {
        moreFollow: true,
      }),
      incomplete,
    };
  }
  const rows = mergeDistinct(hotRows, coldRows, direction).slice(0, take);
  return connectionFromRows(rows, page, cursorOf, (entry) => entry.node, count);
}

/**
 * The reads a page needs after its cold read when a restore may have moved rows of its window
 * from cold to hot since the bounds it decided by (`restoredThrough`, bounds.ts): the cold
 * statement found restore `latest`, newer than those bounds' `restoredThrough`.
 *
 * Every move is a commit to one store before the delete from the other, and runs hold one
 * lock, so at any instant every row is in some store, and rows leave hot only by an archival
 * run, cold only by a restore. A pair of reads misses nothing when:
 * - a hot read, then a cold read that finds no restore newer than the bounds read with (or
 *   before) that hot read: rows leaving hot meanwhile are in cold; none left cold;
 * - a cold read that found restore `m`, then a hot read whose bounds say `m` had not ended
 *   (`restoredThrough` < m): `m` still held the lock, so no archival run deleted a hot row
 *   between the two reads, and a row gone from cold had been copied to hot before.
 * So: read hot again; if its bounds say `m` had already ended (an archival run may have moved
 * rows back to cold since the cold read), read cold again, and so on, each round caused by
 * another run. In practice one hot read; past MAX_REREADS rounds the page fails rather than
 * risk a gap.
 */
async function rereadAfterRestore<TNode>(
  sides: StitchedSides<TNode>,
  query: SideQuery,
  restoredThrough: number | null,
  latest: number | null,
): Promise<{ hot: Entry<TNode>[][]; cold: Entry<TNode>[][] }> {
  const hot: Entry<TNode>[][] = [];
  const cold: Entry<TNode>[][] = [];
  let known = restoredThrough;
  for (let round = 0; latest !== null && (known === null || latest > known); round++) {
    if (round >= MAX_REREADS) throw new Error('restores kept moving rows while this page was read');
    const seenLatest: number = latest;
    const again = { ...query, round: round + 1 };
    let hotBounds: PublishedBounds | undefined;
    if (sides.hot.fetchWithBounds) {
      const read = await sides.hot.fetchWithBounds(again);
      hot.push(read.entries);
      hotBounds = read.bounds;
    } else {
      hot.push(await sides.hot.fetch(again));
    }
    // Restore `seenLatest` had not ended at this hot read (or nothing tells otherwise): done.
    const ended = hotBounds?.restoredThrough ?? null;
    if (ended === null || ended < seenLatest) break;
    const read = sides.cold.fetchWithLatestRestore
      ? await sides.cold.fetchWithLatestRestore(again)
      : { entries: await sides.cold.fetch(again), latestRestore: null };
    cold.push(read.entries);
    known = ended;
    latest = read.latestRestore;
  }
  return { hot, cold };
}

/** Merges two lists sorted in `direction` by (key, id), keeping the first of equal ids. */
export function mergeDistinct<T extends { readonly id: number; readonly key: SortKey }>(
  a: readonly T[],
  b: readonly T[],
  direction: SortDirection,
): T[] {
  const sign = direction === 'asc' ? 1 : -1;
  const order = (x: T, y: T) => sign * (compareKeys(x.key, y.key) || x.id - y.id);
  const merged: T[] = [];
  const seen = new Set<number>();
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    const next = j >= b.length || (i < a.length && order(a[i], b[j]) <= 0) ? a[i++] : b[j++];
    if (!seen.has(next.id)) {
      seen.add(next.id);
      merged.push(next);
    }
  }
  return merged;
}

export function compareKeys(a: SortKey, b: SortKey): number {
  if (a instanceof Date && b instanceof Date) return a.getTime() - b.getTime();
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new TypeError('sort keys of different kinds cannot be compared');
}

function hotCannotHoldAny({ hotFrom, range, hotEmpty }: StoreLimits): boolean {
  return hotEmpty === true || (hotFrom != null && range?.max !== undefined && compareKeys(range.max, hotFrom) < 0);
}

function coldCannotHoldAny({ coldBefore, range, coldEmpty }: StoreLimits): boolean {
  return (
    coldEmpty === true || (coldBefore != null && range?.min !== undefined && compareKeys(range.min, coldBefore) >= 0)
  );
}

/** Instants travel in cursors as epoch milliseconds, days as YYYY-MM-DD. */
function encodeKey(key: SortKey): string | number {
  return key instanceof Date ? key.getTime() : key;
}

export function decodeKeyCursor(
  cursor: string,
  ordering: StitchedOrdering,
  argumentName: string,
): { value: SortKey; id: number } {
  const shape = ordering.keyKind === 'instant' ? (['number', 'number'] as const) : (['string', 'number'] as const);
  const [value, id] = decodeCursor(cursor, ordering.name, shape, argumentName);
  // An impossible day or an instant no store can hold would reach a SQL cast and fail there.
  const key = ordering.keyKind === 'instant' ? cursorInstant(value) : isCursorDay(value) ? value : undefined;
  if (key === undefined || !Number.isSafeInteger(id) || (id as number) < 1 || (id as number) > 2_147_483_647)
    throw invalidCursor(argumentName, 'malformed key');
  return { value: key, id: id as number };
}
