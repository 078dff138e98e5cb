/**
 * A keyset page over one store ordered by (field, id): used by connections whose rows never
 * leave the hot store (users, stocks). Fetches at most size+1 rows.
 */
import type { ConnectionArgs } from './args.js';
import { pageRequest } from './args.js';
import { connectionFromRows, type Connection } from './connection.js';
import { decodeCursor, encodeCursor, invalidCursor, type KeyPart } from './cursor.js';
import { flip, keysetAfter, type SortDirection } from './keyset.js';

export interface SingleStoreOrdering<TRow extends { readonly id: number }> {
  /** Names the ordering inside cursors, e.g. "stocks:symbol". */
  readonly name: string;
  readonly field: string & keyof TRow;
  readonly direction: SortDirection;
  readonly keyType: 'string' | 'number';
}

export interface SingleStoreQuery {
  readonly where: Record<string, unknown>;
  readonly orderBy: Record<string, SortDirection>[];
  readonly take: number;
}

export async function singleStorePage<TRow extends { readonly id: number }, TNode>(
  args: ConnectionArgs,
  ordering: SingleStoreOrdering<TRow>,
  fetch: (query: SingleStoreQuery) => Promise<TRow[]>,
  count: () => Promise<number>,
  toNode: (row: TRow) => TNode,
): Promise<Connection<TNode>> {
  const page = pageRequest(args);
  const direction = page.direction === 'forward' ? ordering.direction : flip(ordering.direction);
  let where: Record<string, unknown> = {};
  if (page.cursor !== undefined) {
    const [value, id] = decodeCursor(page.cursor, ordering.name, [ordering.keyType, 'number'], page.cursorArgument);
    // An id no Int column can hold would fail in the store, not as a cursor.
    if (!Number.isSafeInteger(id) || (id as number) < 1 || (id as number) > 2_147_483_647)
      throw invalidCursor(page.cursorArgument, 'malformed key');
    where = keysetAfter(ordering.field, value, id as number, direction);
  }
  const rows = await fetch({
    where,
    orderBy: [{ [ordering.field]: direction }, { id: direction }],
    take: page.size + 1,
  });
  const cursorOf = (row: TRow) => encodeCursor(ordering.name, [row[ordering.field] as KeyPart, row.id]);
  return connectionFromRows(rows, page, cursorOf, toNode, count);
}
