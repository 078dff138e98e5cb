/**
 * The write mutations: each bad input is a typed error that writes nothing; writes that refer
 * to a cold post work and keep its counts right; likes are idempotent whichever store holds
 * them; prices upsert wherever their row lives.
 */
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import type { Viewer } from '../../src/auth/viewer.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const ANN: Viewer = { kind: 'user', userId: 1 };
const EVE: Viewer = { kind: 'user', userId: 3 };
const ADMIN: Viewer = { kind: 'admin' };
const CUTOFF = new Date('2026-10-01T00:00:00.000Z');
const C1 = toGlobalId('Conversation', 1);
const COLD_POST = toGlobalId('Post', 1);
const HOT_POST = toGlobalId('Post', 2);

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let stores: Stores;
let gateway: TestGateway;

const run = (query: string, viewer: Viewer) => gateway.execute(query, viewer);
const count = async (client: pg.Client, table: string) =>
  (await client.query(`SELECT count(*)::int AS n FROM ${table}`)).rows[0].n as number;
const tableCounts = async () => ({
  messages: await count(hotDb, 'messages'),
  posts: await count(hotDb, 'posts'),
  comments: await count(hotDb, 'comments'),
  likes: await count(hotDb, 'post_likes'),
  prices: await count(hotDb, 'stock_prices'),
  coldPrices: await count(coldDb, 'stock_prices_history'),
});

async function expectRefused(query: string, viewer: Viewer, code: string, argumentName?: string) {
  const before = await tableCounts();
  const result = await run(query, viewer);
  expect(result.errors?.[0]?.extensions?.code, JSON.stringify(result.errors)).toBe(code);
  if (argumentName) expect(result.errors?.[0]?.extensions?.argumentName).toBe(argumentName);
  expect(await tableCounts()).toEqual(before);
}

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  await hotDb.query(
    `INSERT INTO users (id, username, display_name) VALUES (1, 'ann', 'Ann'), (2, 'bob', 'Bob'), (3, 'eve', 'Eve')`,
  );
  await hotDb.query(`INSERT INTO conversations (id, title) VALUES (1, 'Chips')`);
  await hotDb.query(`INSERT INTO conversation_participants (conversation_id, user_id) VALUES (1, 1), (1, 2)`);
  await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES (1, '2330', 'TSMC')`);
  // Post 1 was archived with one comment and one like (bob's); post 2 is hot.
  await coldDb.query(
    `INSERT INTO posts_archive (original_id, author_id, title, body, created_at) VALUES (1, 2, 'Old', 'b', '2026-09-01')`,
  );
  await coldDb.query(
    `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at) VALUES (1, 1, 2, 'c', '2026-09-02')`,
  );
  await coldDb.query(
    `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at) VALUES (1, 1, 2, '2026-09-02')`,
  );
  await coldDb.query(
    `INSERT INTO stock_prices_history (original_id, stock_id, trade_date, close, created_at) VALUES (1, 1, '2026-09-01', '600.00', '2026-09-01')`,
  );
  await coldDb.query(
    `INSERT INTO archival_runs (status, cutoff, started_at, finished_at) VALUES ('SUCCEEDED', $1, now(), now())`,
    [CUTOFF],
  );
  await hotDb.query(`INSERT INTO posts (id, author_id, title, body) VALUES (2, 2, 'New', 'b')`);
  for (const table of ['posts', 'comments', 'post_likes', 'stock_prices', 'messages'])
    await hotDb.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), 100)`);
  const { hot, cold, hotSql, coldSql } = storeClients(hotAdapter(fresh.hot), coldAdapter(fresh.cold));
  stores = { hot, cold, hotSql, coldSql, bounds: createArchiveBounds({ hot, cold: cold! }) };
  gateway = await startTestGateway(stores);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

beforeEach(() => stores.bounds.invalidate());

