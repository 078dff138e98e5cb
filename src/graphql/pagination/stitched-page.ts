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
 * - A store that provably holds no qualifying row is not queried (see `StoreLimits`).
 * - When the cold store is unavailable, the page keeps only the hot rows that no cold row can
 *   precede in the walk (in a newest-first walk, those at or after `coldBefore`; none in an
 *   oldest-first walk), claims that more rows follow, and carries the error in `incomplete`
 *   (reported on the connection's path: incomplete.ts). The rows it does return are exactly
 *   the first rows of the complete page, so its cursors stay valid for a retry.
 */
import { unavailableStore } from '../../stores/errors.js';
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
}

/** One store's half of a connection: its filter is already bound in. */
export interface StoreSide<TNode> {
  fetch(query: SideQuery): Promise<Entry<TNode>[]>;
  count(): Promise<number>;
}

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
}

export interface StitchedSides<TNode> {
  readonly hot: StoreSide<TNode>;
  readonly cold: StoreSide<TNode>;
}

export async function stitchedPage<TNode>(
  args: ConnectionArgs,
  ordering: StitchedOrdering,
  sides: StitchedSides<TNode>,
  limits: StoreLimits = {},
): Promise<Connection<TNode>> {
  const page = pageRequest(args);
  const direction = page.direction === 'forward' ? ordering.direction : flip(ordering.direction);
  const cursor = page.cursor === undefined ? undefined : decodeKeyCursor(page.cursor, ordering, page.cursorArgument);
  const keyset = cursor && { ...cursor, direction };
  const take = page.size + 1;
  const { coldBefore: knownColdBefore, hotFrom, range } = limits;
  const coldBefore = limits.stale ? null : knownColdBefore;

  const hotCannotHold =
    limits.hotEmpty === true ||
    (hotFrom != null &&
      ((range?.max !== undefined && compareKeys(range.max, hotFrom) < 0) ||
        (direction === 'desc' && cursor !== undefined && compareKeys(cursor.value, hotFrom) < 0)));
  const hotRows = hotCannotHold ? [] : await sides.hot.fetch({ keyset, direction, take });

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
      coldRows = await sides.cold.fetch({ keyset, direction, take });
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
