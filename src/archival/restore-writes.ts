/**
 * The two halves of a restore batch: rows of the cold store written to hot with their own ids
 * (an id already there is skipped, any other unique conflict fails), and the statements that
 * delete restored rows from cold with their daily activity.
 */
import { insertWithIds, type HotClient, type HotEngine, type HotTable } from '../stores/hot/index.js';
import type { SqlReader } from '../stores/sql/reader.js';
import type { Dataset } from './job.js';

/** A cold row as node-postgres reads it (the columns of `coldColumns`; prices with trade_day as text). */
export type ColdRow = Record<string, unknown> & { original_id: number };

/**
 * A hot column, its PostgreSQL type, the select-list item a restore reads it from in cold (its
 * output name is the ColdRow key), and how that value becomes the hot one (as read, if absent).
 */
type Column = readonly [hot: string, pgType: string, cold: string, convert?: (value: unknown) => unknown];

interface HotShape {
  readonly table: HotTable;
  readonly coldTable: string;
  readonly columns: readonly Column[];
}

/** A column with the same name in both stores, copied as read. */
const same = (name: string, pgType: string): Column => [name, pgType, name];
const id: Column = ['id', 'int', 'original_id'];
const createdAt = same('created_at', 'timestamptz');
const bigint = (value: unknown) => (value === null ? null : BigInt(value as string));

const shapes: Record<Dataset, HotShape> = {
  messages: {
    table: 'messages',
    coldTable: 'messages_archive',
    columns: [id, same('conversation_id', 'int'), same('sender_id', 'int'), same('content', 'text'), createdAt],
  },
  posts: {
    table: 'posts',
    coldTable: 'posts_archive',
    columns: [id, same('author_id', 'int'), same('title', 'text'), same('body', 'text'), createdAt],
  },
  comments: {
    table: 'comments',
    coldTable: 'comments_archive',
    columns: [id, same('post_id', 'int'), same('author_id', 'int'), same('body', 'text'), createdAt],
  },
  likes: {
    table: 'post_likes',
    coldTable: 'post_likes_archive',
    columns: [id, same('post_id', 'int'), same('user_id', 'int'), createdAt],
  },
  stockPrices: {
    table: 'stock_prices',
    coldTable: 'stock_prices_history',
    columns: [
      id,
      same('stock_id', 'int'),
      // The day as text, read as UTC midnight: node-postgres would read a DATE at local midnight.
      ['trade_date', 'date', 'trade_date::text AS trade_day', (day) => new Date(`${day as string}T00:00:00.000Z`)],
      same('open', 'numeric'),
      same('high', 'numeric'),
      same('low', 'numeric'),
      same('close', 'numeric'),
      same('change', 'numeric'),
      ['volume', 'bigint', 'volume', bigint],
      ['turnover', 'bigint', 'turnover', bigint],
      same('transaction_count', 'int'),
      createdAt,
    ],
  },
};

/** The ColdRow key a select-list item reads into (`expr AS key`, or the column itself). */
const keyOf = (cold: string) => cold.split(' AS ').at(-1)!;

/** The cold table of `dataset`. */
export const coldTable = (dataset: Dataset): string => shapes[dataset].coldTable;

/** The select list a restore reads `dataset`'s cold rows with (ColdRow): what a copy writes, nothing more. */
export const coldColumns = (dataset: Dataset): string => shapes[dataset].columns.map(([, , cold]) => cold).join(', ');

/** Writes the cold rows of `dataset` to hot with their ids; returns how many were new there. */
export async function copyToHot(
  hot: { readonly client: HotClient; readonly sql: SqlReader },
  engine: HotEngine,
  dataset: Dataset,
  rows: readonly ColdRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { table, columns } = shapes[dataset];
  const read = columns.map(([, , cold, convert]) => {
    const key = keyOf(cold);
    return convert ? (row: ColdRow) => convert(row[key]) : (row: ColdRow) => row[key];
  });
  return insertWithIds(hot, engine, table, {
    columns: columns.map(([name]) => name),
    pgTypes: columns.map(([, type]) => type),
    rows: rows.map((row) => read.map((value) => value(row))),
  });
}

/** A cold delete: the statement and its parameters for a batch of copied rows. */
export interface ColdDelete {
  readonly sql: string;
  readonly params: unknown[];
}

const activity = (userColumn: string, type: string) => `
  , dec AS (SELECT ${userColumn} AS user_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n FROM gone GROUP BY 1, 2)
  , act AS (UPDATE user_activity u SET count = u.count - dec.n FROM dec WHERE u.user_id = dec.user_id AND u.activity_date = dec.day AND u.action_type = '${type}' RETURNING 1)
  SELECT count(*)::int AS n FROM gone`;

const byId: Record<Exclude<Dataset, 'stockPrices'>, string> = {
  comments: `WITH gone AS (DELETE FROM comments_archive WHERE original_id = ANY($1) RETURNING author_id, created_at)${activity('author_id', 'COMMENT')}`,
  likes: `WITH gone AS (DELETE FROM post_likes_archive WHERE original_id = ANY($1) RETURNING user_id, created_at)${activity('user_id', 'LIKE')}`,
  posts: `WITH gone AS (DELETE FROM posts_archive WHERE original_id = ANY($1) RETURNING author_id, created_at)${activity('author_id', 'POST')}`,
  messages: `WITH gone AS (DELETE FROM messages_archive WHERE original_id = ANY($1) RETURNING sender_id, created_at)${activity('sender_id', 'MESSAGE')}`,
};

/** Only the prices whose every value is still the one copied: an update since keeps the row cold. */
const UNCHANGED_PRICES = `WITH gone AS (
  DELETE FROM stock_prices_history s
  USING unnest($1::int[], $2::numeric[], $3::numeric[], $4::numeric[], $5::numeric[], $6::numeric[], $7::bigint[], $8::bigint[], $9::int[])
    AS c(id, open, high, low, close, change, volume, turnover, transaction_count)
  WHERE s.original_id = c.id
    AND (s.open, s.high, s.low, s.close, s.change, s.volume, s.turnover, s.transaction_count)
      IS NOT DISTINCT FROM (c.open, c.high, c.low, c.close, c.change, c.volume, c.turnover, c.transaction_count)
  RETURNING 1)
SELECT count(*)::int AS n FROM gone`;

/** The delete of a batch of cold rows just copied to hot. */
export function coldDelete(dataset: Dataset, rows: readonly ColdRow[]): ColdDelete {
  if (dataset !== 'stockPrices') return { sql: byId[dataset], params: [rows.map((r) => r.original_id)] };
  const column = (name: string) => rows.map((r) => r[name]);
  return {
    sql: UNCHANGED_PRICES,
    params: [
      column('original_id'),
      column('open'),
      column('high'),
      column('low'),
      column('close'),
      column('change'),
      column('volume'),
      column('turnover'),
      column('transaction_count'),
    ],
  };
}
