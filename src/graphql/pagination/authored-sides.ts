/**
 * Both stores' halves of a newest-first or oldest-first connection over rows that name a user
 * (a message's sender, a post's or a comment's author), keyed on (createdAt, hot id).
 *
 * Users live in the hot store, so the hot side reads each row's user in the same statement and
 * primes the request's user loader with it: the users of a page cost no statement of their own,
 * nor those of its cold rows when they also wrote a hot one. The cold side cannot join them.
 */
import type { HotModels } from '../../stores/hot/index.js';
import type { SqlReader } from '../../stores/sql/reader.js';
import type { Condition } from '../../stores/sql/select.js';
import { hotTables, type Table } from '../../stores/sql/tables.js';
import type { GatewayContext } from '../context.js';
import type { Parent } from '../loaders/child-reads.js';
import { EMPTY_SIDE } from './prisma-side.js';
import { sqlSide } from './sql-side.js';
import type { StitchedSides } from './stitched-page.js';

interface HotRow {
  readonly id: number;
  readonly createdAt: Date;
}

interface ColdRow {
  readonly originalId: number;
  readonly createdAt: Date;
}

export interface AuthoredSidesOptions<H extends HotRow, C extends ColdRow, TNode> {
  readonly hot: Table<H>;
  readonly cold: Table<C>;
  /** The connection's filter, on fields both tables share. */
  readonly where: readonly Condition[];
  /**
   * The parent whose rows these are (a comment's post), on a field both tables share: its
   * pages and counts are read together with its siblings' (loaders/child-reads.ts). Not in `where`.
   */
  readonly parent?: Parent;
  /** The field holding the user's id, and the name the joined user comes back under. */
  readonly user: { readonly field: keyof H & string; readonly as: string };
  readonly fromHot: (row: H) => TNode;
  readonly fromCold: (row: C) => TNode;
}

export function authoredSides<H extends HotRow, C extends ColdRow, TNode>(
  { hotSql, coldSql, loaders }: GatewayContext,
  options: AuthoredSidesOptions<H, C, TNode>,
): StitchedSides<TNode> {
  const { where, user, fromHot, fromCold, parent } = options;
  const read = (reader: SqlReader) => (parent ? loaders.children.of(reader, parent) : reader);
  return {
    hot: sqlSide(read(hotSql), {
      table: options.hot,
      where,
      keyField: 'createdAt',
      idField: 'id',
      join: { table: hotTables.users, on: user.field, as: user.as },
      withBounds: true,
      toEntry: (row: H) => {
        const joined = (row as H & Record<string, HotModels.UserModel | undefined>)[user.as];
        if (joined) loaders.userById.prime(joined.id, joined);
        return { id: row.id, key: row.createdAt, node: fromHot(row) };
      },
    }),
    cold: coldSql
      ? sqlSide(read(coldSql), {
          table: options.cold,
          where,
          keyField: 'createdAt',
          idField: 'originalId',
          withLatestRestore: true,
          toEntry: (row: C) => ({ id: row.originalId, key: row.createdAt, node: fromCold(row) }),
        })
      : EMPTY_SIDE,
  };
}
