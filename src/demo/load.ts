/**
 * Loads the demo data set into empty, migrated hot and cold databases, writing exactly what the
 * archival job would have left after archiving everything older than `anchor - hotDays`:
 *
 * - hot: users, stocks, conversations and participants (they never move); messages and posts
 *   created at or after the cutoff; the comments and likes of those posts; stock prices traded on
 *   or after the cutoff's UTC date. Explicit ids; each SERIAL sequence is then set past the
 *   largest id generated for its table, archived ones included, so new rows never reuse an id.
 * - cold: the older messages, posts together with all their
 *   comments and likes (whatever their age), older prices; user_activity derived from every
 *   archived row; one SUCCEEDED archival_runs row, and in hot the archive_bounds that run
 *   would have published. archived_at = started_at = finished_at = anchor.
 *
 * Each store is written in one transaction, both at once, committed cold first and hot last, so
 * a hot store that has users means the whole load committed. Rows go in with `INSERT ... SELECT FROM unnest(arrays)`
 * in chunks, never row by row.
 */
import type pg from 'pg';
import {
  generateDemoData,
  type DemoComment,
  type DemoData,
  type DemoLike,
  type DemoMessage,
  type DemoPost,
  type DemoPrice,
} from './generate.js';

export interface LoadDemoOptions {
  /** The "now" of the data set: all activity lies before it. */
  anchor: Date;
  /** Days kept hot; rows older than anchor - hotDays are archived. Default 35. */
  hotDays?: number;
  /** Multiplies the number of messages and posts (with their comments and likes). Default 1. */
  scale?: number;
  log?: (line: string) => void;
  /**
   * A second connection to the cold database: messages_archive is then written on it, in a
   * transaction of its own, at the same time as the other cold tables (it commits before hot).
   */
  messagesConnection?: pg.ClientBase;
}

export type HotTable =
  | 'users'
  | 'stocks'
  | 'conversations'
  | 'conversation_participants'
  | 'messages'
  | 'posts'
  | 'comments'
  | 'post_likes'
  | 'stock_prices'
  | 'archive_bounds';

export type ColdTable =
  | 'messages_archive'
  | 'posts_archive'
  | 'comments_archive'
  | 'post_likes_archive'
  | 'stock_prices_history'
  | 'user_activity'
  | 'archival_runs';

export interface DemoSummary {
  anchor: Date;
  /** anchor - hotDays days: rows created before it are in the cold store. */
  cutoff: Date;
  hotDays: number;
  scale: number;
  /** Rows inserted per table. */
  hot: Record<HotTable, number>;
  cold: Record<ColdTable, number>;
  /** Time spent generating the data, ms (included in elapsedMs). */
  generateMs: number;
  /** Total time of loadDemoData, ms. */
  elapsedMs: number;
}

const DAY_MS = 86_400_000;
const COLD_TABLES = [
  'messages_archive',
  'posts_archive',
  'comments_archive',
  'post_likes_archive',
  'stock_prices_history',
  'user_activity',
  'archival_runs',
];
const CHUNK_ROWS = 10_000;

type ActionType = 'MESSAGE' | 'POST' | 'COMMENT' | 'LIKE';

