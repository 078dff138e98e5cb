/**
 * A StoreSide over one table through the store's SQL reader (stores/sql): the connection's
 * conditions, plus the keyset and order on (keyField, idField), as one statement returning
 * at most `take` rows. The same spec serves the hot store (id) and the cold store
 * (originalId), on SQL Server and PostgreSQL alike.
 */
import type { Condition, Join } from '../../stores/sql/select.js';
import type { SqlReader } from '../../stores/sql/reader.js';
import type { Table } from '../../stores/sql/tables.js';
import type { Entry, SideQuery, StoreSide } from './stitched-page.js';

export interface SqlSideOptions<Row, TNode> {
  readonly table: Table<Row>;
  readonly where: readonly Condition[];
  readonly keyField: keyof Row & string;
  readonly idField: keyof Row & string;
  readonly toEntry: (row: Row) => Entry<TNode>;
  /** A one-to-one table read in the same statement (its row under `join.as`). */
  readonly join?: Join;
  /** The hot side of a stitched connection: offer `fetchWithBounds` (stitched-page.ts). */
  readonly withBounds?: boolean;
  /** The cold side of a stitched connection: offer `fetchWithLatestRestore` (stitched-page.ts). */
  readonly withLatestRestore?: boolean;
}

/**
 * `reader`: a store's reader, or one parent's batched reader of it (loaders/child-reads.ts),
 * whose `where` then leaves the parent out. `fetchWithBounds` is offered when asked for
 * (`withBounds`) and the reader can read the bounds with the rows; `fetchWithLatestRestore` the
 * same way (`withLatestRestore`).
 */
export function sqlSide<Row, TNode>(
  reader: Pick<SqlReader, 'rows' | 'count'> & Partial<Pick<SqlReader, 'rowsWithBounds' | 'rowsWithLatestRestore'>>,
  options: SqlSideOptions<Row, TNode>,
): StoreSide<TNode> {
  const { table, where, keyField, idField, toEntry, join, withBounds, withLatestRestore } = options;
  const spec = ({ keyset, direction, take, round }: SideQuery) => ({
    table,
    where,
    order: { key: keyField, id: idField, direction, after: keyset && { value: keyset.value, id: keyset.id } },
    take,
    join,
    round,
  });
  const side: StoreSide<TNode> = {
    async fetch(query: SideQuery) {
      return (await reader.rows<Row>(spec(query))).map(toEntry);
    },
    count: () => reader.count({ table, where }),
  };
  const { rowsWithBounds, rowsWithLatestRestore } = reader;
  if (withBounds && rowsWithBounds)
    return {
      ...side,
      async fetchWithBounds(query: SideQuery) {
        const { rows, bounds } = await rowsWithBounds<Row>({ ...spec(query), withBounds: true });
        return { entries: rows.map(toEntry), bounds };
      },
    };
  if (withLatestRestore && rowsWithLatestRestore)
    return {
      ...side,
      async fetchWithLatestRestore(query: SideQuery) {
        const { rows, latestRestore } = await rowsWithLatestRestore<Row>({ ...spec(query), withLatestRestore: true });
        return { entries: rows.map(toEntry), latestRestore };
      },
    };
  return side;
}
