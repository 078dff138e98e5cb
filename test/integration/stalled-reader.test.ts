/**
 * No timing in the read path's correctness: a reader stalled by a hook (never a sleep) at either
 * side of its hot read, while an archival run publishes its bounds and deletes the rows the
 * page needs, still returns the complete page: forward (first/after), backward (last/before)
 * and for a date range of prices. The reader's cached bounds are an hour old on purpose
 * (createArchiveBounds' TTL): only the bounds read with the hot page may decide to skip cold.
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival, type Dataset, type FaultPoint } from '../../src/archival/job.js';
import type { Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { pageHooks } from '../../src/graphql/pagination/stitched-page.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
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

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  const { hot, cold, hotSql, coldSql } = storeClients(hotAdapter(fresh.hot), coldAdapter(fresh.cold));
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
