/**
 * Model-based property (fast-check commands): random sequences of archival runs (any
 * olderThanDays, dry or not), restores of any range, old-dated price writes, new messages,
 * cancels (cancelArchivalRun at a seeded checkpoint of an archive or a restore) and crashes (a
 * real kill of the thread running an archive, dry or not, or a restore, at a seeded step; then
 * the gateway's start-up recovery, failInterruptedRuns), each followed by
 * - the bounds invariant on the published archive_bounds: no hot row older than `hotFrom`, no
 *   cold row at or after `coldBefore` (by instant for messages and posts, by day for prices),
 *   and every restore up to `restoredThrough` has ended (pages read hot again only after a
 *   newer one: stitched-page.ts);
 * - the oracle: the union of both stores holds exactly the model's rows, with the model's
 *   values, each row in exactly one store (no run is in flight: a crash was recovered);
 * - full walks of every connection shape (messages forward and backward, search, a user's
 *   posts, the comments of every post, cold or hot, prices with and without a range, nodes)
 *   equal to the oracle's ordered lists, with a totalCount equal to the walk's length; each
 *   post's commentCount and each user's activity equal to the oracle's.
 * Seeded (SEED) and reproducible: a failure prints its seed and path for fc.assert to replay.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival } from '../../src/archival/job.js';
import { failInterruptedRuns, type RunHooks } from '../../src/archival/recorded-run.js';
import { runRestore } from '../../src/archival/restore.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter, hotEngine } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, type FreshStores } from '../support/databases.js';
import type { KillableTask } from '../support/killable-archival-entry.js';
import { killWhereTold, spawnKillable, waitForLockRelease, type KillableThread } from '../support/killable-archival.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const SEED = 20_261_202;
const RUNS = 100;
const DAY = 86_400_000;
/** The sequences' clock: rows are dated relative to it; new messages are dated now (close to it). */
const T = Date.now();
const daysAgo = (d: number) => new Date(T - d * DAY);
const dayOf = (d: number) => daysAgo(d).toISOString().slice(0, 10);
const ADMIN = { kind: 'admin' } as const;
const ANN = { kind: 'user', userId: 1 } as const;

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let stores: Stores;
let gateway: TestGateway;

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  const { hot, cold, hotSql, coldSql } = storeClients(hotAdapter(fresh.hot), coldAdapter(fresh.cold));
  // TTL 0: every page starts from the bounds as published (the runs here are sequential).
  stores = { hot, cold, hotSql, coldSql, bounds: createArchiveBounds({ hot, cold: cold! }, 0) };
  gateway = await startTestGateway(stores);
  spare = spawnKillable(fresh); // boots while the first sequences run
});

