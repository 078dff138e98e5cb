/**
 * The archival job on real databases: a crash injected at every step then a rerun leaves every
 * row in exactly one store, unchanged, counted once; runs exclude each other; readers and
 * writers working during a run lose and repeat nothing.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival, type ArchivalOptions, type Dataset, type FaultPoint } from '../../src/archival/job.js';
import { failInterruptedRuns } from '../../src/archival/recorded-run.js';
import { runRestore, type RestoreOptions, type RestorePoint } from '../../src/archival/restore.js';
import type { Viewer } from '../../src/auth/viewer.js';
import { loadDemoData } from '../../src/demo/load.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter, hotEngine } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import type { KillableTask } from '../support/killable-archival-entry.js';
import { runKilled, waitForLockRelease } from '../support/killable-archival.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const ANCHOR = new Date('2026-11-20T08:00:00.000Z');
/** Five days after the demo's 35-day split: the first run has five days to move. */
const NOW = () => new Date(ANCHOR.getTime() + 5 * 86_400_000);
const SCALE = 0.02;

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let stores: Stores;
let gateway: TestGateway;

const restore = (options: Partial<RestoreOptions> = {}) =>
  runRestore(
    {
      hot: stores.hot,
      hotEngine: hotEngine(fresh.hot),
      hotSql: stores.hotSql,
      cold: fresh.cold,
      bounds: stores.bounds,
    },
    { from: RESTORE_FROM, to: RESTORE_TO, ...options },
  );
/** The ten days before the first run's cutoff day: rows the demo archived and rows the run moved. */
const RESTORE_FROM = new Date(NOW().getTime() - 40 * 86_400_000).toISOString().slice(0, 10);
const RESTORE_TO = new Date(NOW().getTime() - 31 * 86_400_000).toISOString().slice(0, 10);

const archive = (options: Partial<ArchivalOptions> = {}) =>
  runArchival(
    { hot: stores.hot, hotSql: stores.hotSql, cold: fresh.cold, bounds: stores.bounds },
    { olderThanDays: 30, dryRun: false, batchSize: 40, now: NOW, ...options },
  );

async function resetData(): Promise<void> {
  const hotTables = [
    'messages',
    'post_likes',
    'comments',
    'posts',
    'stock_prices',
    'conversation_participants',
    'conversations',
    'stocks',
    'users',
  ];
  await hotDb.query(`TRUNCATE ${hotTables.join(', ')}`);
  await loadDemoData(hotDb, coldDb, { anchor: ANCHOR, scale: SCALE });
  stores.bounds.invalidate();
}

/** The first row of a query. */
const one = async (client: pg.Client, sql: string, params: unknown[] = []) =>
  (await client.query(sql, params)).rows[0] as Record<string, any>;

/** Every archivable row, wherever it is, with what identifies its content. */
async function snapshot() {
  const rows = async (client: pg.Client, sql: string) =>
    (await client.query<{ id: number; v: string }>(sql)).rows.map((r) => [r.id, r.v] as const);
  const datasets = {
    messages: [
      `SELECT id, content || created_at::text AS v FROM messages`,
      `SELECT original_id AS id, content || created_at::text AS v FROM messages_archive`,
    ],
    posts: [
      `SELECT id, title || body || created_at::text AS v FROM posts`,
      `SELECT original_id AS id, title || body || created_at::text AS v FROM posts_archive`,
    ],
    comments: [
      `SELECT id, post_id || body || created_at::text AS v FROM comments`,
      `SELECT original_id AS id, post_id || body || created_at::text AS v FROM comments_archive`,
    ],
    likes: [
      `SELECT id, post_id || ':' || user_id AS v FROM post_likes`,
      `SELECT original_id AS id, post_id || ':' || user_id AS v FROM post_likes_archive`,
    ],
    prices: [
      `SELECT id, trade_date::text || close::text AS v FROM stock_prices`,
      `SELECT original_id AS id, trade_date::text || close::text AS v FROM stock_prices_history`,
    ],
  };
  const result: Record<string, { hot: number[]; cold: number[]; content: Map<number, string> }> = {};
  for (const [name, [hotSql, coldSql]] of Object.entries(datasets)) {
    const hot = await rows(hotDb, hotSql);
    const cold = await rows(coldDb, coldSql);
    result[name] = { hot: hot.map(([id]) => id), cold: cold.map(([id]) => id), content: new Map([...hot, ...cold]) };
  }
  // Activity as the API computes it: archived counts plus the rows still hot.
  const { rows: archived } = await coldDb.query<{ k: string; n: number }>(
    `SELECT user_id || '|' || activity_date || '|' || action_type AS k, count AS n FROM user_activity`,
  );
  const { rows: live } = await hotDb.query<{ k: string; n: string }>(`
    SELECT k, count(*) AS n FROM (
      SELECT sender_id || '|' || (created_at AT TIME ZONE 'UTC')::date || '|MESSAGE' AS k FROM messages
      UNION ALL SELECT author_id || '|' || (created_at AT TIME ZONE 'UTC')::date || '|POST' FROM posts
      UNION ALL SELECT author_id || '|' || (created_at AT TIME ZONE 'UTC')::date || '|COMMENT' FROM comments
      UNION ALL SELECT user_id || '|' || (created_at AT TIME ZONE 'UTC')::date || '|LIKE' FROM post_likes) x GROUP BY k`);
  const activity = new Map<string, number>();
  for (const { k, n } of [...archived, ...live]) activity.set(k, (activity.get(k) ?? 0) + Number(n));
  return { datasets: result, activity };
}

