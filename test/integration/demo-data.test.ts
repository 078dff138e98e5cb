/**
 * The demo data set and its loader: deterministic data, and a load that leaves the two stores
 * exactly as archival would have (every row in one store, split at the cutoff, derived counts
 * and activity matching the archived rows, sequences past every generated id).
 */
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import pg from 'pg';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshDatabases, hotIsPostgres } from '../support/databases.js';
import { generateDemoData, type DemoData } from '../../src/demo/generate.js';
import { loadDemoData, type DemoSummary } from '../../src/demo/load.js';

const ANCHOR = new Date('2026-11-20T08:15:30.123Z');
const SCALE = 0.02;
const HOT_DAYS = 35;
const DAY_MS = 86_400_000;

async function ids(client: pg.ClientBase, sql: string): Promise<number[]> {
  const result = await client.query<{ id: number }>(sql);
  return result.rows.map((row) => row.id);
}

async function count(client: pg.ClientBase, sql: string): Promise<number> {
  const result = await client.query<{ n: number }>(sql);
  return result.rows[0].n;
}

/** Asserts that hot ∪ cold is exactly `expected`, with no id in both stores. */
function expectPartition(hotIds: number[], coldIds: number[], expected: number[]): void {
  const hot = new Set(hotIds);
  const overlap = coldIds.filter((id) => hot.has(id));
  expect(overlap).toEqual([]);
  expect(hotIds.length).toBe(hot.size);
  expect(new Set(coldIds).size).toBe(coldIds.length);
  expect([...hotIds, ...coldIds].sort((a, b) => a - b)).toEqual([...expected].sort((a, b) => a - b));
}

describe('generateDemoData', () => {
  it('is deterministic for a given anchor', () => {
    const first = generateDemoData(ANCHOR, SCALE);
    const second = generateDemoData(new Date(ANCHOR.getTime()), SCALE);
    expect(second).toEqual(first);

    // Spot checks on the shape.
    expect(first.users).toHaveLength(200);
    expect(first.users[0]).toMatchObject({ id: 1, username: 'demo', displayName: 'Demo User' });
    expect(first.stocks).toHaveLength(50);
    expect(first.stocks.find((stock) => stock.symbol === '2330')?.name).toContain('TSMC');
    expect(first.conversations).toHaveLength(300);
    expect(first.messages).toHaveLength(Math.round(200_000 * SCALE));
    expect(first.posts).toHaveLength(Math.round(5_000 * SCALE));
    expect(first.messages[17]).toEqual(second.messages[17]);
    expect(first.prices.at(-1)).toEqual(second.prices.at(-1));
  });

  it('keeps its invariants', () => {
    const data = generateDemoData(ANCHOR, SCALE);
    const anchorMs = ANCHOR.getTime();

    expect(new Set(data.users.map((user) => user.username)).size).toBe(data.users.length);
    expect(data.participants.filter((p) => p.userId === 1).length).toBeGreaterThanOrEqual(10);
    expect(data.posts.some((post) => post.authorId === 1)).toBe(true);

    const members = new Map<number, Set<number>>();
    for (const p of data.participants) {
      if (!members.has(p.conversationId)) members.set(p.conversationId, new Set());
      members.get(p.conversationId)!.add(p.userId);
    }
    for (const size of [...members.values()].map((set) => set.size)) {
      expect(size).toBeGreaterThanOrEqual(3);
      expect(size).toBeLessThanOrEqual(8);
    }
    data.messages.forEach((message, i) => {
      const at = message.createdAt.getTime();
      expect(at).toBeLessThan(anchorMs);
      expect(at).toBeGreaterThan(anchorMs - 120 * DAY_MS);
      expect(message.id).toBe(i + 1);
      if (i > 0) expect(at).toBeGreaterThanOrEqual(data.messages[i - 1].createdAt.getTime());
      expect(members.get(message.conversationId)!.has(message.senderId)).toBe(true);
    });
    expect(data.messages.some((message) => /\b(TSMC|2330)\b/.test(message.content))).toBe(true);

    const postTime = new Map(data.posts.map((post) => [post.id, post.createdAt.getTime()]));
    for (const rows of [data.comments, data.likes]) {
      rows.forEach((row, i) => {
        expect(row.id).toBe(i + 1);
        if (i > 0) expect(row.createdAt.getTime()).toBeGreaterThanOrEqual(rows[i - 1].createdAt.getTime());
        expect(row.createdAt.getTime()).toBeGreaterThan(postTime.get(row.postId)!);
        expect(row.createdAt.getTime()).toBeLessThan(anchorMs);
      });
    }
    const likePairs = new Set(data.likes.map((like) => `${like.postId}:${like.userId}`));
    expect(likePairs.size).toBe(data.likes.length);

    for (const price of data.prices) {
      const [open, high, low, close] = [price.open, price.high, price.low, price.close].map(Number);
      expect(high).toBeGreaterThanOrEqual(Math.max(open, close));
      expect(low).toBeLessThanOrEqual(Math.min(open, close));
      expect(low).toBeGreaterThan(0);
    }
    expect(data.prices.at(-1)!.tradeDate <= ANCHOR.toISOString().slice(0, 10)).toBe(true);
  });
});

