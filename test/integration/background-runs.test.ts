/**
 * Archival runs in the background, through the gateway as production composes it (openRuntime:
 * the job on its worker thread) over real PostgreSQL: the mutation answers RUNNING once its
 * short wait is over while the run goes on, node(id) and archivalRuns show the rows committed
 * so far, cancelArchivalRun stops the run at its next batch boundary with every row in exactly
 * one store, and runs left RUNNING by a dead process end FAILED at the next start. Runs are
 * held at a checkpoint by a gate the test opens (no sleeps decide anything here).
 */
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCheckpointGate, type CheckpointGate } from '../../src/archival/checkpoint-gate.js';
import { failInterruptedRuns } from '../../src/archival/recorded-run.js';
import { loadDemoData } from '../../src/demo/load.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';

const RUN_FIELDS =
  'id kind status messages posts comments likes stockPrices rowsPerSecond rowsToMove cancelRequested error finishedAt';
const TABLES = [
  ['messages', 'messages_archive'],
  ['posts', 'posts_archive'],
  ['comments', 'comments_archive'],
  ['post_likes', 'post_likes_archive'],
  ['stock_prices', 'stock_prices_history'],
] as const;

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let gate: CheckpointGate;
let http: HttpGateway;

const admin = (query: string, variables?: Record<string, unknown>) =>
  http.post(query, { token: HTTP_SECRETS.adminToken, variables });

async function node(id: string) {
  const { body } = await admin(`query ($id: ID!) { node(id: $id) { ... on ArchivalRun { ${RUN_FIELDS} } } }`, { id });
  return body.data.node;
}

/** Polls the run's row until it ended (the test's own timeout bounds it). */
async function ended(id: string) {
  for (;;) {
    const run = await node(id);
    if (run.status !== 'RUNNING') return run;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** Per table, the ids in hot, in cold, and in both. */
async function placement() {
  const result: Record<string, { hot: number; cold: number; both: number; all: number }> = {};
  for (const [hot, cold] of TABLES) {
    const hotIds = (await hotDb.query<{ id: number }>(`SELECT id FROM ${hot}`)).rows.map((r) => r.id);
    const coldIds = new Set(
      (await coldDb.query<{ id: number }>(`SELECT original_id AS id FROM ${cold}`)).rows.map((r) => r.id),
    );
    const both = hotIds.filter((id) => coldIds.has(id)).length;
    result[hot] = { hot: hotIds.length, cold: coldIds.size, both, all: hotIds.length + coldIds.size - both };
  }
  return result;
}

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
});

