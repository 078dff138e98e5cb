/**
 * The read path on real databases: statements per request (counted from both Prisma clients),
 * Relay corner cases across the hot/cold boundary, rows moving while cursors point at them,
 * store skipping, search, derived figures before and after rows move, and who may see what.
 *
 * The dataset: conversation 1 (ann, bob) with 120 messages one second apart, 1..80 archived
 * (cold) and 81..120 hot, under an archival run whose cutoff is message 81's instant;
 * conversation 2 (bob, eve). Posts 1..6 cold with their comments and likes, 7..10 hot, plus a
 * newer hot comment and like on cold post 1. Stock 1 with 100 daily prices, 70 cold.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import type { Viewer } from '../../src/auth/viewer.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { countingAdapter, type CountingAdapter } from '../support/counting-adapter.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const BASE = Date.UTC(2026, 9, 1, 8, 0, 0);
const at = (n: number) => new Date(BASE + n * 1000 + (n % 7));
const CUTOFF = at(81);
const ANN: Viewer = { kind: 'user', userId: 1 };
const BOB: Viewer = { kind: 'user', userId: 2 };
const EVE: Viewer = { kind: 'user', userId: 3 };
const ANALYST: Viewer = { kind: 'analyst', userId: undefined };
const ADMIN: Viewer = { kind: 'admin' };
const ANONYMOUS: Viewer = { kind: 'anonymous' };
const C1 = toGlobalId('Conversation', 1);
const C2 = toGlobalId('Conversation', 2);

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let hotCounter: CountingAdapter;
let coldCounter: CountingAdapter;
let stores: Stores;
let gateway: TestGateway;

async function seed() {
  await hotDb.query(
    `INSERT INTO users (id, username, display_name) VALUES (1, 'ann', 'Ann'), (2, 'bob', 'Bob'), (3, 'eve', 'Eve')`,
  );
  await hotDb.query(`INSERT INTO conversations (id, title, created_at) VALUES (1, 'Chips', $1), (2, 'Banks', $1)`, [
    at(0),
  ]);
  await hotDb.query(
    `INSERT INTO conversation_participants (conversation_id, user_id) VALUES (1, 1), (1, 2), (2, 2), (2, 3)`,
  );
  const ids = Array.from({ length: 120 }, (_, i) => i + 1);
  const content = (id: number) => (id % 10 === 0 ? `TSMC beats 50%_off #${id}` : `note ${id}`);
  const messages = (rows: number[]) => [
    rows,
    rows.map((id) => (id % 2) + 1),
    rows.map(content),
    rows.map((id) => at(id).toISOString()),
  ];
  await coldDb.query(
    `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) SELECT id, 1, s, c, t FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[]) AS x(id, s, c, t)`,
    messages(ids.filter((id) => id < 81)),
  );
  await hotDb.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) SELECT id, 1, s, c, t FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[]) AS x(id, s, c, t)`,
    messages(ids.filter((id) => id >= 81)),
  );
  // A message that matches '50%' only if '%' were a wildcard.
  await hotDb.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES (121, 1, 1, 'TSMC beats 50 percent', $1)`,
    [at(121)],
  );
  await hotDb.query(`SELECT setval(pg_get_serial_sequence('messages', 'id'), 200)`);

  for (let post = 1; post <= 10; post++) {
    const cold = post <= 6;
    const created = at(post * 8);
    if (cold) {
      await coldDb.query(
        `INSERT INTO posts_archive (original_id, author_id, title, body, created_at) VALUES ($1, 1, $2, 'b', $3)`,
        [post, `Post ${post}`, created],
      );
      await coldDb.query(
        `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at) VALUES ($1, $2, 2, 'c', $3), ($1 + 100, $2, 3, 'c', $4)`,
        [post, post, at(post * 8 + 1), at(post * 8 + 2)],
      );
      await coldDb.query(
        `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at) VALUES ($1, $2, 2, $3), ($1 + 100, $2, 3, $3)`,
        [post, post, at(post * 8 + 1)],
      );
    } else {
      await hotDb.query(`INSERT INTO posts (id, author_id, title, body, created_at) VALUES ($1, 2, $2, 'b', $3)`, [
        post,
        `Post ${post}`,
        at(80 + post),
      ]);
      await hotDb.query(`INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES ($1, $1, 1, 'c', $2)`, [
        post,
        at(90 + post),
      ]);
    }
  }
  // Written after post 1 moved to cold: they stay hot until a later run.
  await hotDb.query(`INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES (300, 1, 1, 'late', $1)`, [
    at(119),
  ]);
  await hotDb.query(`INSERT INTO post_likes (id, post_id, user_id, created_at) VALUES (300, 1, 1, $1)`, [at(119)]);

  await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES (1, '2330', 'TSMC')`);
  // Day 70 is the cutoff's day (2026-10-01): earlier days are archived.
  const day = (n: number) => new Date(Date.UTC(2026, 6, 23) + n * 86_400_000).toISOString().slice(0, 10);
  for (let n = 0; n < 100; n++) {
    const table = n < 70 ? 'stock_prices_history (original_id, ' : 'stock_prices (id, ';
    await (n < 70 ? coldDb : hotDb).query(
      `INSERT INTO ${table}stock_id, trade_date, close, volume, created_at) VALUES ($1, 1, $2, $3, $4, $5)`,
      [n + 1, day(n), (600 + n / 4).toFixed(2), 1000 + n, at(n)],
    );
  }
  await coldDb.query(
    `INSERT INTO user_activity (user_id, activity_date, action_type, count) SELECT sender_id, (created_at AT TIME ZONE 'UTC')::date, 'MESSAGE', count(*) FROM messages_archive GROUP BY 1, 2`,
  );
  await coldDb.query(
    `INSERT INTO archival_runs (status, cutoff, started_at, finished_at, messages) VALUES ('SUCCEEDED', $1, $2, $2, 80)`,
    [CUTOFF, at(200)],
  );
}

/**
 * Moving rows the way archival does: a run with a cutoff past them is recorded first (the
 * bounds contract), then they are copied to cold, then deleted from hot. `undo` puts
 * everything back.
 */
