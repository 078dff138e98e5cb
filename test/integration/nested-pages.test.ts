/**
 * Nested connections on real databases: the feed and the chat sidebar of issue 13 cost a fixed
 * number of statements per store whatever the number of parents (5, 20 or 50), and each
 * parent's nested page (rows, cursors, pageInfo, totalCount) is the one the connection gives
 * for that parent alone.
 *
 * The dataset: users 1..5; hot posts 1..60, newer than the archival cutoff, with 3 comments and
 * 2 likes each; cold posts 101..130 with 2 archived comments and a like each, and on 101..105
 * a later comment still hot. Conversations 1..60, newest last, each of user 1 and one other:
 * those with an id divisible by 3 hold 2 archived messages only, the others 3 hot messages
 * and 2 archived ones. Stocks 1..6 with 10 daily prices each, 4 of them archived.
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
const at = (n: number) => new Date(BASE + n * 1000);
const CUTOFF = at(1000);
const ANN: Viewer = { kind: 'user', userId: 1 };
const ADMIN: Viewer = { kind: 'admin' };

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let hotCounter: CountingAdapter;
let coldCounter: CountingAdapter;
let stores: Stores;
let gateway: TestGateway;

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);
const author = (id: number) => (id % 5) + 1;

async function seed() {
  await hotDb.query(
    `INSERT INTO users (id, username, display_name) SELECT id, 'user' || id, 'User ' || id FROM generate_series(1, 5) id`,
  );
  for (const post of range(1, 60)) {
    await hotDb.query(`INSERT INTO posts (id, author_id, title, body, created_at) VALUES ($1, $2, $3, 'b', $4)`, [
      post,
      author(post),
      `Hot ${post}`,
      at(1000 + post * 10),
    ]);
    for (const k of range(1, 3)) {
      await hotDb.query(`INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES ($1, $2, $3, $4, $5)`, [
        post * 10 + k,
        post,
        author(post + k),
        `c${post}.${k}`,
        at(1000 + post * 10 + k),
      ]);
    }
    await hotDb.query(
      `INSERT INTO post_likes (id, post_id, user_id, created_at) VALUES ($1, $2, 1, $3), ($1 + 1, $2, 2, $3)`,
      [post * 10, post, at(1000 + post * 10 + 5)],
    );
  }
  for (const post of range(101, 130)) {
    const created = at((post - 100) * 20);
    await coldDb.query(
      `INSERT INTO posts_archive (original_id, author_id, title, body, created_at) VALUES ($1, $2, $3, 'b', $4)`,
      [post, author(post), `Cold ${post}`, created],
    );
    await coldDb.query(
      `INSERT INTO comments_archive (original_id, post_id, author_id, body, created_at) VALUES ($1, $2, $3, 'old a', $4), ($1 + 1, $2, $5, 'old b', $6)`,
      [post * 10, post, author(post + 1), at((post - 100) * 20 + 1), author(post + 2), at((post - 100) * 20 + 2)],
    );
    await coldDb.query(
      `INSERT INTO post_likes_archive (original_id, post_id, user_id, created_at) VALUES ($1, $2, 3, $3)`,
      [post * 10, post, at((post - 100) * 20 + 1)],
    );
    if (post <= 105) {
      await hotDb.query(
        `INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES ($1, $2, 4, 'late', $3)`,
        [post * 10 + 5, post, at(1900 + post)],
      );
    }
  }
  for (const conversation of range(1, 60)) {
    await hotDb.query(`INSERT INTO conversations (id, title, created_at) VALUES ($1, $2, $3)`, [
      conversation,
      `Chat ${conversation}`,
      at(conversation),
    ]);
    const other = (conversation % 4) + 2;
    await hotDb.query(`INSERT INTO conversation_participants (conversation_id, user_id) VALUES ($1, 1), ($1, $2)`, [
      conversation,
      other,
    ]);
    const sender = (k: number) => (k % 2 === 0 ? 1 : other);
    for (const k of range(1, 2)) {
      await coldDb.query(
        `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at) VALUES ($1, $2, $3, $4, $5)`,
        [conversation * 10 + k, conversation, sender(k), `old ${conversation}.${k}`, at(500 + conversation * 5 + k)],
      );
    }
    if (conversation % 3 !== 0) {
      for (const k of range(3, 5)) {
        await hotDb.query(
          `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES ($1, $2, $3, $4, $5)`,
          [conversation * 10 + k, conversation, sender(k), `new ${conversation}.${k}`, at(1000 + conversation * 5 + k)],
        );
      }
    }
  }
  for (const stock of range(1, 6)) {
    await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES ($1, $2, $3)`, [
      stock,
      `S${stock}`,
      `Stock ${stock}`,
    ]);
    for (const n of range(0, 9)) {
      const day = new Date(Date.UTC(2026, 8, 20) + n * 86_400_000).toISOString().slice(0, 10);
      const cold = n < 4;
      await (cold ? coldDb : hotDb).query(
        `INSERT INTO ${cold ? 'stock_prices_history (original_id, ' : 'stock_prices (id, '}stock_id, trade_date, close, volume, created_at) VALUES ($1, $2, $3, $4, $5, $6)`,
        [stock * 100 + n, stock, day, (600 + stock + n / 4).toFixed(2), 1000 + n, at(n)],
      );
    }
  }
  await coldDb.query(
    `INSERT INTO archival_runs (status, cutoff, started_at, finished_at, messages) VALUES ('SUCCEEDED', $1, $2, $2, 120)`,
    [CUTOFF, at(2000)],
  );
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
  await stores.bounds.get(); // warm: the bounds cost one statement per process per TTL
  hotCounter.reset();
  coldCounter.reset();
});

async function data(query: string, viewer: Viewer = ADMIN) {
  const result = await gateway.execute(query, viewer);
  expect(result.errors).toBeUndefined();
  return result.data;
}

/** Statements per store of one request. */
async function counted(query: string, viewer?: Viewer) {
  hotCounter.reset();
  coldCounter.reset();
  const result = await data(query, viewer);
  return { result, hot: hotCounter.statements.length, cold: coldCounter.statements.length };
}

