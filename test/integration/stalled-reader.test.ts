/**
 * No timing in the read path's correctness: a reader stalled by a hook (never a sleep) at either
 * side of its hot read, while an archival run publishes its bounds and deletes the rows the
 * page needs, still returns the complete page: forward (first/after), backward (last/before)
 * and for a date range of prices. The reader's cached bounds are an hour old on purpose
 * (createArchiveBounds' TTL): only the bounds read with the hot page may decide to skip cold.
 *
 * The same in restore's direction (cold to hot, each batch deleted from cold as soon as its hot
 * copy commits): a reader stalled before or after its hot read while a restore publishes,
 * copies and deletes the rows it needs, or after its cold read while an archival run moves
 * them back, still returns the complete page, nested pages too; and the statements it costs
 * are counted, with and without a restore in flight.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival, type Dataset, type FaultPoint } from '../../src/archival/job.js';
import { runRestore, type RestorePoint } from '../../src/archival/restore.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { pageHooks } from '../../src/graphql/pagination/stitched-page.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter, hotEngine } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { countingAdapter, type CountingAdapter } from '../support/counting-adapter.js';
import { freshStores, type FreshStores } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const DAY = 86_400_000;
const NOW = new Date('2026-11-20T12:00:00.000Z');
/** Message n and price n are n days old plus a bit: 40 of each, ids in date order (oldest first). */
const N = 40;
const at = (n: number) => new Date(NOW.getTime() - (N + 1 - n) * DAY);
const day = (n: number) => at(n).toISOString().slice(0, 10);

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let stores: Stores;
let gateway: TestGateway;
let hotCounter: CountingAdapter;
let coldCounter: CountingAdapter;

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  hotCounter = countingAdapter(hotAdapter(fresh.hot));
  coldCounter = countingAdapter(coldAdapter(fresh.cold));
  const { hot, cold, hotSql, coldSql } = storeClients(hotCounter.factory, coldCounter.factory);
  stores = { hot, cold, hotSql, coldSql, bounds: createArchiveBounds({ hot, cold: cold! }, 3_600_000) };
  gateway = await startTestGateway(stores);
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

afterEach(() => {
  delete pageHooks.afterHotRead;
  delete pageHooks.beforeHotRead;
  delete pageHooks.afterColdRead;
});