async function startRun(cutoff: Date): Promise<() => Promise<void>> {
  const { rows } = await coldDb.query(
    `INSERT INTO archival_runs (status, cutoff, started_at) VALUES ('RUNNING', $1, now()) RETURNING id`,
    [cutoff],
  );
  stores.bounds.invalidate();
  return async () => {
    await coldDb.query(`DELETE FROM archival_runs WHERE id = $1`, [rows[0].id]);
    stores.bounds.invalidate();
  };
}

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  await seed();
  hotCounter = countingAdapter(hotAdapter(fresh.hot));
  coldCounter = countingAdapter(coldAdapter(fresh.cold));
  const { hot, cold, hotSql, coldSql } = storeClients(hotCounter.factory, coldCounter.factory);
  stores = { hot, cold, hotSql, coldSql, bounds: createArchiveBounds({ hot, cold: cold! }, 60_000) };
  gateway = await startTestGateway(stores);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

beforeEach(async () => {
  await stores.bounds.get(); // warm: the bounds cost one cold statement per process per TTL
  hotCounter.reset();
  coldCounter.reset();
});

const run = (query: string, viewer: Viewer = ADMIN) => gateway.execute(query, viewer);

async function data(query: string, viewer?: Viewer) {
  const result = await run(query, viewer);
  expect(result.errors).toBeUndefined();
  return result.data;
}

const messagePage = (args: string) =>
  `{ conversation(id: "${C1}") { messages(${args}) { edges { cursor node { databaseId tier content sender { username } conversation { title } } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`;
const ids = (result: any) => result.conversation.messages.edges.map((e: any) => e.node.databaseId);

