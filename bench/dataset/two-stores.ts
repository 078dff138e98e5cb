/**
 * Loads the plan into the gateway's empty, migrated hot and cold databases, writing exactly
 * what archival would leave after moving everything older than the cutoff (as
 * src/demo/load.ts does for the demo):
 *
 * - hot: users, stocks, conversations and participants (they never move); messages and posts
 *   created at or after the cutoff, and the comments and likes of those posts; prices traded on or after the cutoff's UTC date; every
 *   SERIAL sequence past the largest id generated, archived ids included.
 * - cold: the older messages, posts (with their comments and likes) and prices with original_id = the hot id and archived_at;
 *   user_activity derived from exactly those rows; one SUCCEEDED ARCHIVE run in archival_runs
 *   with the cutoff, so the gateway's bounds know the watermark.
 */
import type pg from 'pg';
import { countRows, prepareLoadSession, syncSequences, withIndexesDeferred } from './bulk.js';
import type { DatasetPlan } from './plan.js';
import {
  byPostAge,
  commentsSource,
  conversationsSource,
  likesSource,
  cutoffDay,
  cutoffLiteral,
  messagesSource,
  participantsSource,
  postsSource,
  pricesSource,
  stocksSource,
  usersSource,
} from './sources.js';

export interface TwoStoreCounts {
  readonly hot: {
    users: number;
    conversations: number;
    participants: number;
    messages: number;
    posts: number;
    comments: number;
    likes: number;
    stockPrices: number;
  };
  readonly cold: {
    messages: number;
    posts: number;
    comments: number;
    likes: number;
    stockPrices: number;
    userActivity: number;
  };
}

export async function loadHot(hot: pg.ClientBase, plan: DatasetPlan): Promise<TwoStoreCounts['hot']> {
  await prepareLoadSession(hot);
  await hot.query(
    `INSERT INTO users (id, username, display_name, created_at) SELECT id, username, display_name, created_at FROM (${usersSource(plan)}) s`,
  );
  await hot.query(`INSERT INTO stocks (id, symbol, name, market, created_at) SELECT * FROM (${stocksSource(plan)}) s`);
  await hot.query(`INSERT INTO conversations (id, title, created_at) SELECT * FROM (${conversationsSource(plan)}) s`);
  await hot.query(
    `INSERT INTO conversation_participants (conversation_id, user_id, joined_at) SELECT * FROM (${participantsSource(plan)}) s`,
  );
  await withIndexesDeferred(hot, ['messages', 'posts', 'comments', 'post_likes', 'stock_prices'], async () => {
    await hot.query(
      `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
       SELECT * FROM (${messagesSource(plan)}) s WHERE created_at >= ${cutoffLiteral(plan)}`,
    );
    await hot.query(
      `INSERT INTO posts (id, author_id, title, body, created_at)
       SELECT * FROM (${postsSource(plan)}) s WHERE created_at >= ${cutoffLiteral(plan)}`,
    );
    // Comments and likes stay with their post, whatever their own age.
    await hot.query(
      `INSERT INTO comments (id, post_id, author_id, body, created_at)
       SELECT * FROM (${byPostAge(plan, commentsSource(plan), 'hot')}) s`,
    );
    await hot.query(
      `INSERT INTO post_likes (id, post_id, user_id, created_at)
       SELECT * FROM (${byPostAge(plan, likesSource(plan), 'hot')}) s`,
    );
    await hot.query(
      `INSERT INTO stock_prices (id, stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count, created_at)
       SELECT * FROM (${pricesSource(plan)}) s WHERE trade_date >= ${cutoffDay(plan)}`,
    );
  });
  // Past every generated id, archived ones included (new hot rows must never reuse one): the
  // largest id of each time-ordered table is its newest row, which is hot.
  await syncSequences(hot, [
    'users',
    'stocks',
    'conversations',
    'messages',
    'posts',
    'comments',
    'post_likes',
    'stock_prices',
  ]);
  // The bounds the archival run recorded in the cold store would have published (src/archival/bounds.ts).
  await hot.query(
    `INSERT INTO archive_bounds (id, cold_before, hot_from) VALUES (1, ${cutoffLiteral(plan)}, ${cutoffLiteral(plan)})`,
  );
  return {
    users: await countRows(hot, 'users'),
    conversations: await countRows(hot, 'conversations'),
    participants: await countRows(hot, 'conversation_participants'),
    messages: await countRows(hot, 'messages'),
    posts: await countRows(hot, 'posts'),
    comments: await countRows(hot, 'comments'),
    likes: await countRows(hot, 'post_likes'),
    stockPrices: await countRows(hot, 'stock_prices'),
  };
}