/** Every row in exactly one store, with its content and the activity unchanged. */
function expectIntact(before: Awaited<ReturnType<typeof snapshot>>, after: Awaited<ReturnType<typeof snapshot>>) {
  for (const [name, { hot, cold, content }] of Object.entries(after.datasets)) {
    const inBoth = hot.filter((id) => cold.includes(id));
    expect(inBoth, `${name} in both stores`).toEqual([]);
    expect(new Set([...hot, ...cold]).size, `${name} rows`).toBe(before.datasets[name].content.size);
    expect(content, `${name} contents`).toEqual(before.datasets[name].content);
  }
  expect(after.activity).toEqual(before.activity);
}

const ADMIN: Viewer = { kind: 'admin' };

const chunks = <T>(items: T[], size: number) =>
  Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, i * size + size));

/**
 * The counts the API answers: totalCount of the posts, of each post's comments, of each
 * conversation's messages, of each user's posts and of each stock's prices; each post's
 * likeCount and commentCount; each user's activity (over ten years).
 */
async function apiCounts(): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const q = async (source: string) => {
    const { data, errors } = await gateway.execute(source, ADMIN);
    expect(errors, source).toBeUndefined();
    return data;
  };
  for (let after: string | null = null; ;) {
    const data: any = await q(
      `{ posts(first: 25${after ? `, after: "${after}"` : ''}) { totalCount pageInfo { hasNextPage endCursor }
         edges { node { databaseId likeCount commentCount } } } }`,
    );
    counts.set('posts', data.posts.totalCount);
    for (const { node } of data.posts.edges) {
      counts.set(`post ${node.databaseId} likeCount`, node.likeCount);
      counts.set(`post ${node.databaseId} commentCount`, node.commentCount);
    }
    if (!data.posts.pageInfo.hasNextPage) break;
    after = data.posts.pageInfo.endCursor;
  }
  const postIds = [...counts.keys()].filter((k) => k.endsWith(' likeCount')).map((k) => Number(k.split(' ')[1]));
  for (const chunk of chunks(postIds, 8)) {
    const data = await q(
      `{ ${chunk.map((id) => `p${id}: post(id: "${toGlobalId('Post', id)}") { comments(first: 1) { totalCount } }`).join(' ')} }`,
    );
    for (const id of chunk) counts.set(`post ${id} comments`, data[`p${id}`].comments.totalCount);
  }
  const conversations = (await hotDb.query<{ id: number }>('SELECT id FROM conversations ORDER BY id')).rows;
  for (const chunk of chunks(conversations, 8)) {
    const data = await q(
      `{ ${chunk.map((c) => `c${c.id}: conversation(id: "${toGlobalId('Conversation', c.id)}") { messages(first: 1) { totalCount } }`).join(' ')} }`,
    );
    for (const c of chunk) counts.set(`conversation ${c.id} messages`, data[`c${c.id}`].messages.totalCount);
  }
  const stocks = (await hotDb.query<{ id: number; symbol: string }>('SELECT id, symbol FROM stocks ORDER BY id')).rows;
  for (const chunk of chunks(stocks, 8)) {
    const data = await q(
      `{ ${chunk.map((s) => `s${s.id}: stock(symbol: "${s.symbol}") { prices(first: 1) { totalCount } }`).join(' ')} }`,
    );
    for (const s of chunk) counts.set(`stock ${s.id} prices`, data[`s${s.id}`].prices.totalCount);
  }
  const users = (await hotDb.query<{ id: number; username: string }>('SELECT id, username FROM users ORDER BY id'))
    .rows;
  for (const chunk of chunks(users, 4)) {
    const data = await q(
      `{ ${chunk.map((u) => `u${u.id}: user(username: "${u.username}") { posts(first: 1) { totalCount } activity(from: "2020-01-01", to: "2029-12-31") { actionType count date } }`).join(' ')} }`,
    );
    for (const u of chunk) {
      counts.set(`user ${u.id} posts`, data[`u${u.id}`].posts.totalCount);
      for (const a of data[`u${u.id}`].activity)
        if (a.count !== 0) counts.set(`activity ${u.id}|${a.date}|${a.actionType}`, a.count);
    }
  }
  return counts;
}