export async function loadDemoData(
  hot: pg.ClientBase,
  cold: pg.ClientBase,
  options: LoadDemoOptions,
): Promise<DemoSummary> {
  const started = performance.now();
  const { anchor } = options;
  const hotDays = options.hotDays ?? 35;
  const scale = options.scale ?? 1;
  const log = options.log ?? (() => {});
  if (!Number.isFinite(anchor.getTime())) throw new RangeError('loadDemoData: invalid anchor');
  if (!Number.isFinite(hotDays) || hotDays < 0)
    throw new RangeError('loadDemoData: hotDays must be a non-negative number');

  const data = generateDemoData(anchor, scale);
  const generateMs = Math.round(performance.now() - started);
  const cutoff = new Date(anchor.getTime() - hotDays * DAY_MS);
  const split = splitByCutoff(data, cutoff);
  log(
    `demo data: generated in ${generateMs} ms; cutoff ${cutoff.toISOString()} (${hotDays} days before ${anchor.toISOString()})`,
  );

  // The demo loads only while the hot store is empty; cold rows then can only be left by a load
  // whose hot half failed, and are replaced in the same transaction. Both stores are written at
  // the same time (two connections, two server processes), but cold commits first: a hot store
  // that has users still means the whole load committed.
  // messages_archive, the largest cold table with the costliest index, goes on a second cold
  // connection when the caller gave one; its transaction commits with the other cold one.
  const messagesClient = options.messagesConnection ?? cold;
  const messagesApart = messagesClient !== cold;
  const coldTables = messagesApart ? COLD_TABLES.filter((table) => table !== 'messages_archive') : COLD_TABLES;
  const freshCold = async <R>(client: pg.ClientBase, tables: readonly string[], write: () => Promise<R>) => {
    await client.query(`TRUNCATE ${tables.join(', ')} RESTART IDENTITY`);
    return withIndexesBuiltAfter(client, tables, write);
  };
  const writeMessages = () => writeColdMessages(messagesClient, split, anchor.toISOString());
  const [coldCounts, , hotCounts] = await inTransactions([
    [
      cold,
      () =>
        freshCold(cold, coldTables, async () => {
          const counts = await writeCold(cold, split, anchor, cutoff);
          if (!messagesApart) counts.messages_archive = await writeMessages();
          return counts;
        }),
    ],
    [messagesClient, () => (messagesApart ? freshCold(messagesClient, ['messages_archive'], writeMessages) : 0)],
    [hot, () => writeHot(hot, data, split, cutoff)],
  ] as const);
  log(`demo data: cold committed ${formatCounts(coldCounts)}`);
  log(`demo data: hot committed ${formatCounts(hotCounts)}`);

  const elapsedMs = Math.round(performance.now() - started);
  log(`demo data: loaded in ${elapsedMs} ms`);
  return {
    anchor: new Date(anchor.getTime()),
    cutoff,
    hotDays,
    scale,
    hot: hotCounts,
    cold: coldCounts,
    generateMs,
    elapsedMs,
  };
}

// ---------------------------------------------------------------------------------------------

interface Split {
  hotMessages: DemoMessage[];
  coldMessages: DemoMessage[];
  hotPosts: DemoPost[];
  coldPosts: DemoPost[];
  hotComments: DemoComment[];
  coldComments: DemoComment[];
  hotLikes: DemoLike[];
  coldLikes: DemoLike[];
  hotPrices: DemoPrice[];
  coldPrices: DemoPrice[];
}

function splitByCutoff(data: DemoData, cutoff: Date): Split {
  const cutoffMs = cutoff.getTime();
  const cutoffDate = cutoff.toISOString().slice(0, 10);
  const isOld = (row: { createdAt: Date }): boolean => row.createdAt.getTime() < cutoffMs;
  const [coldMessages, hotMessages] = partition(data.messages, isOld);
  const [coldPosts, hotPosts] = partition(data.posts, isOld);
  // Comments and likes travel with their post, whatever their own age.
  const archivedPost = new Set(coldPosts.map((post) => post.id));
  const [coldComments, hotComments] = partition(data.comments, (comment) => archivedPost.has(comment.postId));
  const [coldLikes, hotLikes] = partition(data.likes, (like) => archivedPost.has(like.postId));
  const [coldPrices, hotPrices] = partition(data.prices, (price) => price.tradeDate < cutoffDate);
  return {
    hotMessages,
    coldMessages,
    hotPosts,
    coldPosts,
    hotComments,
    coldComments,
    hotLikes,
    coldLikes,
    hotPrices,
    coldPrices,
  };
}

function partition<T>(rows: readonly T[], predicate: (row: T) => boolean): [T[], T[]] {
  const yes: T[] = [];
  const no: T[] = [];
  for (const row of rows) (predicate(row) ? yes : no).push(row);
  return [yes, no];
}