describe('statements per request', () => {
  it('serves a page wholly from hot with no cold statement, whatever its size', async () => {
    for (const first of [5, 20, 35]) {
      hotCounter.reset();
      coldCounter.reset();
      const page = await data(messagePage(`first: ${first}`));
      expect(ids(page)).toEqual(Array.from({ length: first }, (_, i) => 121 - i));
      // The conversation and the page with its senders in one statement: the page starts
      // with the conversation's lookup (lookahead), and both go together (stores/sql/coalesce.ts);
      // the messages' conversation is the loader's already.
      expect(hotCounter.statements).toHaveLength(1);
      expect(coldCounter.statements).toHaveLength(0);
    }
  });

  it('crosses the boundary with one page statement per store, whatever the page size', async () => {
    for (const first of [50, 80, 100]) {
      hotCounter.reset();
      coldCounter.reset();
      const page = await data(messagePage(`first: ${first}`));
      expect(ids(page)).toEqual(Array.from({ length: first }, (_, i) => 121 - i));
      expect(page.conversation.messages.edges.at(-1).node.tier).toBe('COLD');
      // The conversation with the hot page, then the cold page. The cold rows' senders (ann and
      // bob) wrote hot rows of the page too: no lookup of their own.
      expect(hotCounter.statements).toHaveLength(1);
      expect(coldCounter.statements).toHaveLength(1);
    }
  });

  it('looks up the senders of cold rows in one batch when no hot row of the page named them', async () => {
    hotCounter.reset();
    coldCounter.reset();
    // From message 40 down: every row cold, the hot page empty.
    const page = await data(
      messagePage(`first: 30, after: "${encodeCursor('conversation.messages:createdAt', [at(40).getTime(), 40])}"`),
    );
    expect(ids(page)).toEqual(Array.from({ length: 30 }, (_, i) => 39 - i));
    expect(hotCounter.statements.filter((sql) => sql.includes('"users"'))).toHaveLength(1);
    expect(coldCounter.statements).toHaveLength(1);
  });

  it('reads the participants for the check of a viewer in the same statement, none per message', async () => {
    await data(messagePage('first: 50'), ANN);
    // The conversation with the hot page (as for an analyst) and the participants, asked for
    // in one turn: one statement.
    expect(hotCounter.statements).toHaveLength(1);
    expect(hotCounter.statements[0]).toContain('"conversation_participants"');
    expect(hotCounter.statements[0]).toContain('"messages"');
    expect(coldCounter.statements).toHaveLength(1);
  });

  it('resolves nodes mixed across stores and types with a constant number of statements', async () => {
    const all = [
      ...[3, 90, 100, 40].map((id) => toGlobalId('Message', id)),
      ...[1, 9].map((id) => toGlobalId('Post', id)),
      ...[2, 7, 300].map((id) => toGlobalId('Comment', id)),
      ...[5, 95].map((id) => toGlobalId('StockPrice', id)),
      toGlobalId('Message', 9999),
    ];
    const { nodes } = await data(
      `{ nodes(ids: ${JSON.stringify(all)}) { __typename ... on Message { databaseId tier } ... on Post { databaseId tier } ... on Comment { databaseId tier } ... on StockPrice { tradeDate tier } } }`,
    );
    expect(nodes.map((n: any) => n && `${n.__typename}:${n.tier}`)).toEqual([
      'Message:COLD',
      'Message:HOT',
      'Message:HOT',
      'Message:COLD',
      'Post:COLD',
      'Post:HOT',
      'Comment:COLD',
      'Comment:HOT',
      'Comment:HOT',
      'StockPrice:COLD',
      'StockPrice:HOT',
      null,
    ]);
    // Per type: one hot batch, one cold batch for its misses; the four types' batches on a
    // store are asked for in the same turn, so they go as one statement (stores/sql/coalesce.ts).
    expect(coldCounter.statements).toHaveLength(1);
    expect(hotCounter.statements).toHaveLength(1);
  });

  it('counts only when totalCount is selected, once per store', async () => {
    const { conversation } = await data(`{ conversation(id: "${C1}") { messages(first: 1) { totalCount } } }`);
    expect(conversation.messages.totalCount).toBe(121);
    expect(coldCounter.statements.filter((sql) => /count/i.test(sql))).toHaveLength(1);
    expect(hotCounter.statements.filter((sql) => /count/i.test(sql))).toHaveLength(1);
  });
});