afterAll(async () => {
  await http?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

describe.runIf(hotIsPostgres())('archival runs in the background', () => {
  beforeEach(async () => {
    await http?.stop();
    await hotDb.query(
      'TRUNCATE messages, post_likes, comments, posts, stock_prices, conversation_participants, conversations, stocks, users',
    );
    await coldDb.query(
      'TRUNCATE messages_archive, posts_archive, comments_archive, post_likes_archive, stock_prices_history, user_activity, archival_runs',
    );
    // The demo's rows reach 35 days back in hot from now: a 30-day run has five days to move.
    await loadDemoData(hotDb, coldDb, { anchor: new Date(), scale: 0.02 });
    gate = createCheckpointGate();
    http = await startHttpGateway(
      { hot: fresh.hot, cold: fresh.cold },
      { resilience: { archivalAnswerWaitMs: 50 }, archivalGate: gate.buffer },
    );
  });

  // A test that failed while its run was held must not leave it holding the archival lock.
  afterEach(() => gate.open());

  it('answers RUNNING after the short wait, shows the rows committed so far, then ends SUCCEEDED', async () => {
    const before = await placement();
    const { status, body } = await admin(
      `mutation { runArchival(input: { olderThanDays: 30 }) { ${RUN_FIELDS} startedAt } }`,
    );
    expect(status).toBe(200);
    const answered = body.data.runArchival;
    // The gate holds the run at its first checkpoint after a row moved: it cannot have ended.
    expect(answered).toMatchObject({ kind: 'ARCHIVE', status: 'RUNNING', cancelRequested: false, finishedAt: null });

    await gate.held();
    const live = await node(answered.id);
    expect(live.status).toBe('RUNNING');
    // Posts move first, a page of their comments and likes before the posts themselves (each
    // counted once its hot delete committed): the held checkpoint is inside that dataset.
    expect(live.posts + live.comments + live.likes).toBeGreaterThan(0);
    expect(live.messages).toBe(0);
    expect(live.stockPrices).toBe(0);
    expect(live.rowsPerSecond).toBeGreaterThan(0);
    expect(live.rowsToMove).toBeGreaterThanOrEqual(live.posts + live.comments + live.likes);
    const listed = (await admin(`{ archivalRuns(first: 1) { edges { node { ${RUN_FIELDS} } } } }`)).body.data
      .archivalRuns.edges[0].node;
    expect(listed).toEqual(live);
    // Another gateway process reads the same row: the progress is in the database.
    const { rows } = await coldDb.query(
      `SELECT status, posts, rows_per_second FROM archival_runs WHERE kind = 'ARCHIVE' AND started_at = (SELECT max(started_at) FROM archival_runs)`,
    );
    expect(rows).toEqual([{ status: 'RUNNING', posts: live.posts, rows_per_second: live.rowsPerSecond }]);

    gate.open();
    const done = await ended(answered.id);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.messages).toBeGreaterThan(0);
    const after = await placement();
    for (const [table] of TABLES) {
      expect(after[table].both, `${table} in both stores`).toBe(0);
      expect(after[table].all, `${table} rows`).toBe(before[table].all);
    }
    const moved = done.messages + done.posts + done.comments + done.likes + done.stockPrices;
    expect(moved).toBe(TABLES.reduce((sum, [table]) => sum + after[table].cold - before[table].cold, 0));
  }, 120_000);

  it('stops a cancelled run at its next batch boundary: CANCELLED, every row in exactly one store', async () => {
    const before = await placement();
    const started = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { ${RUN_FIELDS} } }`)).body.data
      .runArchival;
    await gate.held();

    const analyst = await http.post(`mutation { cancelArchivalRun(id: "${started.id}") { id } }`, {
      token: await http.analystToken(),
    });
    expect(analyst.body.errors[0].extensions.code).toBe('FORBIDDEN');
    const unknown = await admin(`mutation { cancelArchivalRun(id: "${toGlobalId('ArchivalRun', 999_999)}") { id } }`);
    expect(unknown.body.errors[0].extensions.code).toBe('NOT_FOUND');
    const wrongType = await admin(`mutation { cancelArchivalRun(id: "${toGlobalId('Post', 1)}") { id } }`);
    expect(wrongType.body.errors[0].extensions.code).toBe('BAD_USER_INPUT');

    const cancelled = (await admin(`mutation { cancelArchivalRun(id: "${started.id}") { ${RUN_FIELDS} } }`)).body.data
      .cancelArchivalRun;
    expect(cancelled).toMatchObject({ status: 'RUNNING', cancelRequested: true });
    gate.open();
    const done = await ended(started.id);
    expect(done).toMatchObject({ status: 'CANCELLED', cancelRequested: true, error: null });
    // It stopped after the posts: the later datasets are untouched.
    expect(done.posts).toBeGreaterThan(0);
    expect(done.messages).toBe(0);
    expect(done.stockPrices).toBe(0);
    const after = await placement();
    for (const [table] of TABLES) {
      expect(after[table].both, `${table} in both stores`).toBe(0);
      expect(after[table].all, `${table} rows`).toBe(before[table].all);
    }
    expect(after.messages.hot).toBe(before.messages.hot);
    expect(after.posts.cold - before.posts.cold).toBe(done.posts);

    const again = await admin(`mutation { cancelArchivalRun(id: "${started.id}") { id } }`);
    expect(again.body.errors[0].extensions).toMatchObject({ code: 'ARCHIVAL_RUN_FINISHED', argumentName: 'id' });
    // The next run finishes the job (the gate is open now).
    const rerun = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id } }`)).body.data.runArchival;
    expect((await ended(rerun.id)).status).toBe('SUCCEEDED');
    const final = await placement();
    for (const [table] of TABLES) expect(final[table]).toMatchObject({ both: 0, all: before[table].all });
    expect(final.messages.hot).toBeLessThan(before.messages.hot);
  }, 120_000);

  it('ends a run FAILED as soon as its worker thread dies, frees the lock, and a rerun finishes the job', async () => {
    const before = await placement();
    const started = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id } }`)).body.data
      .runArchival;
    await gate.held();
    // The thread exits where it waits, without reporting: as its heap limit or a crash ends it.
    gate.kill();
    const died = await ended(started.id);
    expect(died.status).toBe('FAILED');
    expect(died.error).toMatch(/^interrupted: the archival worker stopped with exit code 1/);
    expect(died.finishedAt).not.toBeNull();
    // Its connection, and so the archival lock, went with it: the next run starts and finishes.
    gate = createCheckpointGate();
    gate.open();
    await http.stop();
    http = await startHttpGateway({ hot: fresh.hot, cold: fresh.cold }, { resilience: { archivalAnswerWaitMs: 50 } });
    const rerun = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id } }`)).body.data.runArchival;
    expect((await ended(rerun.id)).status).toBe('SUCCEEDED');
    const after = await placement();
    for (const [table] of TABLES) expect(after[table]).toMatchObject({ both: 0, all: before[table].all });
    expect(after.messages.hot).toBeLessThan(before.messages.hot);
  }, 120_000);

  it('moves 60,000 old prices on the worker thread, within its heap limit', async () => {
    // Years of daily prices no store holds yet, for every stock: 60,000 rows, 60 batches. The
    // delete queue of each batch holds its copied values; as full rows (decimals as objects)
    // 60 of them outgrew the worker's 96 MB heap, and the run died half-way.
    const { rows } = await hotDb.query<{ n: number }>(
      `WITH s AS (SELECT id FROM stocks ORDER BY id LIMIT 50)
       INSERT INTO stock_prices (stock_id, trade_date, open, high, low, close, change, volume, turnover, transaction_count)
       SELECT s.id, DATE '2005-01-03' + d, 100.1234 + d, 101.5 + d, 99.25 + d, 100.75 + d, -0.5, 1000000 + d, 9007199254740993, 1200
       FROM s, generate_series(0, 1199) d
       RETURNING 1`,
    );
    expect(rows.length).toBe(60_000);
    gate.open();
    const started = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id } }`)).body.data
      .runArchival;
    const done = await ended(started.id);
    expect(done).toMatchObject({ status: 'SUCCEEDED', error: null });
    expect(done.stockPrices).toBeGreaterThanOrEqual(60_000);
    const { rows: left } = await hotDb.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM stock_prices WHERE trade_date < DATE '2009-01-01'`,
    );
    expect(left[0].n).toBe(0);
    const { rows: archived } = await coldDb.query<{ n: number; turnover: string }>(
      `SELECT count(*)::int AS n, min(turnover)::text AS turnover FROM stock_prices_history WHERE trade_date < DATE '2009-01-01'`,
    );
    expect(archived[0]).toEqual({ n: 60_000, turnover: '9007199254740993' });
  }, 300_000);

  it('a second start while a run goes on gets ARCHIVAL_IN_PROGRESS, from the mutation itself', async () => {
    const started = (await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id status } }`)).body.data
      .runArchival;
    expect(started.status).toBe('RUNNING');
    const second = await admin(`mutation { runArchival(input: { olderThanDays: 30 }) { id } }`);
    expect(second.body.errors[0].extensions.code).toBe('ARCHIVAL_IN_PROGRESS');
    gate.open();
    expect((await ended(started.id)).status).toBe('SUCCEEDED');
  }, 120_000);

  it('ends runs left RUNNING by a dead process as FAILED at start, never a live one', async () => {
    const { rows } = await coldDb.query<{ id: number }>(
      `INSERT INTO archival_runs (kind, status, cutoff, started_at) VALUES ('ARCHIVE', 'RUNNING', now(), now()) RETURNING id`,
    );
    const [{ id }] = rows;
    // A live run holds the archival lock: its row is left alone.
    const live = new pg.Client(pgConnectionConfig(fresh.cold));
    await live.connect();
    await live.query('SELECT pg_advisory_lock(7279813045)');
    expect(await failInterruptedRuns(fresh.cold)).toEqual([]);
    expect((await coldDb.query('SELECT status FROM archival_runs WHERE id = $1', [id])).rows[0].status).toBe('RUNNING');
    // Its process dies: the session ends, the lock goes with it.
    await live.end();
    expect(await failInterruptedRuns(fresh.cold)).toEqual([id]);
    const run = await node(toGlobalId('ArchivalRun', id));
    expect(run).toMatchObject({ status: 'FAILED' });
    expect(run.error).toMatch(/^interrupted/);
    expect(run.finishedAt).not.toBeNull();
  }, 60_000);
});