async function writeCold(
  cold: pg.ClientBase,
  split: Split,
  anchor: Date,
  cutoff: Date,
): Promise<Record<ColdTable, number>> {
  const archivedAt = anchor.toISOString();

  const counts: Record<ColdTable, number> = {
    messages_archive: split.coldMessages.length,
    posts_archive: await insertRows(
      cold,
      `INSERT INTO posts_archive (original_id, author_id, title, body, created_at, archived_at)
       SELECT u.*, $6::timestamptz FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[]) AS u`,
      split.coldPosts,
      [(p) => p.id, (p) => p.authorId, (p) => p.title, (p) => p.body, (p) => iso(p.createdAt)],
      [archivedAt],
    ),
    comments_archive: await insertRows(
      cold,
      `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at, archived_at)
       SELECT u.*, $6::timestamptz FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) AS u`,
      split.coldComments,
      [(c) => c.id, (c) => c.postId, (c) => c.authorId, (c) => c.body, (c) => iso(c.createdAt)],
      [archivedAt],
    ),
    post_likes_archive: await insertRows(
      cold,
      `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at, archived_at)
       SELECT u.*, $5::timestamptz FROM unnest($1::int[], $2::int[], $3::int[], $4::timestamptz[]) AS u`,
      split.coldLikes,
      [(l) => l.id, (l) => l.postId, (l) => l.userId, (l) => iso(l.createdAt)],
      [archivedAt],
    ),
    stock_prices_history: await insertRows(
      cold,
      `INSERT INTO stock_prices_history
         (original_id, stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count, created_at, archived_at)
       SELECT u.*, $13::timestamptz
       FROM unnest($1::int[], $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::numeric[],
                   $9::bigint[], $10::bigint[], $11::int[], $12::timestamptz[]) AS u`,
      split.coldPrices,
      priceColumns,
      [archivedAt],
    ),
    user_activity: 0,
    archival_runs: 0,
  };

  // Daily activity per user, from exactly the rows archived above.
  const activity = new Map<string, { userId: number; date: string; action: ActionType; count: number }>();
  const tally = (userId: number, at: Date, action: ActionType): void => {
    const date = iso(at).slice(0, 10);
    const key = `${userId}|${date}|${action}`;
    const entry = activity.get(key);
    if (entry) entry.count++;
    else activity.set(key, { userId, date, action, count: 1 });
  };
  for (const m of split.coldMessages) tally(m.senderId, m.createdAt, 'MESSAGE');
  for (const p of split.coldPosts) tally(p.authorId, p.createdAt, 'POST');
  for (const c of split.coldComments) tally(c.authorId, c.createdAt, 'COMMENT');
  for (const l of split.coldLikes) tally(l.userId, l.createdAt, 'LIKE');
  counts.user_activity = await insertRows(
    cold,
    `INSERT INTO user_activity (user_id, activity_date, action_type, count)
     SELECT * FROM unnest($1::int[], $2::date[], $3::text[], $4::int[])`,
    [...activity.values()],
    [(a) => a.userId, (a) => a.date, (a) => a.action, (a) => a.count],
  );

  const run = await cold.query(
    `INSERT INTO archival_runs (status, dry_run, cutoff, started_at, finished_at, messages, posts, comments, likes, stock_prices)
     VALUES ('SUCCEEDED', false, $1, $2, $2, $3, $4, $5, $6, $7)`,
    [
      iso(cutoff),
      archivedAt,
      counts.messages_archive,
      counts.posts_archive,
      counts.comments_archive,
      counts.post_likes_archive,
      counts.stock_prices_history,
    ],
  );
  counts.archival_runs = run.rowCount ?? 0;
  return counts;
}

/** messages_archive: the largest cold table, written on a connection of its own when there is one. */
async function writeColdMessages(client: pg.ClientBase, split: Split, archivedAt: string): Promise<number> {
  return insertRows(
    client,
    `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at, archived_at)
     SELECT u.*, $6::timestamptz FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[]) AS u`,
    split.coldMessages,
    [(m) => m.id, (m) => m.conversationId, (m) => m.senderId, (m) => m.content, (m) => iso(m.createdAt)],
    [archivedAt],
  );
}