afterAll(async () => {
  await spare?.worker.terminate();
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

// ---- The model: what the union of the stores must hold. ----

interface Model {
  messages: Set<number>;
  /** trade day → close */
  prices: Map<string, string>;
}

const MESSAGE_AGES = [0.5, 4, 9, 25, 33, 52, 64, 89, 118, 140];
const POSTS = [
  { id: 1, author: 1, age: 3, comments: [2.5, 1] },
  { id: 2, author: 2, age: 20, comments: [19, 2] },
  { id: 3, author: 1, age: 50, comments: [45, 10, 0.2] },
  { id: 4, author: 1, age: 95, comments: [90] },
  { id: 5, author: 2, age: 130, comments: [] },
];
const PRICE_AGES = [1, 8, 29, 31, 44, 75, 99, 149];

async function reset(): Promise<Model> {
  await hotDb.query(
    'TRUNCATE messages, post_likes, comments, posts, stock_prices, conversation_participants, conversations, stocks, users, archive_bounds',
  );
  await coldDb.query(
    'TRUNCATE messages_archive, posts_archive, comments_archive, post_likes_archive, stock_prices_history, archival_runs, user_activity, archival_in_flight',
  );
  await hotDb.query(`INSERT INTO users (id, username, display_name) VALUES (1, 'ann', 'Ann'), (2, 'bob', 'Bob')`);
  await hotDb.query(`INSERT INTO conversations (id, title) VALUES (1, 'Model')`);
  await hotDb.query(`INSERT INTO conversation_participants (conversation_id, user_id) VALUES (1, 1), (1, 2)`);
  await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES (1, '2330', 'TSMC')`);
  await hotDb.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
     SELECT i, 1, 1 + i % 2, 'msg ' || i, t FROM unnest($1::int[], $2::timestamptz[]) AS x(i, t)`,
    [MESSAGE_AGES.map((_, i) => i + 1), MESSAGE_AGES.map((d) => daysAgo(d).toISOString())],
  );
  let commentId = 0;
  for (const post of POSTS) {
    await hotDb.query(`INSERT INTO posts (id, author_id, title, body, created_at) VALUES ($1, $2, $3, 'b', $4)`, [
      post.id,
      post.author,
      `post ${post.id}`,
      daysAgo(post.age),
    ]);
    for (const age of post.comments) {
      commentId += 1;
      await hotDb.query(
        `INSERT INTO comments (id, post_id, author_id, body, created_at) VALUES ($1, $2, $3, 'c', $4)`,
        [commentId, post.id, 1 + (commentId % 2), daysAgo(age)],
      );
    }
  }
  await hotDb.query(
    `INSERT INTO stock_prices (id, stock_id, trade_date, close, created_at)
     SELECT i, 1, d::date, 100 + i, now() FROM unnest($1::int[], $2::text[]) AS x(i, d)`,
    [PRICE_AGES.map((_, i) => i + 1), PRICE_AGES.map(dayOf)],
  );
  for (const table of ['messages', 'posts', 'comments', 'stock_prices'])
    await hotDb.query(`SELECT setval(pg_get_serial_sequence('${table}', 'id'), 1000)`);
  stores.bounds.invalidate();
  return {
    messages: new Set(MESSAGE_AGES.map((_, i) => i + 1)),
    prices: new Map(PRICE_AGES.map((d, i) => [dayOf(d), (100 + i + 1).toFixed(2)])),
  };
}

// ---- Commands ----

type Real = { readonly log: string[] };

class Archive implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly olderThanDays: number,
    readonly dryRun: boolean,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const run = await runArchival(
      { hot: stores.hot, hotSql: stores.hotSql, cold: fresh.cold, bounds: stores.bounds },
      { olderThanDays: this.olderThanDays, dryRun: this.dryRun, batchSize: 3, now: () => new Date(T) },
    );
    expect(run.status).toBe('SUCCEEDED');
    await checkAll(model, real);
  }
  toString = () => `archive(${this.olderThanDays}${this.dryRun ? ', dry' : ''})`;
}

class Restore implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly fromDays: number,
    readonly toDays: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const run = await runRestore(
      {
        hot: stores.hot,
        hotEngine: hotEngine(fresh.hot),
        hotSql: stores.hotSql,
        cold: fresh.cold,
        bounds: stores.bounds,
      },
      { from: dayOf(this.fromDays), to: dayOf(this.toDays) },
    );
    expect(run.status).toBe('SUCCEEDED');
    await checkAll(model, real);
  }
  toString = () => `restore(${dayOf(this.fromDays)}..${dayOf(this.toDays)})`;
}

class WritePrice implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly age: number,
    readonly close: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const day = dayOf(this.age);
    const close = this.close.toFixed(2);
    const { data, errors } = await gateway.execute(
      `mutation { recordStockPrices(prices: [{ symbol: "2330", tradeDate: "${day}", close: "${close}" }]) }`,
      ADMIN,
    );
    expect(errors).toBeUndefined();
    expect(data.recordStockPrices).toBe(1);
    model.prices.set(day, close);
    await checkAll(model, real);
  }
  toString = () => `price(${dayOf(this.age)} = ${this.close})`;
}

class NewMessage implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(model: Model, real: Real) {
    const { data, errors } = await gateway.execute(
      `mutation { sendMessage(conversationId: "${toGlobalId('Conversation', 1)}", content: "msg new") { databaseId } }`,
      ANN,
    );
    expect(errors).toBeUndefined();
    model.messages.add(data.sendMessage.databaseId);
    await checkAll(model, real);
  }
  toString = () => 'newMessage';
}

/** An archive or a restore on its own thread, terminated at its `stopAt`-th fault point. */
class Crash implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly task: KillableTask,
    readonly stopAt: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    const outcome = await killAt(this.task, this.stopAt);
    // A killed thread's sessions end with their sockets; the next run needs the lock free.
    await waitForLockRelease(coldDb);
    // What a gateway does at its start: the killed run ends FAILED and the batches it left in
    // both stores are settled, so the checks below (counts included) hold before any rerun.
    const logged: string[] = [];
    const ended = await failInterruptedRuns(fresh.cold, {
      hot: stores.hot,
      log: (line) => logged.push(line),
    });
    stores.bounds.invalidate();
    real.log.push(`${this.toString()} → ${outcome}; recovery ended runs [${ended.join(', ')}] ${logged.join('; ')}`);
    await checkAll(model, real);
  }
  toString = () =>
    `crash(${this.task.kind === 'archive' ? `archive ${this.task.olderThanDays}${this.task.dryRun ? ' dry' : ''}` : `restore ${this.task.from}..${this.task.to}`} at ${this.stopAt})`;
}