/** Everything hot, under one earlier run whose cutoff is older than every row. */
async function reset(): Promise<void> {
  await hotDb.query(
    'TRUNCATE messages, post_likes, comments, posts, stock_prices, conversation_participants, conversations, stocks, users, archive_bounds',
  );
  await coldDb.query('TRUNCATE messages_archive, stock_prices_history, archival_runs, user_activity');
  await hotDb.query(`INSERT INTO users (id, username, display_name) VALUES (1, 'ann', 'Ann')`);
  await hotDb.query(`INSERT INTO conversations (id, title) VALUES (1, 'Stalls')`);
  await hotDb.query(`INSERT INTO conversation_participants (conversation_id, user_id) VALUES (1, 1)`);
  await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES (1, '2330', 'TSMC')`);
  for (let n = 1; n <= N; n++) {
    await hotDb.query(
      `INSERT INTO messages (id, conversation_id, sender_id, content, created_at) VALUES ($1, 1, 1, $2, $3)`,
      [n, `m${n}`, at(n)],
    );
    await hotDb.query(
      `INSERT INTO stock_prices (id, stock_id, trade_date, close, created_at) VALUES ($1, 1, $2, 1, $3)`,
      [n, day(n), at(n)],
    );
  }
  await archive(365);
  stores.bounds.invalidate();
  await stores.bounds.get(); // cached for an hour: coldBefore a year ago
}

function archive(olderThanDays: number, fault?: (point: FaultPoint, dataset: Dataset) => Promise<void>) {
  return runArchival(
    { hot: stores.hot, hotSql: stores.hotSql, cold: fresh.cold, bounds: { ...stores.bounds, invalidate: () => {} } },
    { olderThanDays, dryRun: false, batchSize: 5, now: () => NOW, fault },
  );
}

interface Gate {
  readonly reached: Promise<void>;
  readonly wait: () => Promise<void>;
  open(): void;
}

/** A point a task stops at (once) until the test opens it. */
function gate(): Gate {
  let reach!: () => void;
  let release!: () => void;
  const reached = new Promise<void>((resolve) => (reach = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  let passed = false;
  return {
    reached,
    wait: async () => {
      if (passed) return;
      passed = true;
      reach();
      await released;
    },
    open: () => release(),
  };
}

const messageCursor = (n: number) => encodeCursor('conversation.messages:createdAt', [at(n).getTime(), n]);
const conversation = toGlobalId('Conversation', 1);

interface Shape {
  readonly name: string;
  readonly query: string;
  readonly pick: (data: any) => unknown[];
  readonly expected: unknown[];
  /** The dataset whose first batch (ids 1..5) the page needs. */
  readonly dataset: Dataset;
}

const messages = (args: string) =>
  `{ conversation(id: "${conversation}") { messages(${args}) { edges { node { databaseId } } } } }`;
const shapes: Shape[] = [
  {
    name: 'messages forward (first/after)',
    query: messages(`first: 5, after: "${messageCursor(6)}"`),
    pick: (d) => d.conversation.messages.edges.map((e: any) => e.node.databaseId),
    expected: [5, 4, 3, 2, 1],
    dataset: 'messages',
  },
  {
    name: 'messages backward (last/before)',
    // Newest first, so the rows before message 1 are the newer ones, nearest last.
    query: messages(`last: 4, before: "${messageCursor(1)}"`),
    pick: (d) => d.conversation.messages.edges.map((e: any) => e.node.databaseId),
    expected: [5, 4, 3, 2],
    dataset: 'messages',
  },
  {
    name: 'prices in a date range',
    query: `{ stock(symbol: "2330") { prices(first: 10, from: "${day(2)}", to: "${day(5)}") { edges { node { tradeDate } } } } }`,
    pick: (d) => d.stock.prices.edges.map((e: any) => e.node.tradeDate),
    expected: [5, 4, 3, 2].map(day),
    dataset: 'stockPrices',
  },
];

describe.each(shapes)('a reader stalled across a run: $name', (shape) => {
  for (const point of ['beforeHotRead', 'afterHotRead'] as const) {
    it(`gets the complete page when stalled ${point === 'beforeHotRead' ? 'before' : 'after'} its hot read, across the whole run`, async () => {
      await reset();
      const reader = gate();
      pageHooks[point] = reader.wait;
      const page = gateway.execute(shape.query, { kind: 'admin' });
      await reader.reached;
      // The whole run: its bounds published, every row the page needs copied and deleted.
      const run = await archive(30);
      expect(run.status).toBe('SUCCEEDED');
      expect((await hotDb.query(`SELECT count(*)::int AS n FROM messages WHERE id <= 5`)).rows[0].n).toBe(0);
      reader.open();
      const { data, errors } = await page;
      expect(errors).toBeUndefined();
      expect(shape.pick(data)).toEqual(shape.expected);
    });

    it(`gets the complete page when stalled ${point === 'beforeHotRead' ? 'before' : 'after'} its hot read, resumed between the run's first delete and the next`, async () => {
      await reset();
      const reader = gate();
      const mover = gate();
      pageHooks[point] = reader.wait;
      const page = gateway.execute(shape.query, { kind: 'admin' });
      await reader.reached;
      const run = archive(30, async (at, dataset) => {
        if (at === 'afterHotDelete' && dataset === shape.dataset) await mover.wait();
      });
      await mover.reached; // published, the first batch (ids 1..5) copied and deleted from hot
      reader.open();
      const { data, errors } = await page;
      mover.open();
      expect((await run).status).toBe('SUCCEEDED');
      expect(errors).toBeUndefined();
      expect(shape.pick(data)).toEqual(shape.expected);
    });
  }
});

/** Restore's direction: rows 1..10 (messages, and prices of both stocks) archived, then restored. */
const RESTORED = 10;

/**
 * As `reset`, plus a second stock (prices 101..110 on the days of 1..10), then rows 1..10 of
 * everything archived by a 30-day run; the reader's bounds are cached (for an hour) after it.
 */
async function resetArchived(): Promise<void> {
  await reset();
  await hotDb.query(`INSERT INTO stocks (id, symbol, name) VALUES (2, '2317', 'Hon Hai')`);
  for (let n = 1; n <= RESTORED; n++)
    await hotDb.query(
      `INSERT INTO stock_prices (id, stock_id, trade_date, close, created_at) VALUES ($1, 2, $2, 1, $3)`,
      [100 + n, day(n), at(n)],
    );
  expect((await archive(30)).status).toBe('SUCCEEDED');
  expect((await coldDb.query('SELECT count(*)::int AS n FROM messages_archive')).rows[0].n).toBe(RESTORED);
  stores.bounds.invalidate();
  await stores.bounds.get();
}

/** Restores days 1..10 with the reader's cache left alone, as in another process. */
function restore(fault?: (point: RestorePoint, dataset: Dataset) => Promise<void>) {
  return runRestore(
    {
      hot: stores.hot,
      hotEngine: hotEngine(fresh.hot),
      hotSql: stores.hotSql,
      cold: fresh.cold,
      bounds: { ...stores.bounds, invalidate: () => {} },
    },
    { from: day(1), to: day(RESTORED), fault },
  );
}