describe('Relay corner cases across the boundary', () => {
  it('pages to the end and back', async () => {
    const forward: number[] = [];
    let after = '';
    for (;;) {
      const page = await data(messagePage(`first: 17${after}`));
      forward.push(...ids(page));
      if (!page.conversation.messages.pageInfo.hasNextPage) break;
      after = `, after: "${page.conversation.messages.pageInfo.endCursor}"`;
    }
    expect(forward).toEqual(Array.from({ length: 121 }, (_, i) => 121 - i));
    const last = await data(messagePage('last: 3'));
    expect(ids(last)).toEqual([3, 2, 1]);
    expect(last.conversation.messages.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
  });

  it('answers an empty page after the last cursor and before the first, with null cursors', async () => {
    const { conversation } = await data(messagePage('last: 1'));
    const lastCursor = conversation.messages.edges[0].cursor;
    const after = await data(messagePage(`first: 5, after: "${lastCursor}"`));
    expect(after.conversation.messages.edges).toEqual([]);
    expect(after.conversation.messages.pageInfo).toMatchObject({
      hasNextPage: false,
      startCursor: null,
      endCursor: null,
    });
    const first = await data(messagePage('first: 1'));
    const before = await data(messagePage(`last: 5, before: "${first.conversation.messages.edges[0].cursor}"`));
    expect(before.conversation.messages.edges).toEqual([]);
    expect(before.conversation.messages.pageInfo).toMatchObject({
      hasPreviousPage: false,
      startCursor: null,
      endCursor: null,
    });
  });

  it('handles first: 0, an empty connection, and exactly one page', async () => {
    const zero = await data(messagePage('first: 0'));
    expect(zero.conversation.messages).toMatchObject({
      edges: [],
      pageInfo: { hasNextPage: true, startCursor: null, endCursor: null },
    });
    const empty = await data(
      `{ conversation(id: "${C2}") { messages(first: 5) { edges { cursor } pageInfo { hasNextPage hasPreviousPage startCursor endCursor } totalCount } } }`,
    );
    expect(empty.conversation.messages).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
      totalCount: 0,
    });
    const post = await data(
      `{ post(id: "${toGlobalId('Post', 1)}") { comments(first: 3) { edges { node { databaseId tier } } pageInfo { hasNextPage } } } }`,
    );
    expect(post.post.comments.edges.map((e: any) => `${e.node.databaseId}:${e.node.tier}`)).toEqual([
      '1:COLD',
      '101:COLD',
      '300:HOT',
    ]);
    expect(post.post.comments.pageInfo.hasNextPage).toBe(false);
  });

  it('keeps the position of a cursor whose row has since moved to cold, or been deleted', async () => {
    const page = await data(messagePage('first: 30'));
    const cursorOf = (id: number) => page.conversation.messages.edges.find((e: any) => e.node.databaseId === id).cursor;
    const movedCursor = cursorOf(95);
    const deletedCursor = cursorOf(99);
    const endRun = await startRun(at(97));
    const moved = (await hotDb.query(`DELETE FROM messages WHERE id BETWEEN 91 AND 96 RETURNING *`)).rows;
    await coldDb.query(
      `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])`,
      [
        moved.map((r) => r.id),
        moved.map((r) => r.conversation_id),
        moved.map((r) => r.sender_id),
        moved.map((r) => r.content),
        moved.map((r) => r.created_at.toISOString()),
      ],
    );
    await hotDb.query(`DELETE FROM messages WHERE id = 99`);
    try {
      expect(ids(await data(messagePage(`first: 4, after: "${movedCursor}"`)))).toEqual([94, 93, 92, 91]);
      const tiers = (await data(messagePage(`first: 4, after: "${movedCursor}"`))).conversation.messages.edges.map(
        (e: any) => e.node.tier,
      );
      expect(tiers).toEqual(['COLD', 'COLD', 'COLD', 'COLD']);
      expect(ids(await data(messagePage(`first: 3, after: "${deletedCursor}"`)))).toEqual([98, 97, 96]);
      expect(ids(await data(messagePage(`last: 2, before: "${movedCursor}"`)))).toEqual([97, 96]);
    } finally {
      await coldDb.query(`DELETE FROM messages_archive WHERE original_id BETWEEN 91 AND 96`);
      await hotDb.query(
        `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) SELECT * FROM unnest($1::int[], $2::int[], $3::int[], $4::text[], $5::timestamptz[])`,
        [
          moved.map((r) => r.id),
          moved.map((r) => r.conversation_id),
          moved.map((r) => r.sender_id),
          moved.map((r) => r.content),
          moved.map((r) => r.created_at.toISOString()),
        ],
      );
      await hotDb.query(
        `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES (99, 1, 2, 'note 99', $1)`,
        [at(99)],
      );
      await endRun();
    }
  });

  it('keeps millisecond order when a row moves between rows of the same second', async () => {
    // 200..202 share one second, a millisecond apart; 201 moves to cold.
    const second = BASE + 150_000;
    await hotDb.query(
      `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES (200, 2, 2, 'a', $1), (202, 2, 2, 'c', $2)`,
      [new Date(second + 1), new Date(second + 3)],
    );
    await coldDb.query(
      `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) VALUES (201, 2, 3, 'b', $1)`,
      [new Date(second + 2)],
    );
    const { conversation } = await data(
      `{ conversation(id: "${C2}") { messages(first: 10) { edges { node { databaseId createdAt tier } } } } }`,
    );
    expect(conversation.messages.edges.map((e: any) => e.node)).toEqual([
      { databaseId: 202, createdAt: new Date(second + 3).toISOString(), tier: 'HOT' },
      { databaseId: 201, createdAt: new Date(second + 2).toISOString(), tier: 'COLD' },
      { databaseId: 200, createdAt: new Date(second + 1).toISOString(), tier: 'HOT' },
    ]);
    await hotDb.query(`DELETE FROM messages WHERE conversation_id = 2`);
    await coldDb.query(`DELETE FROM messages_archive WHERE conversation_id = 2`);
  });

  it('refuses a cursor of another connection, or a tampered one', async () => {
    const post = await data(`{ posts(first: 1) { edges { cursor } } }`);
    const result = await run(messagePage(`first: 1, after: "${post.posts.edges[0].cursor}"`));
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'INVALID_CURSOR', argumentName: 'after' });
    const tampered = encodeCursor('conversation.messages:createdAt', ['yesterday', 5]);
    expect((await run(messagePage(`first: 1, after: "${tampered}"`))).errors?.[0]?.extensions?.code).toBe(
      'INVALID_CURSOR',
    );
  });
});