describe.runIf(hotIsPostgres())('loadDemoData', () => {
  let dbs: Awaited<ReturnType<typeof freshDatabases>>;
  let messagesConnection: pg.Client | undefined;
  let data: DemoData;
  let summary: DemoSummary;
  const cutoff = new Date(ANCHOR.getTime() - HOT_DAYS * DAY_MS);

  beforeAll(async () => {
    dbs = await freshDatabases();
    // As main.ts loads it: messages_archive on a second cold connection.
    messagesConnection = new pg.Client(pgConnectionConfig(dbs.stores.cold));
    await messagesConnection.connect();
    summary = await loadDemoData(dbs.hot, dbs.cold, {
      anchor: ANCHOR,
      hotDays: HOT_DAYS,
      scale: SCALE,
      messagesConnection,
    });
    data = generateDemoData(ANCHOR, SCALE);
  }, 120_000);

  afterAll(async () => {
    await messagesConnection?.end();
    await dbs?.drop();
  });

  it('reports the cutoff and what it wrote', async () => {
    expect(summary.cutoff.toISOString()).toBe(cutoff.toISOString());
    expect(summary.hot.users).toBe(200);
    expect(summary.hot.messages + summary.cold.messages_archive).toBe(data.messages.length);
    expect(summary.hot.messages).toBeGreaterThan(0);
    expect(summary.cold.messages_archive).toBeGreaterThan(0);
    expect(await count(dbs.hot, 'SELECT count(*)::int AS n FROM messages')).toBe(summary.hot.messages);
    expect(await count(dbs.cold, 'SELECT count(*)::int AS n FROM messages_archive')).toBe(
      summary.cold.messages_archive,
    );
  });

  it('puts every generated message, post, comment, like and price in exactly one store', async () => {
    const { hot, cold } = dbs;
    expectPartition(
      await ids(hot, 'SELECT id FROM messages'),
      await ids(cold, 'SELECT original_id AS id FROM messages_archive'),
      data.messages.map((row) => row.id),
    );
    expectPartition(
      await ids(hot, 'SELECT id FROM posts'),
      await ids(cold, 'SELECT original_id AS id FROM posts_archive'),
      data.posts.map((row) => row.id),
    );
    expectPartition(
      await ids(hot, 'SELECT id FROM comments'),
      await ids(cold, 'SELECT original_id AS id FROM comments_archive'),
      data.comments.map((row) => row.id),
    );
    expectPartition(
      await ids(hot, 'SELECT id FROM post_likes'),
      await ids(cold, 'SELECT original_id AS id FROM post_likes_archive'),
      data.likes.map((row) => row.id),
    );
    expectPartition(
      await ids(hot, 'SELECT id FROM stock_prices'),
      await ids(cold, 'SELECT original_id AS id FROM stock_prices_history'),
      data.prices.map((row) => row.id),
    );
  });

  it('splits at the cutoff: nothing hot older than it, nothing cold newer', async () => {
    const { hot, cold } = dbs;
    const at = [cutoff.toISOString()];
    for (const table of ['messages', 'posts', 'comments', 'post_likes']) {
      expect((await hot.query(`SELECT count(*)::int AS n FROM ${table} WHERE created_at < $1`, at)).rows[0].n).toBe(0);
    }
    for (const table of ['messages_archive', 'posts_archive']) {
      expect((await cold.query(`SELECT count(*)::int AS n FROM ${table} WHERE created_at >= $1`, at)).rows[0].n).toBe(
        0,
      );
    }
    const cutoffDate = [cutoff.toISOString().slice(0, 10)];
    expect(
      (await hot.query('SELECT count(*)::int AS n FROM stock_prices WHERE trade_date < $1::date', cutoffDate)).rows[0]
        .n,
    ).toBe(0);
    expect(
      (await cold.query('SELECT count(*)::int AS n FROM stock_prices_history WHERE trade_date >= $1::date', cutoffDate))
        .rows[0].n,
    ).toBe(0);

    // Rows keep their content and millisecond timestamps.
    const sample = data.messages[0];
    const archived = await cold.query(
      'SELECT conversation_id, sender_id, content, created_at, archived_at FROM messages_archive WHERE original_id = $1',
      [sample.id],
    );
    expect(archived.rows[0]).toEqual({
      conversation_id: sample.conversationId,
      sender_id: sample.senderId,
      content: sample.content,
      created_at: sample.createdAt,
      archived_at: ANCHOR,
    });
    const latest = data.messages.at(-1)!;
    const live = await hot.query('SELECT conversation_id, sender_id, content, created_at FROM messages WHERE id = $1', [
      latest.id,
    ]);
    expect(live.rows[0]).toEqual({
      conversation_id: latest.conversationId,
      sender_id: latest.senderId,
      content: latest.content,
      created_at: latest.createdAt,
    });
  });

  it('archives posts with all their comments and likes', async () => {
    const { hot, cold } = dbs;
    const posts = await cold.query<{ comments: number; likes: number }>(`
      SELECT (SELECT count(*)::int FROM comments_archive c WHERE c.post_id = p.original_id) AS comments,
             (SELECT count(*)::int FROM post_likes_archive l WHERE l.post_id = p.original_id) AS likes
      FROM posts_archive p`);
    expect(posts.rows.length).toBe(summary.cold.posts_archive);
    expect(posts.rows.some((row) => row.comments > 0)).toBe(true);
    expect(posts.rows.some((row) => row.likes > 0)).toBe(true);
    // No cold comment or like without its cold post, and none in hot for a cold post.
    expect(
      await count(
        cold,
        'SELECT count(*)::int AS n FROM comments_archive c WHERE NOT EXISTS (SELECT 1 FROM posts_archive p WHERE p.original_id = c.post_id)',
      ),
    ).toBe(0);
    expect(
      await count(
        cold,
        'SELECT count(*)::int AS n FROM post_likes_archive l WHERE NOT EXISTS (SELECT 1 FROM posts_archive p WHERE p.original_id = l.post_id)',
      ),
    ).toBe(0);
    expect(
      await count(
        hot,
        'SELECT count(*)::int AS n FROM comments c WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = c.post_id)',
      ),
    ).toBe(0);
    expect(
      await count(
        hot,
        'SELECT count(*)::int AS n FROM post_likes l WHERE NOT EXISTS (SELECT 1 FROM posts p WHERE p.id = l.post_id)',
      ),
    ).toBe(0);
  });

  it('derives user_activity from exactly the archived rows', async () => {
    const { cold } = dbs;
    const stored = await cold.query(
      `SELECT user_id, activity_date::text AS day, action_type, count FROM user_activity ORDER BY user_id, day, action_type`,
    );
    const derived = await cold.query(`
      SELECT user_id, day, action_type, count FROM (
        SELECT sender_id AS user_id, (created_at AT TIME ZONE 'UTC')::date::text AS day, 'MESSAGE' AS action_type, count(*)::int AS count
          FROM messages_archive GROUP BY 1, 2
        UNION ALL
        SELECT author_id, (created_at AT TIME ZONE 'UTC')::date::text, 'POST', count(*)::int FROM posts_archive GROUP BY 1, 2
        UNION ALL
        SELECT author_id, (created_at AT TIME ZONE 'UTC')::date::text, 'COMMENT', count(*)::int FROM comments_archive GROUP BY 1, 2
        UNION ALL
        SELECT user_id, (created_at AT TIME ZONE 'UTC')::date::text, 'LIKE', count(*)::int FROM post_likes_archive GROUP BY 1, 2
      ) AS a ORDER BY user_id, day, action_type`);
    expect(stored.rows).toEqual(derived.rows);

    const totals = await cold.query<{ action_type: string; total: number }>(
      'SELECT action_type, sum(count)::int AS total FROM user_activity GROUP BY action_type',
    );
    const byType = Object.fromEntries(totals.rows.map((row) => [row.action_type, row.total]));
    expect(byType).toEqual({
      MESSAGE: summary.cold.messages_archive,
      POST: summary.cold.posts_archive,
      COMMENT: summary.cold.comments_archive,
      LIKE: summary.cold.post_likes_archive,
    });
  });

  it('sets every hot sequence past all generated ids, archived ones included', async () => {
    const { hot } = dbs;
    const member = data.participants[0];
    await hot.query('BEGIN');
    try {
      const message = await hot.query<{ id: number }>(
        `INSERT INTO messages (conversation_id, sender_id, content) VALUES ($1, $2, 'new') RETURNING id`,
        [member.conversationId, member.userId],
      );
      expect(message.rows[0].id).toBeGreaterThan(Math.max(...data.messages.map((row) => row.id)));
      const post = await hot.query<{ id: number }>(
        `INSERT INTO posts (author_id, title, body) VALUES (1, 't', 'b') RETURNING id`,
      );
      expect(post.rows[0].id).toBeGreaterThan(data.posts.length);
      const comment = await hot.query<{ id: number }>(
        `INSERT INTO comments (post_id, author_id, body) VALUES ($1, 1, 'c') RETURNING id`,
        [post.rows[0].id],
      );
      expect(comment.rows[0].id).toBeGreaterThan(data.comments.length);
      const like = await hot.query<{ id: number }>(
        `INSERT INTO post_likes (post_id, user_id) VALUES ($1, 1) RETURNING id`,
        [post.rows[0].id],
      );
      expect(like.rows[0].id).toBeGreaterThan(data.likes.length);
      const price = await hot.query<{ id: number }>(
        `INSERT INTO stock_prices (stock_id, trade_date) VALUES (1, '2099-01-01') RETURNING id`,
      );
      expect(price.rows[0].id).toBeGreaterThan(data.prices.length);
      const user = await hot.query<{ id: number }>(
        `INSERT INTO users (username, display_name) VALUES ('new.user', 'New User') RETURNING id`,
      );
      expect(user.rows[0].id).toBe(data.users.length + 1);
    } finally {
      await hot.query('ROLLBACK');
    }
  });

  it('records one successful archival run', async () => {
    const runs = await dbs.cold.query('SELECT * FROM archival_runs');
    expect(runs.rows).toHaveLength(1);
    expect(runs.rows[0]).toMatchObject({
      status: 'SUCCEEDED',
      dry_run: false,
      cutoff,
      started_at: ANCHOR,
      finished_at: ANCHOR,
      messages: summary.cold.messages_archive,
      posts: summary.cold.posts_archive,
      comments: summary.cold.comments_archive,
      likes: summary.cold.post_likes_archive,
      stock_prices: summary.cold.stock_prices_history,
      error: null,
    });
    expect(summary.cold.stock_prices_history).toBeGreaterThan(0);
  });
});