/** Message page statements (the read path's JSON selects) each store ran since the counters' reset. */
function pageStatements(): { hot: number; cold: number } {
  const pages = (counter: CountingAdapter, table: string) =>
    counter.statements.filter((sql) => sql.includes('coalesce(json_agg(') && sql.includes(`FROM "${table}"`)).length;
  return { hot: pages(hotCounter, 'messages'), cold: pages(coldCounter, 'messages_archive') };
}

const nested: Shape = {
  name: 'prices of each stock (nested, batched)',
  query: `{ stocks(first: 5) { edges { node { symbol prices(first: 10, from: "${day(2)}", to: "${day(5)}") { edges { node { tradeDate } } } } } } }`,
  pick: (d) => d.stocks.edges.map((e: any) => [e.node.symbol, e.node.prices.edges.map((p: any) => p.node.tradeDate)]),
  expected: [
    ['2317', [5, 4, 3, 2].map(day)],
    ['2330', [5, 4, 3, 2].map(day)],
  ],
  dataset: 'stockPrices',
};
const restoreShapes = [...shapes, nested];
const pageOf = (shape: Shape) => gateway.execute(shape.query, { kind: 'admin' });

describe.each(restoreShapes)('a reader stalled across a restore: $name', (shape) => {
  for (const point of ['beforeHotRead', 'afterHotRead'] as const) {
    const where = point === 'beforeHotRead' ? 'before' : 'after';
    it(`gets the complete page when stalled ${where} its hot read, across the whole restore`, async () => {
      await resetArchived();
      const reader = gate();
      pageHooks[point] = reader.wait;
      const page = pageOf(shape);
      await reader.reached;
      // The whole restore: published, every row the page needs copied to hot and deleted from cold.
      expect((await restore()).status).toBe('SUCCEEDED');
      expect((await coldDb.query('SELECT count(*)::int AS n FROM messages_archive')).rows[0].n).toBe(0);
      expect((await coldDb.query('SELECT count(*)::int AS n FROM stock_prices_history')).rows[0].n).toBe(0);
      reader.open();
      const { data, errors } = await page;
      expect(errors).toBeUndefined();
      expect(shape.pick(data)).toEqual(shape.expected);
    });

    it(`gets the complete page when stalled ${where} its hot read, resumed right after the cold delete of its rows`, async () => {
      await resetArchived();
      const reader = gate();
      const mover = gate();
      pageHooks[point] = reader.wait;
      const page = pageOf(shape);
      await reader.reached;
      const run = restore(async (at, dataset) => {
        if (at === 'afterColdDelete' && dataset === shape.dataset) await mover.wait();
      });
      await mover.reached; // published, the page's rows copied to hot and deleted from cold
      reader.open();
      const { data, errors } = await page;
      mover.open();
      expect((await run).status).toBe('SUCCEEDED');
      expect(errors).toBeUndefined();
      expect(shape.pick(data)).toEqual(shape.expected);
    });
  }

  it('gets the complete page when stalled after its cold read while the restore ends and a run archives the rows again', async () => {
    await resetArchived();
    const reader = gate();
    const coldRead = gate();
    pageHooks.afterHotRead = reader.wait;
    pageHooks.afterColdRead = coldRead.wait;
    const page = pageOf(shape);
    await reader.reached; // read hot: the rows are cold
    expect((await restore()).status).toBe('SUCCEEDED');
    reader.open();
    await coldRead.reached; // read cold: the rows have gone to hot
    expect((await archive(30)).status).toBe('SUCCEEDED'); // and back to cold before the hot read again
    expect((await coldDb.query('SELECT count(*)::int AS n FROM messages_archive')).rows[0].n).toBe(RESTORED);
    coldRead.open();
    const { data, errors } = await page;
    expect(errors).toBeUndefined();
    expect(shape.pick(data)).toEqual(shape.expected);
  });
});