/**
 * The cold half, in two sessions at once (the cold store holds most of the rows: archived
 * messages with their trigram index, and nearly five years of prices): messages and posts
 * in one, prices in the other; then the derived activity and the archival run.
 */
export async function loadCold(
  sessions: readonly [pg.ClientBase, pg.ClientBase],
  plan: DatasetPlan,
): Promise<TwoStoreCounts['cold']> {
  const [cold, pricesSession] = sessions;
  const archivedAt = `timestamptz '${plan.anchor.toISOString()}'`;
  await Promise.all(sessions.map(prepareLoadSession));
  await Promise.all([
    withIndexesDeferred(
      cold,
      ['messages_archive', 'posts_archive', 'comments_archive', 'post_likes_archive'],
      async () => {
        await cold.query(
          `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at, archived_at)
         SELECT id, conversation_id, sender_id, content, created_at, ${archivedAt} FROM (${messagesSource(plan)}) s WHERE created_at < ${cutoffLiteral(plan)}`,
        );
        await cold.query(
          `INSERT INTO posts_archive (original_id, author_id, title, body, created_at, archived_at)
         SELECT id, author_id, title, body, created_at, ${archivedAt} FROM (${postsSource(plan)}) s WHERE created_at < ${cutoffLiteral(plan)}`,
        );
        await cold.query(
          `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at, archived_at)
         SELECT id, post_id, author_id, body, created_at, ${archivedAt} FROM (${byPostAge(plan, commentsSource(plan), 'cold')}) s`,
        );
        await cold.query(
          `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at, archived_at)
         SELECT id, post_id, user_id, created_at, ${archivedAt} FROM (${byPostAge(plan, likesSource(plan), 'cold')}) s`,
        );
      },
    ),
    withIndexesDeferred(pricesSession, ['stock_prices_history'], () =>
      pricesSession.query(
        `INSERT INTO stock_prices_history
           (original_id, stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count, created_at, archived_at)
         SELECT *, ${archivedAt} FROM (${pricesSource(plan)}) s WHERE trade_date < ${cutoffDay(plan)}`,
      ),
    ),
  ]);
  // Daily activity of exactly the archived rows (UTC days), as archival derives it.
  await cold.query(
    `INSERT INTO user_activity (user_id, activity_date, action_type, count)
     SELECT sender_id, (created_at AT TIME ZONE 'UTC')::date, 'MESSAGE', count(*) FROM messages_archive GROUP BY 1, 2
     UNION ALL
     SELECT author_id, (created_at AT TIME ZONE 'UTC')::date, 'POST', count(*) FROM posts_archive GROUP BY 1, 2
     UNION ALL
     SELECT author_id, (created_at AT TIME ZONE 'UTC')::date, 'COMMENT', count(*) FROM comments_archive GROUP BY 1, 2
     UNION ALL
     SELECT user_id, (created_at AT TIME ZONE 'UTC')::date, 'LIKE', count(*) FROM post_likes_archive GROUP BY 1, 2`,
  );
  const counts = {
    messages: await countRows(cold, 'messages_archive'),
    posts: await countRows(cold, 'posts_archive'),
    comments: await countRows(cold, 'comments_archive'),
    likes: await countRows(cold, 'post_likes_archive'),
    stockPrices: await countRows(cold, 'stock_prices_history'),
    userActivity: await countRows(cold, 'user_activity'),
  };
  await cold.query(
    `INSERT INTO archival_runs (kind, status, dry_run, cutoff, started_at, finished_at, messages, posts, comments, likes, stock_prices)
     VALUES ('ARCHIVE', 'SUCCEEDED', false, $1, $2, $2, $3, $4, $5, $6, $7)`,
    [plan.cutoff, plan.anchor, counts.messages, counts.posts, counts.comments, counts.likes, counts.stockPrices],
  );
  return counts;
}