/** The same counts from the rows themselves: the union of both stores, each id once. */
async function oracleCounts(): Promise<Map<string, number>> {
  const union = async (hotSql: string, coldSql: string) => {
    const rows = new Map<number, Record<string, any>>();
    for (const row of (await coldDb.query(coldSql)).rows) rows.set(row.id, row);
    for (const row of (await hotDb.query(hotSql)).rows) rows.set(row.id, row);
    return [...rows.values()];
  };
  const day = `(created_at AT TIME ZONE 'UTC')::date::text AS day`;
  const posts = await union(
    `SELECT id, author_id AS user_id, ${day} FROM posts`,
    `SELECT original_id AS id, author_id AS user_id, ${day} FROM posts_archive`,
  );
  const comments = await union(
    `SELECT id, post_id, author_id AS user_id, ${day} FROM comments`,
    `SELECT original_id AS id, post_id, author_id AS user_id, ${day} FROM comments_archive`,
  );
  const likes = await union(
    `SELECT id, post_id, user_id, ${day} FROM post_likes`,
    `SELECT original_id AS id, post_id, user_id, ${day} FROM post_likes_archive`,
  );
  const messages = await union(
    `SELECT id, conversation_id, sender_id AS user_id, ${day} FROM messages`,
    `SELECT original_id AS id, conversation_id, sender_id AS user_id, ${day} FROM messages_archive`,
  );
  const prices = await union(
    `SELECT id, stock_id FROM stock_prices`,
    `SELECT original_id AS id, stock_id FROM stock_prices_history`,
  );
  const counts = new Map<string, number>();
  const add = (key: string, n = 1) => counts.set(key, (counts.get(key) ?? 0) + n);
  counts.set('posts', posts.length);
  for (const p of posts) {
    counts.set(`post ${p.id} likeCount`, 0);
    counts.set(`post ${p.id} commentCount`, 0);
    counts.set(`post ${p.id} comments`, 0);
  }
  for (const c of comments) {
    add(`post ${c.post_id} commentCount`);
    add(`post ${c.post_id} comments`);
  }
  for (const l of likes) add(`post ${l.post_id} likeCount`);
  for (const { id } of (await hotDb.query('SELECT id FROM conversations')).rows)
    counts.set(`conversation ${id} messages`, 0);
  for (const m of messages) add(`conversation ${m.conversation_id} messages`);
  for (const { id } of (await hotDb.query('SELECT id FROM stocks')).rows) counts.set(`stock ${id} prices`, 0);
  for (const p of prices) add(`stock ${p.stock_id} prices`);
  for (const { id } of (await hotDb.query('SELECT id FROM users')).rows) counts.set(`user ${id} posts`, 0);
  for (const p of posts) add(`user ${p.user_id} posts`);
  for (const [rows, type] of [
    [messages, 'MESSAGE'],
    [posts, 'POST'],
    [comments, 'COMMENT'],
    [likes, 'LIKE'],
  ] as const)
    for (const r of rows) add(`activity ${r.user_id}|${r.day}|${type}`);
  return counts;
}

/** Ids held by both stores, per dataset. */
/** Per dataset of snapshot(), the ids of rows in both stores. */
async function inBothStores(): Promise<Record<string, number[]>> {
  const { datasets } = await snapshot();
  return Object.fromEntries(
    Object.entries(datasets).map(([name, { hot, cold }]) => [name, hot.filter((id) => cold.includes(id))]),
  );
}

/** Per dataset of snapshot(): its hot table and its cold table. */
const TABLES: Record<string, [string, string]> = {
  messages: ['messages', 'messages_archive'],
  posts: ['posts', 'posts_archive'],
  comments: ['comments', 'comments_archive'],
  likes: ['post_likes', 'post_likes_archive'],
  prices: ['stock_prices', 'stock_prices_history'],
};

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  const { hot, cold, hotSql, coldSql } = storeClients(hotAdapter(fresh.hot), coldAdapter(fresh.cold));
  const bounds = createArchiveBounds({ hot, cold: cold! });
  stores = {
    hot,
    cold,
    hotSql,
    coldSql,
    bounds,
    archive: (options) => runArchival({ hot, hotSql, cold: fresh.cold, bounds }, { ...options, now: NOW }),
    restore: (options) =>
      runRestore({ hot, hotEngine: hotEngine(fresh.hot), hotSql, cold: fresh.cold, bounds }, options),
  };
  gateway = await startTestGateway(stores);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