/** An archive or a restore asked to stop (cancelArchivalRun) at its `at`-th checkpoint. */
class Cancel implements fc.AsyncCommand<Model, Real> {
  constructor(
    readonly task:
      | { readonly kind: 'archive'; readonly olderThanDays: number }
      | { readonly kind: 'restore'; readonly fromDays: number; readonly toDays: number },
    readonly at: number,
  ) {}
  check = () => true;
  async run(model: Model, real: Real) {
    let seen = 0;
    const hooks: RunHooks = {
      checkpointed: async (run) => {
        if (++seen !== this.at) return;
        const { errors } = await gateway.execute(
          `mutation { cancelArchivalRun(id: "${toGlobalId('ArchivalRun', run.id)}") { id } }`,
          ADMIN,
        );
        expect(errors).toBeUndefined();
      },
    };
    const run =
      this.task.kind === 'archive'
        ? await runArchival(
            { hot: stores.hot, hotSql: stores.hotSql, cold: fresh.cold, bounds: stores.bounds, hooks },
            { olderThanDays: this.task.olderThanDays, dryRun: false, batchSize: 3, now: () => new Date(T) },
          )
        : await runRestore(
            {
              hot: stores.hot,
              hotEngine: hotEngine(fresh.hot),
              hotSql: stores.hotSql,
              cold: fresh.cold,
              bounds: stores.bounds,
              hooks,
            },
            { from: dayOf(this.task.fromDays), to: dayOf(this.task.toDays) },
          );
    // A cancel after the last checkpoint leaves the run SUCCEEDED.
    expect(['CANCELLED', 'SUCCEEDED']).toContain(run.status);
    real.log.push(`${this.toString()} → ${run.status}`);
    await checkAll(model, real);
  }
  toString = () =>
    `cancel(${this.task.kind === 'archive' ? `archive ${this.task.olderThanDays}` : `restore ${dayOf(this.task.fromDays)}..${dayOf(this.task.toDays)}`} at checkpoint ${this.at})`;
}

let spare: KillableThread | undefined;

async function killAt(task: KillableTask, stopAt: number): Promise<string> {
  const thread = spare ?? spawnKillable(fresh);
  spare = undefined;
  const result = await killWhereTold(thread, task, stopAt);
  spare = spawnKillable(fresh); // boots while the checks run
  return result;
}

// ---- Checks ----

interface Keyed {
  readonly id: number;
  readonly at: number;
}

const byDesc = (a: Keyed, b: Keyed) => b.at - a.at || b.id - a.id;
const byAsc = (a: Keyed, b: Keyed) => a.at - b.at || a.id - b.id;

async function union(hotSql: string, coldSql: string): Promise<Map<number, Record<string, any>>> {
  const rows = new Map<number, Record<string, any>>();
  for (const row of (await coldDb.query(coldSql)).rows) rows.set(row.id, row);
  for (const row of (await hotDb.query(hotSql)).rows) rows.set(row.id, row); // hot wins, as the read path
  return rows;
}

/** Ids present in both stores: none once no run is in flight. */
async function inBoth(hotSql: string, coldSql: string): Promise<number[]> {
  const cold = new Set((await coldDb.query<{ id: number }>(coldSql)).rows.map((r) => r.id));
  return (await hotDb.query<{ id: number }>(hotSql)).rows.map((r) => r.id).filter((id) => cold.has(id));
}

