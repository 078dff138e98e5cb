/**
 * The two halves of a restore batch: rows of the cold store written to hot with their own ids
 * (an id already there is skipped, any other unique conflict fails), and the statements that
 * delete restored rows from cold with their daily activity.
 */
import { insertWithIds, type HotClient, type HotEngine, type HotTable } from '../stores/hot/index.js';
import type { SqlReader } from '../stores/sql/reader.js';
import type { Dataset } from './job.js';

/** A cold row as node-postgres reads it (`SELECT *`, prices with trade_day as text). */
export type ColdRow = Record<string, unknown> & { original_id: number };

interface HotShape {
  readonly table: HotTable;
  /** Hot column, its PostgreSQL type, and the cold value for it. */
  readonly columns: readonly (readonly [string, string, (row: ColdRow) => unknown])[];
}

const same =
  (column: string) =>
  (row: ColdRow): unknown =>
    row[column];
const id = ['id', 'int', (row: ColdRow) => row.original_id] as const;
const createdAt = ['created_at', 'timestamptz', same('created_at')] as const;

const shapes: Record<Dataset, HotShape> = {
  messages: {
    table: 'messages',
    columns: [
      id,
      ['conversation_id', 'int', same('conversation_id')],
      ['sender_id', 'int', same('sender_id')],
      ['content', 'text', same('content')],
      createdAt,
    ],
  },
  posts: {
    table: 'posts',
    columns: [
      id,
      ['author_id', 'int', same('author_id')],
      ['title', 'text', same('title')],
      ['body', 'text', same('body')],
      createdAt,
    ],
  },
  comments: {
    table: 'comments',
    columns: [
      id,
      ['post_id', 'int', same('post_id')],
      ['author_id', 'int', same('author_id')],
      ['body', 'text', same('body')],
      createdAt,
    ],
  },
  likes: {
    table: 'post_likes',
    columns: [id, ['post_id', 'int', same('post_id')], ['user_id', 'int', same('user_id')], createdAt],
  },
  stockPrices: {
    table: 'stock_prices',
    columns: [
      id,
      ['stock_id', 'int', same('stock_id')],
      // The day as text, read as UTC midnight: node-postgres would read a DATE at local midnight.
      ['trade_date', 'date', (row) => new Date(`${row.trade_day as string}T00:00:00.000Z`)],
      ['open', 'numeric', same('open')],
      ['high', 'numeric', same('high')],
      ['low', 'numeric', same('low')],
      ['close', 'numeric', same('close')],
      ['change', 'numeric', same('change')],
      ['volume', 'bigint', (row) => (row.volume === null ? null : BigInt(row.volume as string))],
      ['turnover', 'bigint', (row) => (row.turnover === null ? null : BigInt(row.turnover as string))],
      ['transaction_count', 'int', same('transaction_count')],
      createdAt,
    ],
  },
};

/** Writes the cold rows of `dataset` to hot with their ids; returns how many were new there. */
export async function copyToHot(
  hot: { readonly client: HotClient; readonly sql: SqlReader },
  engine: HotEngine,
  dataset: Dataset,
  rows: readonly ColdRow[],
): Promise<number> {
  if (rows.length === 0) return 0;
  const { table, columns } = shapes[dataset];
  return insertWithIds(hot, engine, table, {
    columns: columns.map(([name]) => name),
    pgTypes: columns.map(([, type]) => type),
    rows: rows.map((row) => columns.map(([, , value]) => value(row))),
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