/** The feed of issue 13, with the page of posts given. */
const feed = (posts: string) =>
  `{ posts(${posts}) { edges { node { title author { displayName } likeCount commentCount comments(first: 3) { edges { node { body author { displayName } } } } } } } }`;
/** The chat sidebar of issue 13, with the page of conversations given. */
const sidebar = (conversations: string) =>
  `{ viewer { conversations(${conversations}) { edges { node { title participants { displayName } messages(first: 1) { edges { node { content createdAt sender { displayName } } } } } } } } }`;

describe.runIf(hotIsPostgres())('statements of nested pages, whatever the number of parents', () => {
  it('reads the feed in 2 hot statements and 1 cold for 5, 20 or 50 posts', async () => {
    for (const first of [5, 20, 50]) {
      const { result, hot, cold } = await counted(feed(`first: ${first}`));
      const posts = result.posts.edges.map((e: any) => e.node);
      expect(posts).toHaveLength(first);
      expect(posts[0].comments.edges.map((e: any) => e.node.body)).toEqual(['c60.1', 'c60.2', 'c60.3']);
      expect(posts[0]).toMatchObject({ title: 'Hot 60', likeCount: 2, commentCount: 3 });
      // Hot: the posts with their authors; then, asked for in the same turn and so sent as
      // one statement (stores/sql/coalesce.ts), likes and comments counted per post in one
      // grouped count each and every post's first comments with their authors. Cold: the
      // two counts, as one; no cold comment page, as no post of the page was ever archived.
      expect({ first, hot, cold }).toEqual({ first, hot: 2, cold: 1 });
    }
  });

  it('reads a feed of archived posts in one comment page per store for 5, 20 or 30 posts', async () => {
    for (const last of [5, 20, 30]) {
      const { result, hot, cold } = await counted(feed(`last: ${last}`));
      const posts = result.posts.edges.map((e: any) => e.node);
      expect(posts).toHaveLength(last);
      expect(posts.at(-1)).toMatchObject({ title: 'Cold 101', likeCount: 1, commentCount: 3 });
      expect(posts.at(-1).comments.edges.map((e: any) => e.node.body)).toEqual(['old a', 'old b', 'late']);
      // Hot: the posts; the two counts with the comments of every post, as one statement.
      // Cold: the posts; the two counts, as one; the comments of every post (asked for once
      // the hot comments have arrived, so a turn later).
      expect({ last, hot, cold }).toEqual({ last, hot: 2, cold: 3 });
    }
  });

  it('reads the chat sidebar in 3 hot statements and 1 cold for 5, 20 or 50 conversations', async () => {
    for (const first of [5, 20, 50]) {
      const { result, hot, cold } = await counted(sidebar(`first: ${first}`), ANN);
      const conversations = result.viewer.conversations.edges.map((e: any) => e.node);
      expect(conversations).toHaveLength(first);
      expect(conversations[0].title).toBe('Chat 60');
      // 60 holds archived messages only, 59 hot ones.
      expect(conversations[0].messages.edges.map((e: any) => e.node.content)).toEqual(['old 60.2']);
      expect(conversations[1].messages.edges.map((e: any) => e.node.content)).toEqual(['new 59.5']);
      expect(conversations[1].participants.map((u: any) => u.displayName)).toEqual(['User 1', 'User 5']);
      // Hot: the viewer, the conversations, then one statement for what every conversation
      // asks in one turn: its participants with their users (the field, and the access check
      // of its messages) and its newest messages with their senders (the page starts beside
      // the check). Cold: the newest archived messages of the conversations the hot store
      // could not fill.
      expect({ first, hot, cold }).toEqual({ first, hot: 3, cold: 1 });
    }
  });

  it('counts every parent of a nested totalCount in one grouped statement per store', async () => {
    const count = (first: number) =>
      `{ posts(last: ${first}) { edges { node { comments(first: 1) { totalCount } } } } }`;
    for (const last of [2, 5, 8]) {
      const { result, hot, cold } = await counted(count(last));
      expect(result.posts.edges.map((e: any) => e.node.comments.totalCount)).toEqual(
        range(101, 100 + last)
          .reverse()
          .map((post) => (post <= 105 ? 3 : 2)),
      );
      // The posts and comment page on each store, and one grouped count on each.
      expect({ last, hot, cold }).toEqual({ last, hot: 3, cold: 3 });
    }
  });

  it('counts once per store when some parents need the cold store and others do not', async () => {
    // Hot posts 3..1 (their comments are hot only), then cold posts 130..126 (both stores).
    const after = encodeCursor('posts:createdAt', [at(1000 + 4 * 10).getTime(), 4]);
    const { result, hot, cold } = await counted(
      `{ posts(first: 8, after: "${after}") { edges { node { title comments(first: 2) { totalCount edges { node { body } } } } } } }`,
    );
    const posts = result.posts.edges.map((e: any) => e.node);
    expect(posts.map((p: any) => p.title)).toEqual([
      'Hot 3',
      'Hot 2',
      'Hot 1',
      'Cold 130',
      'Cold 129',
      'Cold 128',
      'Cold 127',
      'Cold 126',
    ]);
    expect(posts.map((p: any) => p.comments.totalCount)).toEqual([3, 3, 3, 2, 2, 2, 2, 2]);
    // Each store: the posts, one comment page, one grouped count (the hot posts' pages are
    // done before the cold posts' cold page answers; their counts wait for it).
    expect({ hot, cold }).toEqual({ hot: 3, cold: 3 });
  });

  it('batches a connection under a connection under a list the same way', async () => {
    const query = (first: number) =>
      `{ users(first: ${first}) { edges { node { posts(last: 3) { edges { node { title comments(first: 2) { edges { node { body } } } } } } } } } }`;
    for (const first of [2, 5]) {
      const { result, hot, cold } = await counted(query(first));
      const users = result.users.edges.map((e: any) => e.node);
      expect(users).toHaveLength(first);
      // Each user's 3 oldest posts are archived ones, with their archived comments.
      for (const user of users) {
        expect(user.posts.edges.map((e: any) => e.node.title)).toHaveLength(3);
        expect(user.posts.edges[0].node.comments.edges.map((e: any) => e.node.body)).toEqual(['old a', 'old b']);
      }
      // Hot: the users, every user's posts, every post's comments; cold: the last two again.
      expect({ first, hot, cold }).toEqual({ first, hot: 3, cold: 2 });
    }
  });
});