describe('store skipping by date range', () => {
  const prices = (range: string) =>
    `{ stock(symbol: "2330") { prices(first: 100, ${range}) { edges { node { tradeDate tier } } totalCount } } }`;
  const priceStatements = (counter: CountingAdapter, table: string) =>
    counter.statements.filter((sql) => sql.includes(`"${table}"`)).length;

  it('reads only the cold store for a range entirely before the watermark, and only hot after it', async () => {
    const old = await data(prices('from: "2026-07-23", to: "2026-08-22"'));
    expect(old.stock.prices.edges).toHaveLength(31);
    expect(old.stock.prices.totalCount).toBe(31);
    expect(old.stock.prices.edges.every((e: any) => e.node.tier === 'COLD')).toBe(true);
    expect(old.stock.prices.edges[0].node.tradeDate).toBe('2026-08-22');
    expect(priceStatements(hotCounter, 'stock_prices')).toBe(0);
    hotCounter.reset();
    coldCounter.reset();
    const recent = await data(prices('from: "2026-10-01"'));
    expect(recent.stock.prices.edges.map((e: any) => e.node.tier)).toEqual(Array(30).fill('HOT'));
    expect(priceStatements(coldCounter, 'stock_prices_history')).toBe(0);
    hotCounter.reset();
    coldCounter.reset();
    const across = await data(prices('from: "2026-09-25", to: "2026-10-06"'));
    expect(across.stock.prices.edges.map((e: any) => `${e.node.tradeDate}:${e.node.tier}`)).toEqual([
      ...['06', '05', '04', '03', '02', '01'].map((d) => `2026-10-${d}:HOT`),
      ...['30', '29', '28', '27', '26', '25'].map((d) => `2026-09-${d}:COLD`),
    ]);
    expect(priceStatements(hotCounter, 'stock_prices')).toBe(2);
    expect(priceStatements(coldCounter, 'stock_prices_history')).toBe(2);
  });

  it('refuses from after to', async () => {
    expect((await run(prices('from: "2026-08-02", to: "2026-08-01"'))).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argumentName: 'from',
    });
  });

  it('takes the latest price from hot', async () => {
    expect(
      (await data(`{ stock(symbol: "2330") { latestPrice { tradeDate close tier } } }`)).stock.latestPrice,
    ).toEqual({ tradeDate: '2026-10-30', close: '624.75', tier: 'HOT' });
  });
});

