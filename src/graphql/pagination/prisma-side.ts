/**
 * A StoreSide over one Prisma model: the connection's filter, plus the keyset predicate and
 * order on (keyField, idField). The same code serves the hot store (id) and the cold store
 * (original_id), on SQL Server and PostgreSQL alike.
 */
import { keysetAfter } from './keyset.js';
import type { Entry, SideQuery, SortKey, StoreSide } from './stitched-page.js';

/** The subset of a Prisma model delegate a side needs (arguments are the model's own). */
export interface ModelReader<TRow> {
  // The delegates' argument types differ per model; the side builds valid ones for any of them.
  /* eslint-disable @typescript-eslint/no-explicit-any -- each model's delegate takes its own args type */
  findMany(args: any): Promise<TRow[]>;
  count(args: any): Promise<number>;
  /* eslint-enable @typescript-eslint/no-explicit-any */
}

export interface PrismaSideOptions<TRow, TNode> {
  readonly where: Record<string, unknown>;
  readonly keyField: string;
  readonly idField: 'id' | 'originalId';
  readonly toEntry: (row: TRow) => Entry<TNode>;
  /** The column value for a sort key, when they differ (a DATE column takes a Date for a day). */
  readonly keyValue?: (key: SortKey) => unknown;
}

export function prismaSide<TRow, TNode>(
  model: ModelReader<TRow>,
  options: PrismaSideOptions<TRow, TNode>,
): StoreSide<TNode> {
  const { where, keyField, idField, toEntry, keyValue = (key: SortKey) => key } = options;
  return {
    async fetch({ keyset, direction, take }: SideQuery) {
      const rows = await model.findMany({
        where: keyset
          ? { AND: [where, keysetAfter(keyField, keyValue(keyset.value), keyset.id, keyset.direction, idField)] }
          : where,
        orderBy: [{ [keyField]: direction }, { [idField]: direction }],
        take,
      });
      return rows.map(toEntry);
    },
    count: () => model.count({ where }),
  };
}

/** A side for a store that never holds rows of the connection. */
export const EMPTY_SIDE: StoreSide<never> = { fetch: async () => [], count: async () => 0 };