describe.runIf(hotIsPostgres())('each nested page is its parent connection', () => {
  const connection =
    '{ totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }';

  it('comments of posts across both stores, forward and backward', async () => {
    const ids = [...range(1, 3), ...range(101, 106)].map((id) => toGlobalId('Post', id));
    for (const args of ['first: 2', 'last: 2', 'first: 1', 'last: 3']) {
      const nested = await data(
        `{ nodes(ids: ${JSON.stringify(ids)}) { ... on Post { comments(${args}) ${connection} } } }`,
      );
      for (const [i, id] of ids.entries()) {
        const alone = await data(`{ post(id: "${id}") { comments(${args}) ${connection} } }`);
        expect(nested.nodes[i].comments).toEqual(alone.post.comments);
      }
    }
  });

  it('posts of users, prices of stocks, messages of conversations', async () => {
    const users = await data(`{ users(first: 5) { edges { node { id posts(first: 4) ${connection} } } } }`);
    for (const { node } of users.users.edges) {
      const alone = await data(`{ nodes(ids: ["${node.id}"]) { ... on User { posts(first: 4) ${connection} } } }`);
      expect(node.posts).toEqual(alone.nodes[0].posts);
    }
    const stocks = await data(`{ stocks(first: 6) { edges { node { symbol prices(last: 7) ${connection} } } } }`);
    for (const { node } of stocks.stocks.edges) {
      const alone = await data(`{ stock(symbol: "${node.symbol}") { prices(last: 7) ${connection} } }`);
      expect(node.prices).toEqual(alone.stock.prices);
    }
    const chats = await data(
      `{ viewer { conversations(first: 8) { edges { node { id messages(first: 4) ${connection} } } } } }`,
      ANN,
    );
    for (const { node } of chats.viewer.conversations.edges) {
      const alone = await data(`{ conversation(id: "${node.id}") { messages(first: 4) ${connection} } }`, ANN);
      expect(node.messages).toEqual(alone.conversation.messages);
    }
  });
});