describe('the statements of a page that reads both stores (messages backward)', () => {
  // Oldest first from message 1: its hot page (11..15) is full, but cold rows precede them.
  const shape = shapes[1];

  it('are one hot and one cold page statement when no restore is in flight, before and after one', async () => {
    await resetArchived();
    hotCounter.reset();
    coldCounter.reset();
    expect(shape.pick((await pageOf(shape)).data)).toEqual(shape.expected);
    expect(pageStatements()).toEqual({ hot: 1, cold: 1 });

    // A restore that ended, and another archival run: the bounds say so, nothing is read again.
    expect((await restore()).status).toBe('SUCCEEDED');
    expect((await archive(30)).status).toBe('SUCCEEDED');
    stores.bounds.invalidate();
    await stores.bounds.get();
    hotCounter.reset();
    coldCounter.reset();
    expect(shape.pick((await pageOf(shape)).data)).toEqual(shape.expected);
    expect(pageStatements()).toEqual({ hot: 1, cold: 1 });
  });

  it('add one hot statement while a restore is in flight, and one of each when it ended between the reads', async () => {
    await resetArchived();
    const mover = gate();
    const run = restore(async (at, dataset) => {
      if (at === 'afterColdDelete' && dataset === 'messages') await mover.wait();
    });
    await mover.reached; // in flight: the messages moved, the prices not yet
    hotCounter.reset();
    coldCounter.reset();
    expect(shape.pick((await pageOf(shape)).data)).toEqual(shape.expected);
    expect(pageStatements()).toEqual({ hot: 2, cold: 1 });
    mover.open();
    expect((await run).status).toBe('SUCCEEDED');

    // A reader whose hot read came before the restore and its cold read after it ended: it
    // cannot tell that no run moved rows back meanwhile, so it reads cold once more.
    await resetArchived();
    const reader = gate();
    pageHooks.afterHotRead = reader.wait;
    hotCounter.reset();
    coldCounter.reset();
    const page = pageOf(shape);
    await reader.reached;
    expect((await restore()).status).toBe('SUCCEEDED');
    reader.open();
    expect(shape.pick((await page).data)).toEqual(shape.expected);
    expect(pageStatements()).toEqual({ hot: 2, cold: 2 });
  });

  it('cost a page whose hot store was skipped by its cached bounds one hot read after its cold one, when a restore ran', async () => {
    // Newest first after message 6: older than the cached hotFrom, so hot is not read at all.
    const forward = shapes[0];
    await resetArchived();
    hotCounter.reset();
    coldCounter.reset();
    expect(forward.pick((await pageOf(forward)).data)).toEqual(forward.expected);
    expect(pageStatements()).toEqual({ hot: 0, cold: 1 });
    expect((await restore()).status).toBe('SUCCEEDED'); // the cache still says hotFrom is at the cutoff
    hotCounter.reset();
    coldCounter.reset();
    expect(forward.pick((await pageOf(forward)).data)).toEqual(forward.expected);
    expect(pageStatements()).toEqual({ hot: 1, cold: 2 });
  });
});

describe('candles read across a restore', () => {
  const candles = (from: number, to: number) =>
    `{ stock(symbol: "2330") { candles(interval: WEEK, from: "${day(from)}", to: "${day(to)}") { period open close tradingDays } } }`;
  for (const [name, from, to] of [
    ['over both stores', 1, 20],
    ['entirely before the cached hotFrom (hot not read by the cached bounds)', 1, 10],
  ] as const) {
    it(`are those of all the days when the reader stalls between its two reads: ${name}`, async () => {
      await resetArchived();
      const complete = await gateway.execute(candles(from, to), { kind: 'admin' });
      expect(complete.errors).toBeUndefined();
      const days = complete.data!.stock.candles.reduce((n: number, c: any) => n + c.tradingDays, 0);
      expect(days).toBe(to - from + 1);
      const reader = gate();
      pageHooks.afterHotRead = reader.wait;
      const page = gateway.execute(candles(from, to), { kind: 'admin' });
      await reader.reached;
      expect((await restore()).status).toBe('SUCCEEDED');
      reader.open();
      const { data, errors } = await page;
      expect(errors).toBeUndefined();
      expect(data).toEqual(complete.data);
    });
  }
});

describe('candles read across an archival run', () => {
  const candles = `{ stock(symbol: "2330") { candles(interval: WEEK, from: "${day(1)}", to: "${day(N)}") { period open close tradingDays } } }`;

  it('are those of all the days when a run moved days from hot since the cached bounds', async () => {
    await reset(); // cached coldBefore: a year ago
    const complete = await gateway.execute(candles, { kind: 'admin' });
    expect(complete.errors).toBeUndefined();
    expect(complete.data!.stock.candles.reduce((n: number, c: any) => n + c.tradingDays, 0)).toBe(N);
    // Days 1-20 move to cold and leave hot at once; the cache still says nothing is cold.
    expect((await archive(20)).stockPrices).toBeGreaterThan(0);
    const { data, errors } = await gateway.execute(candles, { kind: 'admin' });
    expect(errors).toBeUndefined();
    expect(data).toEqual(complete.data);
  });

  it('are those of all the days when the reader stalls between its two reads while a run moves them', async () => {
    await reset();
    const complete = await gateway.execute(candles, { kind: 'admin' });
    const reader = gate();
    pageHooks.afterHotRead = reader.wait;
    const page = gateway.execute(candles, { kind: 'admin' });
    await reader.reached;
    expect((await archive(20)).status).toBe('SUCCEEDED');
    reader.open();
    const { data, errors } = await page;
    expect(errors).toBeUndefined();
    expect(data).toEqual(complete.data);
  });
});