async function writeHot(
  hot: pg.ClientBase,
  data: DemoData,
  split: Split,
  cutoff: Date,
): Promise<Record<HotTable, number>> {
  const counts: Omit<Record<HotTable, number>, 'archive_bounds'> = {
    users: await insertRows(
      hot,
      `INSERT INTO users (id, username, display_name, created_at)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::timestamptz[])`,
      data.users,
      [(u) => u.id, (u) => u.username, (u) => u.displayName, (u) => iso(u.createdAt)],
    ),
    stocks: await insertRows(
      hot,
      `INSERT INTO stocks (id, symbol, name, market, created_at)
       SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::text[], $5::timestamptz[])`,
      data.stocks,
      [(s) => s.id, (s) => s.symbol, (s) => s.name, (s) => s.market, (s) => iso(s.createdAt)],
    ),
    conversations: await insertRows(
      hot,
      `INSERT INTO conversations (id, title, created_at) SELECT * FROM unnest($1::int[], $2::text[], $3::timestamptz[])`,
      data.conversations,
      [(c) => c.id, (c) => c.title, (c) => iso(c.createdAt)],
    ),
    conversation_participants: await insertRows(
      hot,
      `INSERT INTO conversation_participants (conversation_id, user_id, joined_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::timestamptz[])`,
      data.participants,
      [(p) => p.conversationId, (p) => p.userId, (p) => iso(p.joinedAt)],
    ),
    messages: await insertRows(
      hot,
      `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])`,
      split.hotMessages,
      [(m) => m.id, (m) => m.conversationId, (m) => m.senderId, (m) => m.content, (m) => iso(m.createdAt)],
    ),
    posts: await insertRows(
      hot,
      `INSERT INTO posts (id, author_id, title, body, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::text[], $4::text[], $5::timestamptz[])`,
      split.hotPosts,
      [(p) => p.id, (p) => p.authorId, (p) => p.title, (p) => p.body, (p) => iso(p.createdAt)],
    ),
    comments: await insertRows(
      hot,
      `INSERT INTO comments (id, post_id, author_id, body, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])`,
      split.hotComments,
      [(c) => c.id, (c) => c.postId, (c) => c.authorId, (c) => c.body, (c) => iso(c.createdAt)],
    ),
    post_likes: await insertRows(
      hot,
      `INSERT INTO post_likes (id, post_id, user_id, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::timestamptz[])`,
      split.hotLikes,
      [(l) => l.id, (l) => l.postId, (l) => l.userId, (l) => iso(l.createdAt)],
    ),
    stock_prices: await insertRows(
      hot,
      `INSERT INTO stock_prices
         (id, stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count, created_at)
       SELECT * FROM unnest($1::int[], $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[],
                            $8::numeric[], $9::bigint[], $10::bigint[], $11::int[], $12::timestamptz[])`,
      split.hotPrices,
      priceColumns,
    ),
  };

  // Past every generated id, archived ones included: a new hot row must never reuse an id
  // that already lives (as original_id) in the cold store.
  const maxIds: [Exclude<HotTable, 'archive_bounds'>, number][] = [
    ['users', maxId(data.users)],
    ['stocks', maxId(data.stocks)],
    ['conversations', maxId(data.conversations)],
    ['messages', maxId(data.messages)],
    ['posts', maxId(data.posts)],
    ['comments', maxId(data.comments)],
    ['post_likes', maxId(data.likes)],
    ['stock_prices', maxId(data.prices)],
  ];
  for (const [table, max] of maxIds) {
    // setval(seq, 1, false) makes the next id 1 when nothing was generated.
    await hot.query(`SELECT setval(pg_get_serial_sequence($1, 'id'), $2, $3)`, [table, Math.max(max, 1), max > 0]);
  }
  // The bounds that one archival run with this cutoff would have published (archival/bounds.ts).
  const bounds = await hot.query(
    `INSERT INTO archive_bounds (id, cold_before, hot_from) VALUES (1, $1, $1)
     ON CONFLICT (id) DO UPDATE SET cold_before = excluded.cold_before, hot_from = excluded.hot_from, updated_at = now()`,
    [iso(cutoff)],
  );
  return { ...counts, archive_bounds: bounds.rowCount ?? 0 };
}