async function checkAll(model: Model, real: Real): Promise<void> {
  const context = () => real.log.join('\n');
  await checkBounds(context);
  for (const [hotTable, coldTable] of [
    ['messages', 'messages_archive'],
    ['posts', 'posts_archive'],
    ['comments', 'comments_archive'],
    ['stock_prices', 'stock_prices_history'],
  ])
    expect(
      await inBoth(`SELECT id FROM ${hotTable}`, `SELECT original_id AS id FROM ${coldTable}`),
      `${hotTable} in both stores\n${context()}`,
    ).toEqual([]);
  const messages = await union(
    `SELECT id, sender_id AS user_id, created_at AS at FROM messages`,
    `SELECT original_id AS id, sender_id AS user_id, created_at AS at FROM messages_archive`,
  );
  const posts = await union(
    `SELECT id, author_id, created_at AS at FROM posts`,
    `SELECT original_id AS id, author_id, created_at AS at FROM posts_archive`,
  );
  const comments = await union(
    `SELECT id, post_id, author_id AS user_id, created_at AS at FROM comments`,
    `SELECT original_id AS id, post_id, author_id AS user_id, created_at AS at FROM comments_archive`,
  );
  const prices = await union(
    `SELECT id, trade_date::text AS day, close::text AS close FROM stock_prices`,
    `SELECT original_id AS id, trade_date::text AS day, close::text AS close FROM stock_prices_history`,
  );
  // The oracle against the model: nothing lost, nothing added, values kept.
  expect(
    [...messages.keys()].sort((a, b) => a - b),
    context(),
  ).toEqual([...model.messages].sort((a, b) => a - b));
  expect(posts.size, context()).toBe(POSTS.length);
  expect(comments.size, context()).toBe(POSTS.reduce((n, p) => n + p.comments.length, 0));
  expect(new Map([...prices.values()].map((p) => [p.day, Number(p.close).toFixed(2)])), context()).toEqual(
    model.prices,
  );

  const keyed = (rows: Map<number, Record<string, any>>) =>
    [...rows.values()].map((r) => ({ id: r.id as number, at: (r.at as Date).getTime() }));
  const messageOrder = keyed(messages)
    .sort(byDesc)
    .map((r) => r.id);
  const conversation = toGlobalId('Conversation', 1);
  const annPosts = keyed(new Map([...posts].filter(([, p]) => p.author_id === 1)))
    .sort(byDesc)
    .map((r) => r.id);
  const priceRows = [...prices.values()].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : 0));
  const messagesOf = `conversation(id: "${conversation}") { messages(ARGS) { PAGE } }`;
  // Every walk at once (they only read), each against its ordered list from the oracle.
  const walks: [string, Promise<unknown[]>, unknown[]][] = [
    ['messages forward', walk(messagesOf, (d) => d.conversation.messages), messageOrder],
    ['messages backward', walkBack(messagesOf, (d) => d.conversation.messages), messageOrder],
    [
      'search',
      walk(`searchMessages(conversationId: "${conversation}", query: "msg", ARGS) { PAGE }`, (d) => d.searchMessages),
      messageOrder,
    ],
    ["ann's posts", walk(`user(username: "ann") { posts(ARGS) { PAGE } }`, (d) => d.user.posts), annPosts],
    ...POSTS.filter((p) => p.comments.length > 0).map((post): [string, Promise<unknown[]>, unknown[]] => [
      `comments of post ${post.id}`,
      walk(
        `node(id: "${toGlobalId('Post', post.id)}") { ... on Post { comments(ARGS) { PAGE } } }`,
        (d) => d.node.comments,
      ),
      keyed(new Map([...comments].filter(([, c]) => c.post_id === post.id)))
        .sort(byAsc)
        .map((r) => r.id),
    ]),
    [
      'prices',
      walk(`stock(symbol: "2330") { prices(ARGS) { PAGE } }`, (d) => d.stock.prices, 'tradeDate'),
      priceRows.map((p) => p.day),
    ],
    ...[
      [dayOf(200), dayOf(30)],
      [dayOf(31), dayOf(0)],
    ].map(([from, to]): [string, Promise<unknown[]>, unknown[]] => [
      `prices ${from}..${to}`,
      walk(
        `stock(symbol: "2330") { prices(from: "${from}", to: "${to}", ARGS) { PAGE } }`,
        (d) => d.stock.prices,
        'tradeDate',
      ),
      priceRows.filter((p) => p.day >= from && p.day <= to).map((p) => p.day),
    ]),
  ];
  const ids = [
    ...[...messages.keys()].map((id) => toGlobalId('Message', id)),
    ...[...posts.keys()].map((id) => toGlobalId('Post', id)),
    ...[...comments.keys()].map((id) => toGlobalId('Comment', id)),
    ...[...prices.keys()].map((id) => toGlobalId('StockPrice', id)),
  ];
  const nodes = gateway.execute(`{ nodes(ids: ${JSON.stringify(ids)}) { id } }`, ADMIN);
  // Each post's commentCount and each user's activity against the union's rows, each once.
  const derived = gateway.execute(
    `{ ${POSTS.map((p) => `p${p.id}: node(id: "${toGlobalId('Post', p.id)}") { ... on Post { commentCount } }`).join(' ')}
       ann: user(username: "ann") { activity(from: "${dayOf(400)}", to: "${dayOf(-2)}") { actionType count date } }
       bob: user(username: "bob") { activity(from: "${dayOf(400)}", to: "${dayOf(-2)}") { actionType count date } } }`,
    ADMIN,
  );
  for (const [name, got, expected] of walks) expect(await got, `${name}\n${context()}`).toEqual(expected);
  const { data: counted, errors: countErrors } = await derived;
  expect(countErrors, context()).toBeUndefined();
  expect(
    Object.fromEntries(POSTS.map((p) => [p.id, counted[`p${p.id}`].commentCount])),
    `commentCount\n${context()}`,
  ).toEqual(
    Object.fromEntries(POSTS.map((p) => [p.id, [...comments.values()].filter((c) => c.post_id === p.id).length])),
  );
  const activity = new Map<string, number>();
  for (const [rows, type] of [
    [messages, 'MESSAGE'],
    [posts, 'POST'],
    [comments, 'COMMENT'],
  ] as const)
    for (const r of rows.values()) {
      const key = `${(r.user_id ?? r.author_id) === 1 ? 'ann' : 'bob'}|${(r.at as Date).toISOString().slice(0, 10)}|${type}`;
      activity.set(key, (activity.get(key) ?? 0) + 1);
    }
  const answered = new Map<string, number>();
  for (const user of ['ann', 'bob'])
    for (const a of counted[user].activity as { actionType: string; count: number; date: string }[])
      if (a.count !== 0) answered.set(`${user}|${a.date}|${a.actionType}`, a.count);
  expect(answered, `activity\n${context()}`).toEqual(activity);
  const { data, errors } = await nodes;
  expect(errors, context()).toBeUndefined();
  expect(
    data.nodes.map((n: { id: string } | null) => n?.id ?? null),
    context(),
  ).toEqual(ids);
}