describe.runIf(hotIsPostgres())('write mutations', () => {
  it('sends a message as a participant, into the hot store', async () => {
    const result = await run(
      `mutation { sendMessage(conversationId: "${C1}", content: "  hello  ") { content tier archivedAt sender { username } conversation { title } } }`,
      ANN,
    );
    expect(result.data).toEqual({
      sendMessage: {
        content: 'hello',
        tier: 'HOT',
        archivedAt: null,
        sender: { username: 'ann' },
        conversation: { title: 'Chips' },
      },
    });
  });

  it('refuses bad messages, writing nothing', async () => {
    await expectRefused(
      `mutation { sendMessage(conversationId: "${C1}", content: "   ") { id } }`,
      ANN,
      'BAD_USER_INPUT',
      'content',
    );
    await expectRefused(
      `mutation { sendMessage(conversationId: "${C1}", content: "${'x'.repeat(4001)}") { id } }`,
      ANN,
      'BAD_USER_INPUT',
      'content',
    );
    await expectRefused(
      `mutation { sendMessage(conversationId: "${toGlobalId('Conversation', 99)}", content: "hi") { id } }`,
      ANN,
      'NOT_FOUND',
      'conversationId',
    );
    await expectRefused(
      `mutation { sendMessage(conversationId: "${HOT_POST}", content: "hi") { id } }`,
      ANN,
      'BAD_USER_INPUT',
      'conversationId',
    );
    await expectRefused(`mutation { sendMessage(conversationId: "${C1}", content: "hi") { id } }`, EVE, 'FORBIDDEN');
    await expectRefused(
      `mutation { sendMessage(conversationId: "${C1}", content: "hi") { id } }`,
      { kind: 'anonymous' },
      'UNAUTHENTICATED',
    );
    await expectRefused(`mutation { sendMessage(conversationId: "${C1}", content: "hi") { id } }`, ADMIN, 'FORBIDDEN');
  });

  it('creates posts, and refuses empty or over-long ones', async () => {
    const result = await run(
      `mutation { createPost(title: "Earnings", body: "Beat.") { title tier likeCount commentCount author { username } } }`,
      ANN,
    );
    expect(result.data).toEqual({
      createPost: { title: 'Earnings', tier: 'HOT', likeCount: 0, commentCount: 0, author: { username: 'ann' } },
    });
    await expectRefused(`mutation { createPost(title: "", body: "b") { id } }`, ANN, 'BAD_USER_INPUT', 'title');
    await expectRefused(
      `mutation { createPost(title: "${'t'.repeat(201)}", body: "b") { id } }`,
      ANN,
      'BAD_USER_INPUT',
      'title',
    );
    await expectRefused(`mutation { createPost(title: "t", body: " ") { id } }`, ANN, 'BAD_USER_INPUT', 'body');
    await expectRefused(
      `mutation { createPost(title: "t", body: "b") { id } }`,
      { kind: 'analyst', userId: 1 },
      'FORBIDDEN',
    );
  });

  it('comments on and likes a cold post, keeping its counts right', async () => {
    const comment = await run(
      `mutation { addComment(postId: "${COLD_POST}", body: "Still true") { body tier post { tier databaseId } } }`,
      ANN,
    );
    expect(comment.data).toEqual({
      addComment: { body: 'Still true', tier: 'HOT', post: { tier: 'COLD', databaseId: 1 } },
    });
    const liked = await run(`mutation { likePost(postId: "${COLD_POST}") { likeCount commentCount tier } }`, ANN);
    expect(liked.data).toEqual({ likePost: { likeCount: 2, commentCount: 2, tier: 'COLD' } });
    const again = await run(`mutation { likePost(postId: "${COLD_POST}") { likeCount } }`, ANN);
    expect(again.data).toEqual({ likePost: { likeCount: 2 } });
    // Bob's like of post 1 is archived: liking again is the same like, in no store twice.
    const bob = await run(`mutation { likePost(postId: "${COLD_POST}") { likeCount } }`, { kind: 'user', userId: 2 });
    expect(bob.data).toEqual({ likePost: { likeCount: 2 } });
    expect((await hotDb.query(`SELECT count(*)::int AS n FROM post_likes WHERE post_id = 1`)).rows[0].n).toBe(1);
  });

  it('keeps likes idempotent under concurrent clicks', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => run(`mutation { likePost(postId: "${HOT_POST}") { databaseId } }`, EVE)),
    );
    expect(results.every((r) => r.errors === undefined)).toBe(true);
    expect(
      (await hotDb.query(`SELECT count(*)::int AS n FROM post_likes WHERE post_id = 2 AND user_id = 3`)).rows[0].n,
    ).toBe(1);
  });

  it('refuses comments and likes on posts that do not exist', async () => {
    await expectRefused(
      `mutation { addComment(postId: "${toGlobalId('Post', 999)}", body: "x") { id } }`,
      ANN,
      'NOT_FOUND',
      'postId',
    );
    await expectRefused(
      `mutation { likePost(postId: "${toGlobalId('Post', 999)}") { id } }`,
      ANN,
      'NOT_FOUND',
      'postId',
    );
    await expectRefused(
      `mutation { addComment(postId: "${COLD_POST}", body: "") { id } }`,
      ANN,
      'BAD_USER_INPUT',
      'body',
    );
  });
});

