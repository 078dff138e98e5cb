/**
 * The cold half of archival: idempotent copies keyed by original_id (a row already copied is
 * skipped, never duplicated), returning only the rows this call inserted, and the daily
 * activity derived from exactly those rows. Runs inside the caller's cold transaction.
 *
 * Every insert names its conflict target, original_id: a conflict on any other unique key
 * ((post_id, user_id) of a like, (stock_id, trade_date) of a price) is an error that fails the
 * caller's batch and its transaction, so its hot rows are never deleted.
 */
import type pg from 'pg';
import type { HotModels } from '../stores/hot/index.js';

export type ActionType = 'MESSAGE' | 'POST' | 'COMMENT' | 'LIKE';
export interface Action {
  readonly userId: number;
  readonly at: Date;
  readonly type: ActionType;
}

const iso = (date: Date) => date.toISOString();

/**
 * Copies messages and adds the activity of exactly those inserted, in one statement: the
 * activity never leaves the database (the largest dataset, so the round trip counts). Given a
 * run, the same statement writes the batch's journal row (in-flight.ts) from the ids already
 * sent, and deletes the rows `done` names; it answers the new row's id.
 */
export async function copyMessages(
  cold: pg.ClientBase,
  rows: readonly HotModels.MessageModel[],
  archivedAt: Date,
  journal?: { readonly runId: number; readonly done: readonly string[] },
): Promise<string | undefined> {
  if (rows.length === 0) return undefined;
  const moved = `moved AS (
       INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at, archived_at)
       SELECT id, conversation_id, sender_id, content, created_at, $6 FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])
         AS r(id, conversation_id, sender_id, content, created_at)
       ON CONFLICT (original_id) DO NOTHING RETURNING sender_id, created_at)`;
  const activity = ACTIVITY_UPSERT.replace(
    '$SOURCE',
    `SELECT sender_id AS user_id, created_at AS at, 'MESSAGE' AS action_type FROM moved`,
  );
  const params = [
    rows.map((r) => r.id),
    rows.map((r) => r.conversationId),
    rows.map((r) => r.senderId),
    rows.map((r) => r.content),
    rows.map((r) => iso(r.createdAt)),
    iso(archivedAt),
  ];
  if (!journal) {
    await cold.query(`WITH ${moved} ${activity}`, params);
    return undefined;
  }
  const { rows: recorded } = await cold.query<{ id: string }>(
    `WITH ${moved}, activity AS (${activity}),
       done AS (DELETE FROM archival_in_flight WHERE id = ANY($8::bigint[])),
       journal AS (INSERT INTO archival_in_flight (run_id, dataset, ids) VALUES ($7, 'messages', $1::int[]) RETURNING id)
     SELECT id::text AS id FROM journal`,
    [...params, journal.runId, journal.done],
  );
  return recorded[0].id;
}

/** Copies posts with like and comment counts of 0: copying their likes and comments raises them. */
export async function copyPosts(
  cold: pg.ClientBase,
  rows: readonly HotModels.PostModel[],
  archivedAt: Date,
): Promise<Action[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await cold.query<{ author_id: number; created_at: Date }>(
    `INSERT INTO posts_archive (original_id, author_id, title, body, created_at, archived_at)
     SELECT id, author_id, title, body, created_at, $6 FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[])
       AS r(id, author_id, title, body, created_at)
     ON CONFLICT (original_id) DO NOTHING RETURNING author_id, created_at`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.authorId),
      rows.map((r) => r.title),
      rows.map((r) => r.body),
      rows.map((r) => iso(r.createdAt)),
      iso(archivedAt),
    ],
  );
  return inserted.map((r) => ({ userId: r.author_id, at: r.created_at, type: 'POST' }));
}

/** Copies comments (of hot posts and of cold ones alike). */
export async function copyComments(
  cold: pg.ClientBase,
  rows: readonly HotModels.CommentModel[],
  archivedAt: Date,
): Promise<Action[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await cold.query<{ post_id: number; author_id: number; created_at: Date }>(
    `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at, archived_at)
     SELECT id, post_id, author_id, body, created_at, $6 FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])
       AS r(id, post_id, author_id, body, created_at)
     ON CONFLICT (original_id) DO NOTHING RETURNING post_id, author_id, created_at`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.postId),
      rows.map((r) => r.authorId),
      rows.map((r) => r.body),
      rows.map((r) => iso(r.createdAt)),
      iso(archivedAt),
    ],
  );
  return inserted.map((r) => ({ userId: r.author_id, at: r.created_at, type: 'COMMENT' }));
}