/** The published bounds hold for every row of both stores. */
async function checkBounds(context: () => string): Promise<void> {
  const { rows } = await hotDb.query(`SELECT cold_before, hot_from, restored_through FROM archive_bounds WHERE id = 1`);
  const published = rows[0] as
    { cold_before: Date | null; hot_from: Date | null; restored_through: number | null } | undefined;
  if (!published) return;
  const { cold_before: coldBefore, hot_from: hotFrom, restored_through: restoredThrough } = published;
  if (restoredThrough !== null) {
    const { rows: running } = await coldDb.query(
      `SELECT id FROM archival_runs WHERE kind = 'RESTORE' AND NOT dry_run AND status = 'RUNNING' AND id <= $1`,
      [restoredThrough],
    );
    expect(running, `restores up to restoredThrough ${restoredThrough} still RUNNING\n${context()}`).toEqual([]);
  }
  if (hotFrom) {
    const hotFromDay = hotFrom.toISOString().slice(0, 10);
    const {
      rows: [hot],
    } = await hotDb.query(
      `SELECT (SELECT count(*)::int FROM messages WHERE created_at < $1) + (SELECT count(*)::int FROM posts WHERE created_at < $1) AS older,
              (SELECT count(*)::int FROM stock_prices WHERE trade_date < $2::date) AS older_days`,
      [hotFrom, hotFromDay],
    );
    expect(hot, `hot rows older than hotFrom ${hotFrom.toISOString()}\n${context()}`).toEqual({
      older: 0,
      older_days: 0,
    });
  }
  if (coldBefore) {
    const coldBeforeDay = coldBefore.toISOString().slice(0, 10);
    const {
      rows: [cold],
    } = await coldDb.query(
      `SELECT (SELECT count(*)::int FROM messages_archive WHERE created_at >= $1) + (SELECT count(*)::int FROM posts_archive WHERE created_at >= $1) AS newer,
              (SELECT count(*)::int FROM stock_prices_history WHERE trade_date >= $2::date) AS newer_days`,
      [coldBefore, coldBeforeDay],
    );
    expect(cold, `cold rows at or after coldBefore ${coldBefore.toISOString()}\n${context()}`).toEqual({
      newer: 0,
      newer_days: 0,
    });
  }
}

let pageSize = 3;

const PAGE = 'totalCount edges { node { ID } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** Counts are exact when no run is in flight: every page's totalCount is the walk's length. */
function expectTotal(totals: number[], length: number, template: string): void {
  for (const total of totals)
    if (total !== length) throw new Error(`totalCount ${total} but the walk has ${length} rows: ${template}`);
}