describe('search', () => {
  it('matches case-insensitively in both stores, newest first, with wildcards taken literally', async () => {
    const search = (text: string, args = 'first: 20') =>
      `{ searchMessages(conversationId: "${C1}", query: ${JSON.stringify(text)}, ${args}) { edges { node { databaseId tier } } totalCount } }`;
    const { searchMessages } = await data(search('tsmc BEATS 50%_'));
    expect(searchMessages.edges.map((e: any) => e.node.databaseId)).toEqual([
      120, 110, 100, 90, 80, 70, 60, 50, 40, 30, 20, 10,
    ]);
    expect(searchMessages.totalCount).toBe(12);
    expect(searchMessages.edges.filter((e: any) => e.node.tier === 'COLD')).toHaveLength(8);
    expect((await data(search('beats 50'))).searchMessages.totalCount).toBe(13);
    const paged = await data(search('tsmc', 'first: 5'));
    expect(paged.searchMessages.edges.map((e: any) => e.node.databaseId)).toEqual([121, 120, 110, 100, 90]);
    expect((await run(search('   '))).errors?.[0]?.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      argumentName: 'query',
    });
  });
});

describe('derived figures', () => {
  it('are the same before and after rows move from hot to cold', async () => {
    const figures = `{ post(id: "${toGlobalId('Post', 7)}") { likeCount commentCount tier } user(username: "ann") { activity(from: "2026-10-01", to: "2026-10-02") { date actionType count } } }`;
    const before = await data(figures, ANALYST);
    // Archive post 7 with its comment, and messages 81..90, as archival would.
    await startRun(at(98));
    await coldDb.query(
      `INSERT INTO posts_archive (original_id, author_id, title, body, created_at) SELECT 7, 2, 'Post 7', 'b', $1`,
      [at(87)],
    );
    await coldDb.query(
      `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at) VALUES (7, 7, 1, 'c', $1)`,
      [at(97)],
    );
    await coldDb.query(
      `INSERT INTO user_activity (user_id, activity_date, action_type, count) VALUES (2, $1, 'POST', 1), (1, $2, 'COMMENT', 1)
      ON CONFLICT (user_id, activity_date, action_type) DO UPDATE SET count = user_activity.count + 1`,
      [at(87).toISOString().slice(0, 10), at(97).toISOString().slice(0, 10)],
    );
    await hotDb.query(`DELETE FROM comments WHERE id = 7`);
    await hotDb.query(`DELETE FROM posts WHERE id = 7`);
    const moved = (
      await hotDb.query(`DELETE FROM messages WHERE id BETWEEN 81 AND 90 RETURNING id, sender_id, content, created_at`)
    ).rows;
    await coldDb.query(
      `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) SELECT id, 1, s, c, t FROM unnest($1::int[], $2::int[], $3::text[], $4::timestamptz[]) AS x(id, s, c, t)`,
      [
        moved.map((r) => r.id),
        moved.map((r) => r.sender_id),
        moved.map((r) => r.content),
        moved.map((r) => r.created_at.toISOString()),
      ],
    );
    await coldDb.query(
      `INSERT INTO user_activity (user_id, activity_date, action_type, count) SELECT s, d, 'MESSAGE', count(*) FROM unnest($1::int[], $2::date[]) AS x(s, d) GROUP BY 1, 2
       ON CONFLICT (user_id, activity_date, action_type) DO UPDATE SET count = user_activity.count + EXCLUDED.count`,
      [moved.map((r) => r.sender_id), moved.map((r) => r.created_at.toISOString().slice(0, 10))],
    );
    const after = await data(figures, ANALYST);
    expect(after.post.tier).toBe('COLD');
    expect({ ...after.post, tier: undefined }).toEqual({ ...before.post, tier: undefined });
    expect(after.user.activity).toEqual(before.user.activity);
    expect(before.user.activity.length).toBeGreaterThan(0);
  });

  it('counts likes and comments of a cold post over both stores', async () => {
    const { post } = await data(
      `{ post(id: "${toGlobalId('Post', 1)}") { likeCount commentCount tier author { username } } }`,
    );
    expect(post).toEqual({ likeCount: 3, commentCount: 3, tier: 'COLD', author: { username: 'ann' } });
  });
});