// ---------------------------------------------------------------------------------------------

const priceColumns: ((p: DemoPrice) => unknown)[] = [
  (p) => p.id,
  (p) => p.stockId,
  (p) => p.tradeDate,
  (p) => p.open,
  (p) => p.high,
  (p) => p.low,
  (p) => p.close,
  (p) => p.change,
  (p) => p.volume,
  (p) => p.turnover,
  (p) => p.transactionCount,
  (p) => iso(p.createdAt),
];

/**
 * Inserts `rows` in chunks, one statement per chunk. Parameters $1..$n are the arrays of
 * columns[0..n-1] over the chunk (for unnest); $n+1.. are the `constants`, the same for every row.
 */
async function insertRows<T>(
  client: pg.ClientBase,
  sql: string,
  rows: readonly T[],
  columns: readonly ((row: T) => unknown)[],
  constants: readonly unknown[] = [],
): Promise<number> {
  let inserted = 0;
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const params = [...columns.map((column) => chunk.map(column)), ...constants];
    const result = await client.query(sql, params);
    inserted += result.rowCount ?? 0;
  }
  return inserted;
}

type Work<R> = readonly [pg.ClientBase, () => Promise<R> | R];

/**
 * Runs each work in a transaction on its client (one transaction per distinct client, works on
 * the same client one after the other), concurrently, and commits them in order once all
 * succeeded; if any fails, all roll back. (A crash between two commits leaves cold rows without
 * hot ones: the case the TRUNCATE at the start of the next load covers.)
 */
async function inTransactions<A, B, C>(works: readonly [Work<A>, Work<B>, Work<C>]): Promise<[A, B, C]> {
  const clients = [...new Set(works.map(([client]) => client))];
  await Promise.all(clients.map((client) => client.query('BEGIN')));
  const chains = new Map<pg.ClientBase, Promise<unknown>>();
  const run = <R>([client, work]: Work<R>): Promise<R> => {
    const result = (chains.get(client) ?? Promise.resolve()).then(work);
    chains.set(
      client,
      result.catch(() => undefined),
    );
    return result;
  };
  // Every work settles before any ROLLBACK: one still running would otherwise go on writing
  // outside its (rolled back) transaction.
  const settled = await Promise.allSettled([run(works[0]), run(works[1]), run(works[2])]);
  const failure = settled.find((outcome) => outcome.status === 'rejected');
  if (failure) {
    await Promise.all(clients.map((client) => client.query('ROLLBACK').catch(() => {})));
    throw failure.reason;
  }
  for (const client of clients) await client.query('COMMIT');
  return settled.map((outcome) => (outcome as PromiseFulfilledResult<unknown>).value) as [A, B, C];
}

/**
 * Drops the secondary indexes of `tables` (those that back no constraint), runs `work`, and
 * creates them again from their own definitions, inside the caller's transaction: building an
 * index once over loaded rows is several times faster than maintaining it row by row (the
 * trigram index of messages_archive most of all). A unique index is checked when it is built,
 * so a duplicate still fails the load.
 */
async function withIndexesBuiltAfter<R>(
  client: pg.ClientBase,
  tables: readonly string[],
  work: () => Promise<R>,
): Promise<R> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.indexname AS name, i.indexdef AS definition
     FROM pg_indexes i
     WHERE i.schemaname = current_schema() AND i.tablename = ANY($1::text[])
       AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)`,
    [tables],
  );
  for (const { name } of rows) await client.query(`DROP INDEX ${quoteIdentifier(name)}`);
  const result = await work();
  await client.query(`SET LOCAL maintenance_work_mem = '256MB'`);
  for (const { definition } of rows) await client.query(definition);
  return result;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

function iso(date: Date): string {
  return date.toISOString();
}

function maxId(rows: readonly { id: number }[]): number {
  let max = 0;
  for (const row of rows) if (row.id > max) max = row.id;
  return max;
}

function formatCounts(counts: Record<string, number>): string {
  return Object.entries(counts)
    .map(([table, n]) => `${table}=${n}`)
    .join(' ');
}