/** Pages `first`/`after` to the end; the ids (or `field`) in the connection's order. */
async function walk(template: string, pick: (data: any) => any, field = 'databaseId'): Promise<unknown[]> {
  const out: unknown[] = [];
  const totals: number[] = [];
  let after: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const args = `first: ${pageSize}${after ? `, after: "${after}"` : ''}`;
    const connection = pick(await query(template, args, field));
    out.push(...connection.edges.map((e: any) => e.node[field]));
    totals.push(connection.totalCount);
    if (!connection.pageInfo.hasNextPage) {
      expectTotal(totals, out.length, template);
      return out;
    }
    after = connection.pageInfo.endCursor;
  }
  throw new Error('walk did not end');
}

/** Pages `last`/`before` back to the start; the ids in the connection's order. */
async function walkBack(template: string, pick: (data: any) => any): Promise<unknown[]> {
  const out: unknown[] = [];
  const totals: number[] = [];
  let before: string | null = null;
  for (let guard = 0; guard < 100; guard++) {
    const args = `last: ${pageSize}${before ? `, before: "${before}"` : ''}`;
    const connection = pick(await query(template, args, 'databaseId'));
    out.unshift(...connection.edges.map((e: any) => e.node.databaseId));
    totals.push(connection.totalCount);
    if (!connection.pageInfo.hasPreviousPage) {
      expectTotal(totals, out.length, template);
      return out;
    }
    before = connection.pageInfo.startCursor;
  }
  throw new Error('walk did not end');
}

async function query(template: string, args: string, field: string): Promise<any> {
  const source = `{ ${template.replace('ARGS', args).replace('PAGE', PAGE.replace('ID', field))} }`;
  const { data, errors } = await gateway.execute(source, ADMIN);
  expect(errors, source).toBeUndefined();
  return data;
}

// ---- The property ----

const age = fc.integer({ min: 0, max: 160 });
const weighted = [
  fc.tuple(fc.constantFrom(0, 3, 10, 30, 45, 60, 100, 365), fc.boolean()).map(([d, dry]) => new Archive(d, dry)),
  fc.tuple(age, age).map(([a, b]) => new Restore(Math.max(a, b), Math.min(a, b))),
  fc.tuple(age, fc.integer({ min: 1, max: 999 })).map(([d, close]) => new WritePrice(d, close)),
  fc.constant(new NewMessage()),
  fc
    .tuple(
      fc.oneof(
        fc
          .tuple(fc.constantFrom(0, 10, 30, 60), fc.boolean())
          .map(([d, dryRun]): KillableTask => ({ kind: 'archive', olderThanDays: d, dryRun, now: T })),
        fc
          .tuple(age, age)
          .map(([a, b]): KillableTask => ({ kind: 'restore', from: dayOf(Math.max(a, b)), to: dayOf(Math.min(a, b)) })),
      ),
      fc.integer({ min: 1, max: 14 }),
    )
    .map(([task, stopAt]) => new Crash(task, stopAt)),
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(0, 10, 30, 60).map((d) => ({ kind: 'archive' as const, olderThanDays: d })),
        fc
          .tuple(age, age)
          .map(([a, b]) => ({ kind: 'restore' as const, fromDays: Math.max(a, b), toDays: Math.min(a, b) })),
      ),
      fc.integer({ min: 1, max: 6 }),
    )
    .map(([task, at]) => new Cancel(task, at)),
];

/** Crashes (a thread booted and killed) cost the most: one command in eight. */
const commands = [
  fc.oneof(
    { arbitrary: weighted[0], weight: 2 },
    { arbitrary: weighted[1], weight: 2 },
    { arbitrary: weighted[2], weight: 2 },
    { arbitrary: weighted[3], weight: 1 },
    { arbitrary: weighted[4], weight: 1 },
    { arbitrary: weighted[5], weight: 1 },
  ),
];

describe('bounds and walks after any sequence of runs, restores, writes and crashes', () => {
  it(`holds for ${RUNS} seeded sequences`, async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.commands(commands, { maxCommands: 2 }),
        fc.integer({ min: 4, max: 9 }),
        async (cmds, size) => {
          pageSize = size;
          const model = await reset();
          const real: Real = { log: [] };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
        },
      ),
      { seed: SEED, numRuns: RUNS, endOnFailure: true },
    );
  }, 600_000);
});