describe('who may see what', () => {
  const M3 = toGlobalId('Message', 3);
  const RUN = toGlobalId('ArchivalRun', 1);
  const fields: Record<string, string> = {
    conversation: `{ conversation(id: "${C1}") { title } }`,
    // Its page starts with the conversation's lookup (lookahead), before the access check.
    conversationMessages: `{ conversation(id: "${C1}") { messages(first: 5) { totalCount edges { node { content } } } } }`,
    searchMessages: `{ searchMessages(conversationId: "${C1}", query: "note") { totalCount } }`,
    messageNode: `{ node(id: "${M3}") { id } }`,
    conversationNode: `{ node(id: "${C1}") { id } }`,
    annConversations: `{ user(username: "ann") { conversations(first: 5) { totalCount } } }`,
    annActivity: `{ user(username: "ann") { activity(from: "2026-10-01", to: "2026-10-02") { count } } }`,
    archiveStatus: `{ archiveStatus { watermark } }`,
    archivalRuns: `{ archivalRuns(first: 1) { totalCount } }`,
    runNode: `{ node(id: "${RUN}") { id } }`,
  };
  const viewers: Record<string, Viewer> = {
    anonymous: ANONYMOUS,
    eve: EVE,
    bob: BOB,
    ann: ANN,
    analyst: ANALYST,
    admin: ADMIN,
  };
  // What each caller gets: ok, or the error code. eve is not in conversation 1; bob is, but
  // ann's conversations and activity are hers; archival status is for analysts and admins.
  const expected: Record<string, Record<string, string>> = {
    conversation: { anonymous: 'UNAUTHENTICATED', eve: 'FORBIDDEN', bob: 'ok', ann: 'ok', analyst: 'ok', admin: 'ok' },
    conversationMessages: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'ok',
      ann: 'ok',
      analyst: 'ok',
      admin: 'ok',
    },
    searchMessages: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'ok',
      ann: 'ok',
      analyst: 'ok',
      admin: 'ok',
    },
    messageNode: { anonymous: 'UNAUTHENTICATED', eve: 'FORBIDDEN', bob: 'ok', ann: 'ok', analyst: 'ok', admin: 'ok' },
    conversationNode: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'ok',
      ann: 'ok',
      analyst: 'ok',
      admin: 'ok',
    },
    annConversations: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'FORBIDDEN',
      ann: 'ok',
      analyst: 'ok',
      admin: 'ok',
    },
    annActivity: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'FORBIDDEN',
      ann: 'ok',
      analyst: 'ok',
      admin: 'ok',
    },
    archiveStatus: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'FORBIDDEN',
      ann: 'FORBIDDEN',
      analyst: 'ok',
      admin: 'ok',
    },
    archivalRuns: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'FORBIDDEN',
      ann: 'FORBIDDEN',
      analyst: 'ok',
      admin: 'ok',
    },
    runNode: {
      anonymous: 'UNAUTHENTICATED',
      eve: 'FORBIDDEN',
      bob: 'FORBIDDEN',
      ann: 'FORBIDDEN',
      analyst: 'ok',
      admin: 'ok',
    },
  };

  it.each(Object.keys(fields))('%s', async (field) => {
    const outcomes: Record<string, string> = {};
    for (const [name, viewer] of Object.entries(viewers)) {
      const result = await run(fields[field], viewer);
      if (result.errors) {
        expect(result.errors).toHaveLength(1);
        outcomes[name] = String(result.errors[0].extensions?.code);
        // Nothing of the protected value leaks next to the error.
        expect(JSON.stringify(result.data ?? null)).not.toMatch(/Chips|watermark|totalCount":[1-9]|"content"/);
      } else {
        outcomes[name] = 'ok';
      }
    }
    expect(outcomes).toEqual(expected[field]);
  });

  it('nulls only the items of nodes a caller may not see', async () => {
    const result = await run(`{ nodes(ids: ["${toGlobalId('Post', 1)}", "${M3}"]) { id } }`, EVE);
    expect(result.data?.nodes).toEqual([{ id: toGlobalId('Post', 1) }, null]);
    expect(result.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['nodes', 1], 'FORBIDDEN']]);
  });

  it('nulls a malformed or unknown id of nodes at its own index, and resolves the others', async () => {
    const ids = [
      M3,
      'bm9wZQ',
      toGlobalId('Post', 1),
      toGlobalId('Message', 999_999),
      '!!',
      toGlobalId('Nothing' as 'Post', 1),
    ];
    const result = await run(`{ nodes(ids: ${JSON.stringify(ids)}) { id } }`, ADMIN);
    expect(result.data?.nodes).toEqual([{ id: M3 }, null, { id: toGlobalId('Post', 1) }, null, null, null]);
    // Unknown: null with no error; malformed: BAD_USER_INPUT at its index.
    expect(
      result.errors?.map((e) => [e.path, e.extensions?.code]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      [['nodes', 1], 'BAD_USER_INPUT'],
      [['nodes', 4], 'BAD_USER_INPUT'],
      [['nodes', 5], 'BAD_USER_INPUT'],
    ]);
    // As a caller who may see some of them: each item its own outcome.
    const mixed = await run(`{ nodes(ids: ${JSON.stringify([M3, 'bm9wZQ', toGlobalId('Post', 1)])}) { id } }`, EVE);
    expect(mixed.data?.nodes).toEqual([null, null, { id: toGlobalId('Post', 1) }]);
    // (errors come in the order the items settle)
    expect(
      mixed.errors?.map((e) => [e.path, e.extensions?.code]).sort((a, b) => String(a[0]).localeCompare(String(b[0]))),
    ).toEqual([
      [['nodes', 0], 'FORBIDDEN'],
      [['nodes', 1], 'BAD_USER_INPUT'],
    ]);
    // node(id) answers the same way for one id: null, with BAD_USER_INPUT for a malformed one.
    const single = await run('{ node(id: "bm9wZQ") { id } }', ADMIN);
    expect(single.data).toEqual({ node: null });
    expect(single.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[['node'], 'BAD_USER_INPUT']]);
    expect((await run(`{ node(id: "${toGlobalId('Message', 999_999)}") { id } }`, ADMIN)).errors).toBeUndefined();
  });
});

describe.runIf(hotIsPostgres())('the cold search index', () => {
  it('exists for the ILIKE search on archived messages', async () => {
    const { rows } = await coldDb.query(
      `SELECT indexdef FROM pg_indexes WHERE indexname = 'messages_archive_content_trgm_idx'`,
    );
    expect(rows[0]?.indexdef).toMatch(/USING gin \(content gin_trgm_ops\)/);
  });
});