describe.runIf(hotIsPostgres())('archival', () => {
  it('moves everything older than the cutoff, and nothing else', async () => {
    await resetData();
    const before = await snapshot();
    const dry = await archive({ dryRun: true });
    expect(await snapshot()).toEqual(before);
    const run = await archive();
    expect(run).toMatchObject({ status: 'SUCCEEDED', dryRun: false, error: null });
    expect({
      messages: run.messages,
      posts: run.posts,
      comments: run.comments,
      likes: run.likes,
      stockPrices: run.stockPrices,
    }).toEqual({
      messages: dry.messages,
      posts: dry.posts,
      comments: dry.comments,
      likes: dry.likes,
      stockPrices: dry.stockPrices,
    });
    expect(run.messages).toBeGreaterThan(40); // several batches of 40
    expect(run.posts).toBeGreaterThan(0);
    const after = await snapshot();
    expectIntact(before, after);
    const cutoff = new Date(NOW().getTime() - 30 * 86_400_000);
    expect(
      (await hotDb.query(`SELECT count(*)::int AS n FROM messages WHERE created_at < $1`, [cutoff])).rows[0].n,
    ).toBe(0);
    expect((await hotDb.query(`SELECT count(*)::int AS n FROM posts WHERE created_at < $1`, [cutoff])).rows[0].n).toBe(
      0,
    );
    expect(
      (
        await hotDb.query(`SELECT count(*)::int AS n FROM stock_prices WHERE trade_date < $1::date`, [
          cutoff.toISOString().slice(0, 10),
        ])
      ).rows[0].n,
    ).toBe(0);
    expect(
      (await coldDb.query(`SELECT count(*)::int AS n FROM messages_archive WHERE created_at >= $1`, [cutoff])).rows[0]
        .n,
    ).toBe(0);
    const again = await archive();
    expect(again).toMatchObject({ status: 'SUCCEEDED', messages: 0, posts: 0, comments: 0, likes: 0, stockPrices: 0 });
    expectIntact(before, await snapshot());
  });

  const points: FaultPoint[] = ['afterRead', 'afterColdInsert', 'afterColdCommit', 'afterHotDelete', 'betweenBatches'];
  const datasets: Dataset[] = ['posts', 'messages'];
  for (const dataset of datasets) {
    for (const point of points) {
      it(`survives a crash ${point} in ${dataset}, then a rerun`, async () => {
        await resetData();
        const before = await snapshot();
        let seen = 0;
        // Crash on the second batch, so some batches are done and some are not.
        const fault = (at: FaultPoint, where: Dataset) => {
          if (at === point && where === dataset && ++seen === 2) throw new Error(`injected crash ${point}`);
        };
        await expect(archive({ fault, batchSize: dataset === 'posts' ? 2 : 40 })).rejects.toThrow(
          `injected crash ${point}`,
        );
        const { rows } = await coldDb.query(`SELECT status, error FROM archival_runs ORDER BY id DESC LIMIT 1`);
        expect(rows[0]).toEqual({ status: 'FAILED', error: `injected crash ${point}` });
        // Mid-run, rows may be in both stores, but none is lost.
        const middle = await snapshot();
        for (const [name, { content }] of Object.entries(middle.datasets))
          expect(content).toEqual(before.datasets[name].content);
        const rerun = await archive();
        expect(rerun.status).toBe('SUCCEEDED');
        expectIntact(before, await snapshot());
      });
    }
  }

  it('runs one at a time: a second caller gets ARCHIVAL_IN_PROGRESS', async () => {
    await resetData();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    let started!: () => void;
    const running = new Promise<void>((resolve) => (started = resolve));
    const first = archive({
      fault: async (point) => {
        if (point === 'afterRead') {
          started();
          await held;
        }
      },
    });
    await running;
    await expect(archive()).rejects.toMatchObject({ extensions: { code: 'ARCHIVAL_IN_PROGRESS' } });
    const viaApi = await gateway.execute('mutation { runArchival { status } }', { kind: 'admin' });
    expect(viaApi.errors?.[0]?.extensions?.code).toBe('ARCHIVAL_IN_PROGRESS');
    release();
    expect((await first).status).toBe('SUCCEEDED');
  });

  it('lets a client page through a conversation while its rows move, with no gap and no duplicate', async () => {
    await resetData();
    // A conversation whose 30 old messages have the highest ids, so they move in the last
    // batches, while the client reads one row per batch from its newest message down.
    const cutoff = NOW().getTime() - 30 * 86_400_000;
    await hotDb.query(`INSERT INTO conversations (id, title) VALUES (9000, 'Moving') ON CONFLICT DO NOTHING`);
    const ids = Array.from({ length: 40 }, (_, i) => 1_000_001 + i);
    const createdAt = (i: number) => new Date(cutoff + (i < 30 ? -(30 - i) * 60_000 : (i - 29) * 60_000));
    await hotDb.query(
      `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) SELECT id, 9000, 1, 'm' || id, at FROM unnest($1::int[], $2::timestamptz[]) AS x(id, at)`,
      [ids, ids.map((_, i) => createdAt(i).toISOString())],
    );
    const expected = [...ids].reverse();
    const conversation = toGlobalId('Conversation', 9000);
    const seen: { id: number; tier: string }[] = [];
    let after: string | null = null;
    let done = false;
    const step = async () => {
      if (done) return;
      const result = await gateway.execute(
        `{ conversation(id: "${conversation}") { messages(first: 1${after ? `, after: "${after}"` : ''}) { edges { node { databaseId tier } } pageInfo { hasNextPage endCursor } } } }`,
        { kind: 'admin' },
      );
      const page = result.data.conversation.messages;
      seen.push(...page.edges.map((e: any) => ({ id: e.node.databaseId, tier: e.node.tier })));
      after = page.pageInfo.endCursor;
      done = !page.pageInfo.hasNextPage;
    };
    // Before the run: the 10 new rows and the 12 newest old ones. During it, one row per batch
    // once this conversation's rows have started to move (they go oldest first, 7 at a time),
    // so the reader's cursor row itself moves under it.
    for (let i = 0; i < 22; i++) await step();
    const moving = async () =>
      (await hotDb.query(`SELECT count(*)::int AS n FROM messages WHERE id BETWEEN 1000001 AND 1000030`)).rows[0].n <
      30;
    await archive({
      batchSize: 7,
      fault: async (point, dataset) =>
        dataset === 'messages' && point === 'afterHotDelete' && (await moving()) ? step() : undefined,
    });
    while (!done) await step();
    expect(seen.map((row) => row.id)).toEqual(expected);
    // The reads really crossed the move: some old rows were read before it, some after.
    const old = seen.filter((row) => row.id < 1_000_031);
    expect(old.some((row) => row.tier === 'HOT')).toBe(true);
    expect(old.some((row) => row.tier === 'COLD')).toBe(true);
  });

  it('loses no message sent while a run is moving rows', async () => {
    await resetData();
    const { rows } = await hotDb.query<{ conversation_id: number; user_id: number }>(
      `SELECT conversation_id, user_id FROM conversation_participants LIMIT 1`,
    );
    const viewer: Viewer = { kind: 'user', userId: rows[0].user_id };
    const sent: number[] = [];
    const send = async (point: FaultPoint) => {
      if (point !== 'afterColdCommit' && point !== 'afterHotDelete') return;
      const result = await gateway.execute(
        `mutation { sendMessage(conversationId: "${toGlobalId('Conversation', rows[0].conversation_id)}", content: "during ${point}") { databaseId tier } }`,
        viewer,
      );
      expect(result.errors).toBeUndefined();
      sent.push(result.data.sendMessage.databaseId);
    };
    await archive({ fault: send });
    expect(sent.length).toBeGreaterThan(4);
    const { rows: found } = await hotDb.query(`SELECT id FROM messages WHERE id = ANY($1)`, [sent]);
    expect(found).toHaveLength(sent.length);
  });

  it('advances the watermark only on success, and reports the lag', async () => {
    await resetData();
    const status = () =>
      gateway.execute('{ archiveStatus { watermark oldestHotRecordAt lastRun { status dryRun } } }', {
        kind: 'analyst',
        userId: undefined,
      });
    const before = (await status()).data.archiveStatus;
    await expect(
      archive({
        fault: (point) => {
          if (point === 'afterHotDelete') throw new Error('boom');
        },
      }),
    ).rejects.toThrow('boom');
    const failed = (await status()).data.archiveStatus;
    expect(failed.watermark).toBe(before.watermark);
    expect(failed.lastRun).toEqual({ status: 'FAILED', dryRun: false });
    await archive({ dryRun: true });
    expect((await status()).data.archiveStatus.watermark).toBe(before.watermark);
    await archive();
    const after = (await status()).data.archiveStatus;
    expect(new Date(after.watermark).getTime()).toBe(NOW().getTime() - 30 * 86_400_000);
    expect(new Date(after.oldestHotRecordAt).getTime()).toBeGreaterThanOrEqual(new Date(after.watermark).getTime());
  });

  it('publishes its bounds to the hot store before it moves a row, so readers never need the cold store for them', async () => {
    await resetData();
    const published = async () =>
      (await hotDb.query(`SELECT cold_before, hot_from FROM archive_bounds WHERE id = 1`)).rows[0];
    const cutoff = new Date(NOW().getTime() - 30 * 86_400_000);
    const seen: unknown[] = [];
    // The oldest hot row (a price counts to the end of its day).
    const oldestHot = async () =>
      (
        await hotDb.query(
          `SELECT least((SELECT min(created_at) FROM messages), (SELECT min(created_at) FROM posts),
                        (SELECT min(trade_date) FROM stock_prices)::timestamp AT TIME ZONE 'UTC' + interval '1 day' - interval '1 millisecond') AS at`,
        )
      ).rows[0].at as Date;
    const oldest = [{ at: await oldestHot() }];
    expect(oldest[0].at.getTime()).toBeGreaterThanOrEqual(ANCHOR.getTime() - 35 * 86_400_000);
    await archive({ fault: async (point) => void (point === 'afterRead' && seen.push(await published())) });
    // Already raised when the first batch was read; hotFrom still the oldest hot row's until success.
    expect(seen[0]).toEqual({ cold_before: cutoff, hot_from: oldest[0].at });
    expect(await published()).toEqual({ cold_before: cutoff, hot_from: cutoff });
    // A reader whose cold store refuses every statement still knows where rows are.
    const noCold = new Proxy(
      {},
      {
        get: () => {
          throw new Error('the cold store must not be read');
        },
      },
    ) as never;
    expect(await createArchiveBounds({ hot: stores.hot, cold: noCold }).get()).toEqual({
      coldBefore: cutoff,
      hotFrom: cutoff,
      restoredThrough: null,
    });
    // A restore lowers hotFrom to the oldest row it put back (below the run's cutoff), and
    // publishes that it ended (stitched-page.ts reads hot again only for a newer restore).
    const run = await restore();
    const restored = await oldestHot();
    expect(restored.getTime()).toBeLessThan(cutoff.getTime());
    expect(await published()).toEqual({ cold_before: cutoff, hot_from: restored });
    expect((await hotDb.query(`SELECT restored_through FROM archive_bounds WHERE id = 1`)).rows[0]).toEqual({
      restored_through: Number(run.id),
    });
  });

  it('lets only the admin token run archival', async () => {
    const mutation = 'mutation { runArchival(input: { olderThanDays: 30, dryRun: true }) { status dryRun } }';
    const code = async (viewer: Viewer) => (await gateway.execute(mutation, viewer)).errors?.[0]?.extensions?.code;
    expect(await code({ kind: 'anonymous' })).toBe('UNAUTHENTICATED');
    expect(await code({ kind: 'user', userId: 1 })).toBe('FORBIDDEN');
    expect(await code({ kind: 'analyst', userId: 1 })).toBe('FORBIDDEN');
    const admin = await gateway.execute(mutation, { kind: 'admin' });
    expect(admin.data).toEqual({ runArchival: { status: 'SUCCEEDED', dryRun: true } });
    const bad = await gateway.execute('mutation { runArchival(input: { olderThanDays: -1 }) { status } }', {
      kind: 'admin',
    });
    expect(bad.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'olderThanDays' });
  });

  describe('nothing dropped, nothing rolled back', () => {
    const CUTOFF = new Date(NOW().getTime() - 30 * 86_400_000);
    const PRICE_DAY = CUTOFF.toISOString().slice(0, 10);

    it('fails the batch on a like that conflicts on (post_id, user_id), deletes nothing of it from hot, then moves it once the conflict is gone', async () => {
      await resetData();
      const before = await snapshot();
      const like = await one(
        hotDb,
        `SELECT l.id, l.post_id, l.user_id, l.created_at FROM post_likes l JOIN posts p ON p.id = l.post_id WHERE p.created_at < $1 ORDER BY l.id LIMIT 1`,
        [CUTOFF],
      );
      // Another row of the same (post, user) in cold, under another original_id.
      await coldDb.query(
        `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at, archived_at) VALUES ($1, $2, $3, $4, now())`,
        [900_000_000, like.post_id, like.user_id, like.created_at],
      );
      await expect(archive({ batchSize: 1000 })).rejects.toThrow(/post_likes_archive_post_id_user_id_key/);
      expect(await one(hotDb, `SELECT count(*)::int AS n FROM post_likes WHERE id = $1`, [like.id])).toEqual({ n: 1 });
      expect(
        await one(coldDb, `SELECT count(*)::int AS n FROM post_likes_archive WHERE original_id = $1`, [like.id]),
      ).toEqual({ n: 0 });
      await coldDb.query(`DELETE FROM post_likes_archive WHERE original_id = 900000000`);
      expect((await archive()).status).toBe('SUCCEEDED');
      expectIntact(before, await snapshot());
    });

    it('fails the batch on a price that conflicts on (stock_id, trade_date), deleting none of it from hot', async () => {
      await resetData();
      const before = await snapshot();
      const price = await one(
        hotDb,
        `SELECT id, stock_id, trade_date::text AS day FROM stock_prices WHERE trade_date < $1::date ORDER BY id LIMIT 1`,
        [PRICE_DAY],
      );
      await coldDb.query(
        `INSERT INTO stock_prices_history (original_id, stock_id, trade_date, close, created_at, archived_at) VALUES ($1, $2, $3::date, 1, now(), now())`,
        [900_000_000, price.stock_id, price.day],
      );
      const hotPrices = await one(hotDb, `SELECT count(*)::int AS n FROM stock_prices`);
      await expect(archive()).rejects.toThrow(/stock_prices_history_stock_id_trade_date_key/);
      // The failing batch is the first of prices: not one price left hot.
      expect(await one(hotDb, `SELECT count(*)::int AS n FROM stock_prices`)).toEqual(hotPrices);
      await coldDb.query(`DELETE FROM stock_prices_history WHERE original_id = 900000000`);
      expect((await archive()).status).toBe('SUCCEEDED');
      expectIntact(before, await snapshot());
    });

    it('keeps a price updated between its copy and its delete hot, and moves the new values on the next run', async () => {
      await resetData();
      const first = await one(
        hotDb,
        `SELECT id, close::text AS close FROM stock_prices WHERE trade_date < $1::date ORDER BY id LIMIT 1`,
        [PRICE_DAY],
      );
      let updated = false;
      const fault = async (at: FaultPoint, dataset: Dataset) => {
        // Between the first price batch's cold commit and its hot delete, as recordStockPrices would.
        if (at !== 'afterColdCommit' || dataset !== 'stockPrices' || updated) return;
        updated = true;
        await hotDb.query(`UPDATE stock_prices SET close = close + 1, volume = 777 WHERE id = $1`, [first.id]);
      };
      const before = await snapshot();
      const run = await archive({ fault });
      expect(run.status).toBe('SUCCEEDED');
      expect(updated).toBe(true);
      const kept = await one(
        hotDb,
        `SELECT close::text AS close, volume::text AS volume FROM stock_prices WHERE id = $1`,
        [first.id],
      );
      expect(kept).toEqual({ close: (Number(first.close) + 1).toFixed(4), volume: '777' });
      expect(run.stockPrices).toBe(before.datasets.prices.hot.length - (await snapshot()).datasets.prices.hot.length);
      // The next run copies the new values over the stale cold copy, then deletes the hot row.
      expect((await archive()).status).toBe('SUCCEEDED');
      expect(await one(hotDb, `SELECT count(*)::int AS n FROM stock_prices WHERE id = $1`, [first.id])).toEqual({
        n: 0,
      });
      expect(
        await one(
          coldDb,
          `SELECT close::text AS close, volume::text AS volume FROM stock_prices_history WHERE original_id = $1`,
          [first.id],
        ),
      ).toEqual(kept);
      const after = await snapshot();
      for (const name of ['messages', 'posts', 'comments', 'likes'])
        expect(after.datasets[name].content).toEqual(before.datasets[name].content);
      expect(after.datasets.prices.hot.filter((id) => after.datasets.prices.cold.includes(id))).toEqual([]);
    });

    it('moves the comments of a post with many of them in pages of the batch size', async () => {
      await resetData();
      const post = await one(hotDb, `SELECT id, author_id FROM posts WHERE created_at < $1 ORDER BY id LIMIT 1`, [
        CUTOFF,
      ]);
      await hotDb.query(
        `INSERT INTO comments (post_id, author_id, body, created_at) SELECT $1, $2, 'viral ' || g, now() - interval '1 day' FROM generate_series(1, 300) g`,
        [post.id, post.author_id],
      );
      const before = await snapshot();
      const largest: Record<string, number> = {};
      const hotSql = {
        ...stores.hotSql,
        rows: async <Row>(spec: Parameters<typeof stores.hotSql.rows>[0]) => {
          const rows = await stores.hotSql.rows<Row>(spec);
          largest[spec.table.name] = Math.max(largest[spec.table.name] ?? 0, rows.length);
          return rows;
        },
      };
      const run = await runArchival(
        { hot: stores.hot, hotSql, cold: fresh.cold, bounds: stores.bounds },
        { olderThanDays: 30, dryRun: false, batchSize: 40, now: NOW },
      );
      expect(run.status).toBe('SUCCEEDED');
      expect(run.comments).toBeGreaterThanOrEqual(300);
      expect(Math.max(...Object.values(largest))).toBe(40);
      expect(
        await one(
          coldDb,
          `SELECT count(*)::int AS n FROM comments_archive WHERE post_id = $1 AND body LIKE 'viral %'`,
          [post.id],
        ),
      ).toEqual({ n: 300 });
      expectIntact(before, await snapshot());
    });
  });

  describe('start-up recovery after a real kill (issue 11, item 6)', () => {
    const now = NOW().getTime();
    const cases: { name: string; task: KillableTask; archiveFirst: boolean; stuck: string[] }[] = [
      {
        name: 'an archive whose hot delete queue holds five copied batches of messages',
        // The delete queue waits after its first delete; the walk copies on to the sixth batch.
        task: {
          kind: 'archive',
          olderThanDays: 30,
          dryRun: false,
          now,
          batchSize: 5,
          holdOn: { at: 'afterHotDelete:messages', nth: 1 },
          stopOn: { at: 'afterColdCommit:messages', nth: 6 },
        },
        archiveFirst: false,
        stuck: ['messages'],
      },
      {
        name: 'an archive with posts copied and a page of their comments copied, none deleted',
        task: {
          kind: 'archive',
          olderThanDays: 30,
          dryRun: false,
          now,
          batchSize: 5,
          holdOn: { at: 'afterHotDelete:posts', nth: 1 },
          stopOn: { at: 'afterColdCommit:comments', nth: 3 },
        },
        archiveFirst: false,
        stuck: ['posts', 'comments'],
      },
      {
        name: 'a restore with a batch of messages copied, before its cold delete',
        task: {
          kind: 'restore',
          from: RESTORE_FROM,
          to: RESTORE_TO,
          stopOn: { at: 'afterHotCopy:messages', nth: 1 },
        },
        archiveFirst: true,
        stuck: ['messages'],
      },
      {
        name: 'a restore with its posts and a page of their comments copied',
        task: {
          kind: 'restore',
          from: RESTORE_FROM,
          to: RESTORE_TO,
          stopOn: { at: 'afterHotCopy:comments', nth: 1 },
        },
        archiveFirst: true,
        stuck: ['posts', 'comments'],
      },
    ];
    for (const { name, task, archiveFirst, stuck } of cases) {
      it(`leaves every row in one store and every count exact before any rerun: ${name}`, async () => {
        await resetData();
        if (archiveFirst) expect((await archive()).status).toBe('SUCCEEDED');
        const before = await snapshot();
        const outcome = await runKilled({ hot: fresh.hot, cold: fresh.cold }, task);
        expect(outcome).toBe(`killed at ${task.stopOn!.at}`);
        await waitForLockRelease(coldDb);
        // The kill left rows in both stores, and the API counted them twice.
        const both = await inBothStores();
        for (const dataset of stuck) expect(both[dataset].length, `${dataset} in both stores`).toBeGreaterThan(0);
        expect(await apiCounts()).not.toEqual(await oracleCounts());
        const { rows: journal } = await coldDb.query('SELECT count(*)::int AS n FROM archival_in_flight');
        expect(journal[0].n).toBeGreaterThan(0);

        // What main.ts runs at a gateway's start.
        const logged: string[] = [];
        const { rows: running } = await coldDb.query(`SELECT id FROM archival_runs WHERE status = 'RUNNING'`);
        expect(await failInterruptedRuns(fresh.cold, { hot: stores.hot, log: (line) => logged.push(line) })).toEqual(
          running.map((r) => r.id),
        );
        expect(logged.join('\n')).toMatch(new RegExp(`archival run ${running[0].id}: finished its batches in flight`));
        stores.bounds.invalidate();

        expectIntact(before, await snapshot());
        expect(await apiCounts()).toEqual(await oracleCounts());
        expect((await coldDb.query('SELECT count(*)::int AS n FROM archival_in_flight')).rows[0].n).toBe(0);
        // SIGKILL ends the client, not a statement its database still runs for it (a delete
        // waiting for a row lock): the killed run's own deletes of those rows from the store
        // they were leaving may commit after the settling. They must find nothing left to delete.
        for (const [dataset, ids] of Object.entries(both)) {
          const [hotTable, coldTable] = TABLES[dataset];
          const late =
            task.kind === 'archive'
              ? await hotDb.query(`DELETE FROM ${hotTable} WHERE id = ANY($1)`, [ids])
              : await coldDb.query(`DELETE FROM ${coldTable} WHERE original_id = ANY($1)`, [ids]);
          expect(late.rowCount, `${dataset}: rows the late delete found`).toBe(0);
        }
        expectIntact(before, await snapshot());
        // A rerun then finishes the job as before.
        const rerun = task.kind === 'archive' ? await archive() : await restore();
        expect(rerun.status).toBe('SUCCEEDED');
        expectIntact(before, await snapshot());
      }, 60_000);
    }
  });

  describe('restore (the rollback plan)', () => {
    const inRange = async () => {
      const range = [
        `${RESTORE_FROM}T00:00:00Z`,
        new Date(new Date(`${RESTORE_TO}T00:00:00Z`).getTime() + 86_400_000).toISOString(),
      ];
      const where = `created_at >= $1 AND created_at < $2`;
      return {
        hotMessages: (await hotDb.query(`SELECT count(*)::int AS n FROM messages WHERE ${where}`, range)).rows[0]
          .n as number,
        coldMessages: (await coldDb.query(`SELECT count(*)::int AS n FROM messages_archive WHERE ${where}`, range))
          .rows[0].n as number,
        coldPosts: (await coldDb.query(`SELECT count(*)::int AS n FROM posts_archive WHERE ${where}`, range)).rows[0]
          .n as number,
        coldPrices: (
          await coldDb.query(`SELECT count(*)::int AS n FROM stock_prices_history WHERE trade_date BETWEEN $1 AND $2`, [
            RESTORE_FROM,
            RESTORE_TO,
          ])
        ).rows[0].n as number,
      };
    };

    it('moves a range back to hot: every row in one store, unchanged, counted once', async () => {
      await resetData();
      const before = await snapshot();
      await archive();
      const archived = await inRange();
      expect(archived.coldMessages).toBeGreaterThan(100);
      expect(archived.hotMessages).toBe(0);
      const run = await restore();
      expect(run).toMatchObject({ kind: 'RESTORE', status: 'SUCCEEDED' });
      expect(run.messages).toBe(archived.coldMessages);
      const after = await inRange();
      expect(after).toEqual({ hotMessages: archived.coldMessages, coldMessages: 0, coldPosts: 0, coldPrices: 0 });
      expectIntact(before, await snapshot());
      // Old rows are hot again: hotFrom falls to the oldest of them (so readers read hot for
      // the range), below the archive's cutoff.
      const { rows: oldest } = await hotDb.query(
        `SELECT least((SELECT min(created_at) FROM messages), (SELECT min(created_at) FROM posts)) AS at`,
      );
      const { hotFrom } = await stores.bounds.get();
      expect(hotFrom!.getTime()).toBeLessThanOrEqual(oldest[0].at.getTime());
      expect(hotFrom!.getTime()).toBeLessThan(NOW().getTime() - 30 * 86_400_000);
      expect(hotFrom!.toISOString().slice(0, 10) <= RESTORE_TO).toBe(true);
      const status = await gateway.execute('{ archivalRuns(first: 1) { edges { node { kind status restoreTo } } } }', {
        kind: 'admin',
      });
      expect(status.data.archivalRuns.edges[0].node).toMatchObject({ kind: 'RESTORE', status: 'SUCCEEDED' });
      // A later archival run moves them again, and takes hotFrom back.
      await archive();
      expectIntact(before, await snapshot());
      expect((await stores.bounds.get()).hotFrom).not.toBeNull();
    });

    for (const point of ['afterHotCopy', 'afterColdDelete'] as RestorePoint[]) {
      it(`survives a crash ${point}, then a rerun`, async () => {
        await resetData();
        const before = await snapshot();
        await archive();
        let seen = 0;
        const fault = (at: RestorePoint) => {
          if (at === point && ++seen === 2) throw new Error(`injected crash ${point}`);
        };
        await expect(restore({ fault })).rejects.toThrow(`injected crash ${point}`);
        const middle = await snapshot();
        for (const [name, { content }] of Object.entries(middle.datasets))
          expect(content).toEqual(before.datasets[name].content);
        expect((await restore()).status).toBe('SUCCEEDED');
        expect((await inRange()).coldMessages).toBe(0);
        expectIntact(before, await snapshot());
      });
    }

    it('fails on a like that conflicts in hot on (post_id, user_id) and deletes nothing of it from cold', async () => {
      await resetData();
      await archive();
      const before = await snapshot();
      const like = await one(
        coldDb,
        `SELECT original_id, post_id, user_id FROM post_likes_archive WHERE created_at >= $1 AND created_at < $2 ORDER BY original_id LIMIT 1`,
        [`${RESTORE_FROM}T00:00:00Z`, `${RESTORE_TO}T00:00:00Z`],
      );
      const { rows } = await hotDb.query(
        `INSERT INTO post_likes (post_id, user_id, created_at) VALUES ($1, $2, now()) RETURNING id`,
        [like.post_id, like.user_id],
      );
      await expect(restore()).rejects.toThrow(/post_likes_post_id_user_id_key/);
      expect(
        await one(coldDb, `SELECT count(*)::int AS n FROM post_likes_archive WHERE original_id = $1`, [
          like.original_id,
        ]),
      ).toEqual({ n: 1 });
      await hotDb.query(`DELETE FROM post_likes WHERE id = $1`, [rows[0].id]);
      expect((await restore()).status).toBe('SUCCEEDED');
      expectIntact(before, await snapshot());
    });

    it('keeps a cold price updated between its hot copy and its cold delete', async () => {
      await resetData();
      await archive();
      const first = await one(
        coldDb,
        `SELECT original_id AS id FROM stock_prices_history WHERE trade_date BETWEEN $1 AND $2 ORDER BY original_id LIMIT 1`,
        [RESTORE_FROM, RESTORE_TO],
      );
      let updated = false;
      const fault = async (at: RestorePoint, dataset: Dataset) => {
        if (at !== 'afterHotCopy' || dataset !== 'stockPrices' || updated) return;
        updated = true;
        await coldDb.query(`UPDATE stock_prices_history SET close = 4242 WHERE original_id = $1`, [first.id]);
      };
      const coldPrices = (await inRange()).coldPrices;
      const run = await restore({ fault });
      expect(run.status).toBe('SUCCEEDED');
      expect(updated).toBe(true);
      // Every other price of the range left cold; the updated one stays with its new value.
      expect(run.stockPrices).toBe(coldPrices - 1);
      expect(
        await one(coldDb, `SELECT close::text AS close FROM stock_prices_history WHERE original_id = $1`, [first.id]),
      ).toEqual({
        close: '4242.0000',
      });
    });

    it('is for the admin token only, and refuses from after to', async () => {
      const mutation = `mutation { restoreArchive(from: "${RESTORE_FROM}", to: "${RESTORE_TO}") { kind } }`;
      expect((await gateway.execute(mutation, { kind: 'analyst', userId: 1 })).errors?.[0]?.extensions?.code).toBe(
        'FORBIDDEN',
      );
      expect((await gateway.execute(mutation, { kind: 'anonymous' })).errors?.[0]?.extensions?.code).toBe(
        'UNAUTHENTICATED',
      );
      const backwards = await gateway.execute(
        `mutation { restoreArchive(from: "${RESTORE_TO}", to: "${RESTORE_FROM}") { kind } }`,
        { kind: 'admin' },
      );
      expect(backwards.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName: 'from' });
    });
  });
});