/** Copies likes (of hot posts and of cold ones alike). */
export async function copyLikes(
  cold: pg.ClientBase,
  rows: readonly HotModels.PostLikeModel[],
  archivedAt: Date,
): Promise<Action[]> {
  if (rows.length === 0) return [];
  const { rows: inserted } = await cold.query<{ post_id: number; user_id: number; created_at: Date }>(
    `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at, archived_at)
     SELECT id, post_id, user_id, created_at, $5 FROM unnest($1::int[], $2::int[], $3::int[], $4::timestamptz[]) AS r(id, post_id, user_id, created_at)
     ON CONFLICT (original_id) DO NOTHING RETURNING post_id, user_id, created_at`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.postId),
      rows.map((r) => r.userId),
      rows.map((r) => iso(r.createdAt)),
      iso(archivedAt),
    ],
  );
  return inserted.map((r) => ({ userId: r.user_id, at: r.created_at, type: 'LIKE' }));
}

/**
 * Prices carry no user activity; returns how many were written. A price is the one row that
 * changes (recordStockPrices), and while it is hot its hot copy is the one written: a cold copy
 * left by an interrupted run takes the hot values again, so the hot delete (which compares the
 * values copied) never removes a value the cold store lacks.
 */
export async function copyPrices(
  cold: pg.ClientBase,
  rows: readonly HotModels.StockPriceModel[],
  archivedAt: Date,
): Promise<number> {
  if (rows.length === 0) return 0;
  const text = (value: { toString(): string } | null) => (value === null ? null : value.toString());
  const { rowCount } = await cold.query(
    `INSERT INTO stock_prices_history (original_id, stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count, created_at, archived_at)
     SELECT *, $13::timestamptz FROM unnest($1::int[], $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[], $9::bigint[], $10::bigint[], $11::int[], $12::timestamptz[])
     ON CONFLICT (original_id) DO UPDATE SET open = EXCLUDED.open, high = EXCLUDED.high, low = EXCLUDED.low,
       close = EXCLUDED.close, change = EXCLUDED.change, volume = EXCLUDED.volume, turnover = EXCLUDED.turnover,
       transaction_count = EXCLUDED.transaction_count
     WHERE (stock_prices_history.open, stock_prices_history.high, stock_prices_history.low, stock_prices_history.close,
       stock_prices_history.change, stock_prices_history.volume, stock_prices_history.turnover, stock_prices_history.transaction_count)
       IS DISTINCT FROM (EXCLUDED.open, EXCLUDED.high, EXCLUDED.low, EXCLUDED.close, EXCLUDED.change, EXCLUDED.volume,
       EXCLUDED.turnover, EXCLUDED.transaction_count)`,
    [
      rows.map((r) => r.id),
      rows.map((r) => r.stockId),
      rows.map((r) => iso(r.tradeDate).slice(0, 10)),
      rows.map((r) => text(r.open)),
      rows.map((r) => text(r.high)),
      rows.map((r) => text(r.low)),
      rows.map((r) => text(r.close)),
      rows.map((r) => text(r.change)),
      rows.map((r) => text(r.volume)),
      rows.map((r) => text(r.turnover)),
      rows.map((r) => r.transactionCount),
      rows.map((r) => iso(r.createdAt)),
      iso(archivedAt),
    ],
  );
  return rowCount ?? 0;
}

/** Adds rows of ($SOURCE: user_id, at, action_type) to the daily activity (user, UTC day, type). */
const ACTIVITY_UPSERT = `INSERT INTO user_activity (user_id, activity_date, action_type, count)
     SELECT user_id, (at AT TIME ZONE 'UTC')::date, action_type, count(*) FROM ($SOURCE) a GROUP BY 1, 2, 3
     ON CONFLICT (user_id, activity_date, action_type) DO UPDATE SET count = user_activity.count + EXCLUDED.count`;

/** Adds the actions to the daily activity. */
export async function recordActivity(cold: pg.ClientBase, actions: readonly Action[]): Promise<void> {
  if (actions.length === 0) return;
  await cold.query(
    ACTIVITY_UPSERT.replace(
      '$SOURCE',
      'SELECT * FROM unnest($1::int[], $2::timestamptz[], $3::text[]) AS x(user_id, at, action_type)',
    ),
    [actions.map((a) => a.userId), actions.map((a) => iso(a.at)), actions.map((a) => a.type)],
  );
}