describe.runIf(hotIsPostgres())('recordStockPrices', () => {
  const record = (prices: string) => `mutation { recordStockPrices(prices: [${prices}]) }`;

  it('inserts new days into hot, updates a cold day in place, and sends a new old day to cold', async () => {
    const result = await run(
      record(`
        { symbol: "2330", tradeDate: "2026-11-02", open: "610.00", high: "615.50", low: "605", close: "612.50", change: "2.50", volume: "123456789012", turnover: "75000000000", transactionCount: 4321 }
        { symbol: "2330", tradeDate: "2026-09-01", close: "601.00" }
        { symbol: "2330", tradeDate: "2026-09-02", close: "602.00" }`),
      ADMIN,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({ recordStockPrices: 3 });
    expect(
      (await hotDb.query(`SELECT trade_date::text AS d, close::text AS c, volume::text AS v FROM stock_prices`)).rows,
    ).toEqual([{ d: '2026-11-02', c: '612.5000', v: '123456789012' }]);
    expect(
      (
        await coldDb.query(
          `SELECT original_id > 100 AS fresh_id, trade_date::text AS d, close::text AS c FROM stock_prices_history ORDER BY trade_date`,
        )
      ).rows,
    ).toEqual([
      { fresh_id: false, d: '2026-09-01', c: '601.0000' },
      { fresh_id: true, d: '2026-09-02', c: '602.0000' },
    ]);
    const { data } = await run(
      `{ stock(symbol: "2330") { prices(first: 5) { edges { node { tradeDate close volume tier } } } latestPrice { tradeDate high } } }`,
      ADMIN,
    );
    expect(data.stock.prices.edges.map((e: any) => e.node)).toEqual([
      { tradeDate: '2026-11-02', close: '612.50', volume: 123456789012, tier: 'HOT' },
      { tradeDate: '2026-09-02', close: '602.00', volume: null, tier: 'COLD' },
      { tradeDate: '2026-09-01', close: '601.00', volume: null, tier: 'COLD' },
    ]);
    expect(data.stock.latestPrice).toEqual({ tradeDate: '2026-11-02', high: '615.50' });
    // Upserting the same days again changes values, adds no rows.
    expect((await run(record(`{ symbol: "2330", tradeDate: "2026-11-02", close: "613.00" }`), ADMIN)).data).toEqual({
      recordStockPrices: 1,
    });
    expect(await count(hotDb, 'stock_prices')).toBe(1);
  });

  it('refuses a batch with any bad row, writing nothing', async () => {
    const good = `{ symbol: "2330", tradeDate: "2026-11-03", close: "600.00" }`;
    await expectRefused(
      record(`${good} { symbol: "2330", tradeDate: "2026-11-04", high: "10", low: "11" }`),
      ADMIN,
      'BAD_USER_INPUT',
      'prices[1].high',
    );
    await expectRefused(
      record(`${good} { symbol: "2330", tradeDate: "2026-11-04", volume: -5 }`),
      ADMIN,
      'BAD_USER_INPUT',
      'prices[1].volume',
    );
    await expectRefused(
      record(`${good} { symbol: "2330", tradeDate: "2026-11-04", open: "700", high: "650" }`),
      ADMIN,
      'BAD_USER_INPUT',
      'prices[1].open',
    );
    await expectRefused(
      record(`${good} { symbol: "9999", tradeDate: "2026-11-04" }`),
      ADMIN,
      'NOT_FOUND',
      'prices[1].symbol',
    );
    await expectRefused(record(`${good} ${good}`), ADMIN, 'BAD_USER_INPUT', 'prices[1]');
    await expectRefused(
      record(`{ symbol: "2330", tradeDate: "2999-01-01" }`),
      ADMIN,
      'BAD_USER_INPUT',
      'prices[0].tradeDate',
    );
    // A malformed literal fails GraphQL validation before any resolver runs.
    await expectRefused(
      record(`{ symbol: "2330", tradeDate: "2026-11-04", close: "1.23456" }`),
      ADMIN,
      'GRAPHQL_VALIDATION_FAILED',
    );
    await expectRefused(record(good), { kind: 'analyst', userId: 1 }, 'FORBIDDEN');
    await expectRefused(record(good), { kind: 'anonymous' }, 'UNAUTHENTICATED');
  });
});
