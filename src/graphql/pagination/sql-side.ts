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
}

/**
 * `reader`: a store's reader, or one parent's batched reader of it (loaders/child-reads.ts),
 * whose `where` then leaves the parent out.
 */
export function sqlSide<Row, TNode>(
  reader: Pick<SqlReader, 'rows' | 'count'>,
  options: SqlSideOptions<Row, TNode>,
): StoreSide<TNode> {
  const { table, where, keyField, idField, toEntry, join } = options;
  return {
    async fetch({ keyset, direction, take }: SideQuery) {
      const rows = await reader.rows<Row>({
        table,
        where,
        order: { key: keyField, id: idField, direction, after: keyset && { value: keyset.value, id: keyset.id } },
        take,
        join,
      });
      return rows.map(toEntry);
    },
    count: () => reader.count({ table, where }),
  };
}