describe.runIf(hotIsPostgres())('loadDemoData after a load that did not finish', () => {
  it('rolls back both stores (both cold transactions) when the hot half fails', async () => {
    const db = await freshDatabases();
    const messagesConnection = new pg.Client(pgConnectionConfig(db.stores.cold));
    await messagesConnection.connect();
    try {
      // A hot user that collides with the demo's first username makes the hot half fail.
      await db.hot.query(`INSERT INTO users (id, username, display_name) VALUES (9999, 'demo', 'Squatter')`);
      await expect(loadDemoData(db.hot, db.cold, { anchor: ANCHOR, scale: SCALE, messagesConnection })).rejects.toThrow(
        /users_username_key/,
      );
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM posts_archive')).toBe(0);
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM messages_archive')).toBe(0);
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM archival_runs')).toBe(0);
      expect(await count(db.hot, 'SELECT count(*)::int AS n FROM messages')).toBe(0);
    } finally {
      await messagesConnection.end();
      await db.drop();
    }
  });

  it('replaces the cold rows of a load stopped between its cold and its hot commit, without duplicating them', async () => {
    const db = await freshDatabases();
    const indexes = async () =>
      (
        await db.cold.query<{ definition: string }>(
          `SELECT indexdef AS definition FROM pg_indexes WHERE schemaname = current_schema() ORDER BY indexname`,
        )
      ).rows.map((row) => row.definition);
    try {
      const before = await indexes();
      const first = await loadDemoData(db.hot, db.cold, { anchor: ANCHOR, scale: SCALE });
      // What a crash between the two commits leaves: the whole cold half, nothing in hot.
      await db.hot.query(
        `TRUNCATE users, stocks, conversations, conversation_participants, messages, posts, comments, post_likes,
                  stock_prices, archive_bounds CASCADE`,
      );
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM messages_archive')).toBe(first.cold.messages_archive);

      const summary = await loadDemoData(db.hot, db.cold, { anchor: ANCHOR, scale: SCALE });
      expect(summary.cold).toEqual(first.cold);
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM messages_archive')).toBe(
        summary.cold.messages_archive,
      );
      expect(await count(db.cold, 'SELECT count(*)::int AS n FROM archival_runs')).toBe(1);
      // The indexes dropped for the load are all back, as they were.
      expect(await indexes()).toEqual(before);
      expect(before.some((definition) => definition.includes('gin_trgm_ops'))).toBe(true);
    } finally {
      await db.drop();
    }
  });
});
