/**
 * Stock.candles over both stores, on real PostgreSQL (hot on PostgreSQL stands in for SQL
 * Server, whose T-SQL is pinned in test/unit/sqlserver-tsql.test.ts):
 * - property: whatever the daily prices, wherever the split between the stores falls (inside
 *   candles, with days present in both stores as between archival's cold commit and its hot
 *   delete, with bounds known or not), and whatever the range and interval, the candles are
 *   exactly an oracle's over all the days in one list;
 * - one aggregate statement per store for a list of stocks; a store the bounds rule out is
 *   not read; bad ranges are refused before any statement;
 * - the same candles before, during and after a real archival run.
 */
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArchiveBounds, type ArchiveBounds, type Bounds } from '../../src/archival/bounds.js';
import { runArchival } from '../../src/archival/job.js';
import type { Viewer } from '../../src/auth/viewer.js';
import type { Stores } from '../../src/graphql/context.js';
import { DEFAULT_LIMITS } from '../../src/config.js';
import { BigIntScalar } from '../../src/graphql/scalars.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { DecimalNumber } from '../../src/stores/decimal.js';
import { hotAdapter } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { countingAdapter, type CountingAdapter } from '../support/counting-adapter.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { startTestGateway, type TestGateway } from '../support/test-gateway.js';

const ANALYST: Viewer = { kind: 'analyst', userId: undefined };
const DAY_MS = 86_400_000;
/** Day 0 of the generated data: a Wednesday, so weeks straddle months and years. */
const BASE = Date.UTC(2024, 11, 25);
const DAYS = 420;
const STOCKS = [1, 2, 3];
const day = (offset: number) => new Date(BASE + offset * DAY_MS).toISOString().slice(0, 10);

type Place = 'hot' | 'cold' | 'both';

interface Price {
  readonly stockId: number;
  readonly offset: number;
  readonly open: string | null;
  readonly high: string | null;
  readonly low: string | null;
  readonly close: string | null;
  readonly volume: string | null;
  readonly turnover: string | null;
  readonly place: Place;
}

interface Candle {
  period: string;
  firstTradeDate: string;
  lastTradeDate: string;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string | null;
  /** As the BigInt scalar serialises them: a number when exact, a string beyond 2^53. */
  volume: unknown;
  turnover: unknown;
  tradingDays: number;
}

let fresh: FreshStores;
let hotDb: pg.Client;
let coldDb: pg.Client;
let hotCounter: CountingAdapter;
let coldCounter: CountingAdapter;
let bounds: Bounds = { coldBefore: null, hotFrom: null };
let liveBounds: ArchiveBounds;
let useLiveBounds = false;
let gateway: TestGateway;
let stores: Stores;

beforeAll(async () => {
  fresh = await freshStores();
  hotDb = new pg.Client(pgConnectionConfig(fresh.hot));
  coldDb = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hotDb.connect(), coldDb.connect()]);
  await hotDb.query(
    `INSERT INTO stocks (id, symbol, name, market) SELECT n, 'S' || n, 'Stock ' || n, 'TWSE' FROM unnest($1::int[]) AS n`,
    [STOCKS],
  );
  hotCounter = countingAdapter(hotAdapter(fresh.hot));
  coldCounter = countingAdapter(coldAdapter(fresh.cold));
  const clients = storeClients(hotCounter.factory, coldCounter.factory);
  // Bounds re-read on every request (no cache) for the archival test; fixed ones for the rest.
  liveBounds = createArchiveBounds({ hot: clients.hot, cold: clients.cold! }, 0);
  const switchable: ArchiveBounds = {
    get: () => (useLiveBounds ? liveBounds.get() : Promise.resolve(bounds)),
    invalidate: () => liveBounds.invalidate(),
  };
  stores = { ...clients, bounds: switchable };
  // Room for 1000 candles of every field for three stocks: the cost limit has its own tests.
  gateway = await startTestGateway(stores, { ...DEFAULT_LIMITS, maxCost: 100_000 });
});

afterAll(async () => {
  await gateway?.stop();
  await Promise.all([hotDb?.end(), coldDb?.end()]);
  await fresh?.drop();
});

beforeEach(() => {
  useLiveBounds = false;
});

async function load(prices: readonly Price[]): Promise<void> {
  await hotDb.query('TRUNCATE stock_prices');
  await coldDb.query('TRUNCATE stock_prices_history, archival_runs');
  const insert = async (db: pg.Client, sql: string, rows: readonly Price[]) => {
    if (rows.length === 0) return;
    await db.query(sql, [
      rows.map((p) => p.stockId * 10_000 + p.offset),
      rows.map((p) => p.stockId),
      rows.map((p) => day(p.offset)),
      rows.map((p) => p.open),
      rows.map((p) => p.high),
      rows.map((p) => p.low),
      rows.map((p) => p.close),
      rows.map((p) => p.volume),
      rows.map((p) => p.turnover),
    ]);
  };
  const columns = 'stock_id, trade_date, open, high, low, close, volume, turnover, created_at';
  const values = `SELECT * FROM unnest($1::int[], $2::int[], $3::date[], $4::numeric[], $5::numeric[], $6::numeric[], $7::numeric[], $8::bigint[], $9::bigint[])`;
  await insert(
    hotDb,
    `INSERT INTO stock_prices (id, ${columns}) SELECT t.*, now() FROM (${values}) t`,
    prices.filter((p) => p.place !== 'cold'),
  );
  await insert(
    coldDb,
    `INSERT INTO stock_prices_history (original_id, ${columns}) SELECT t.*, now() FROM (${values}) t`,
    prices.filter((p) => p.place !== 'hot'),
  );
}

const FIELDS = 'period firstTradeDate lastTradeDate open high low close volume turnover tradingDays';

async function candlesOfAll(args: string): Promise<Record<number, Candle[]>> {
  const { data, errors } = await gateway.execute(
    `{ stocks(first: ${STOCKS.length}) { edges { node { databaseId candles(${args}) { ${FIELDS} } } } } }`,
    ANALYST,
  );
  if (errors) throw new Error(JSON.stringify(errors));
  return Object.fromEntries(data.stocks.edges.map((e: any) => [e.node.databaseId, e.node.candles]));
}

/** Statements that aggregate candles, per store, since the last reset. */
const candleStatements = () => ({
  hot: hotCounter.statements.filter((sql) => sql.includes('"tradingDays"')).length,
  cold: coldCounter.statements.filter((sql) => sql.includes('"tradingDays"')).length,
});
const resetCounts = () => {
  hotCounter.reset();
  coldCounter.reset();
};

// ---------------------------------------------------------------- the oracle

type Interval = 'WEEK' | 'MONTH' | 'QUARTER' | 'YEAR';

function periodOf(date: string, interval: Interval): string {
  const d = new Date(`${date}T00:00:00.000Z`);
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth();
  const first = (month: number) => new Date(Date.UTC(y, month, 1)).toISOString().slice(0, 10);
  if (interval === 'YEAR') return first(0);
  if (interval === 'QUARTER') return first(m - (m % 3));
  if (interval === 'MONTH') return first(m);
  const weekday = (d.getUTCDay() + 6) % 7; // Monday 0
  return new Date(d.getTime() - weekday * DAY_MS).toISOString().slice(0, 10);
}

const decimal = (text: string) => {
  const value = new DecimalNumber(text);
  return value.toFixed(Math.max(2, value.decimalPlaces()));
};

/** Candles of one stock computed from all its days in one list, as the contract defines them. */
function oracle(prices: readonly Price[], interval: Interval, from?: string, to?: string): Candle[] {
  const days = prices
    .filter((p) => (!from || day(p.offset) >= from) && (!to || day(p.offset) <= to))
    .sort((a, b) => a.offset - b.offset);
  const groups = new Map<string, Price[]>();
  for (const p of days) {
    const period = periodOf(day(p.offset), interval);
    groups.set(period, [...(groups.get(period) ?? []), p]);
  }
  const values = (list: Price[], field: 'high' | 'low' | 'volume' | 'turnover') =>
    list.map((p) => p[field]).filter((v): v is string => v !== null);
  return [...groups.entries()].map(([period, list]) => {
    const highs = values(list, 'high').map((v) => new DecimalNumber(v));
    const lows = values(list, 'low').map((v) => new DecimalNumber(v));
    const sum = (field: 'volume' | 'turnover') => {
      const parts = values(list, field);
      return parts.length ? BigIntScalar.serialize(parts.reduce((a, b) => a + BigInt(b), 0n)) : null;
    };
    const first = list[0];
    const last = list[list.length - 1];
    return {
      period,
      firstTradeDate: day(first.offset),
      lastTradeDate: day(last.offset),
      open: first.open === null ? null : decimal(first.open),
      high: highs.length ? decimal(DecimalNumber.max(...highs).toString()) : null,
      low: lows.length ? decimal(DecimalNumber.min(...lows).toString()) : null,
      close: last.close === null ? null : decimal(last.close),
      volume: sum('volume'),
      turnover: sum('turnover'),
      tradingDays: list.length,
    };
  });
}

// ---------------------------------------------------------------- generated data

const price = fc
  .tuple(fc.integer({ min: 0, max: 99_999_999_999_999 }), fc.integer({ min: 0, max: 9999 }))
  .map(([whole, fraction]) => `${whole % 10 ** (1 + (whole % 7))}.${String(fraction).padStart(4, '0')}`);
const maybe = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { freq: 6 });
const amount = fc.bigInt({ min: 0n, max: 10n ** 15n }).map(String);

const datasets = fc
  .record({
    days: fc.array(
      fc.record({
        stockId: fc.constantFrom(...STOCKS),
        offset: fc.integer({ min: 0, max: DAYS - 1 }),
        open: maybe(price),
        high: maybe(price),
        low: maybe(price),
        close: maybe(price),
        volume: maybe(amount),
        turnover: maybe(amount),
        place: fc.constantFrom<Place>('hot', 'cold', 'both'),
      }),
      { maxLength: 150 },
    ),
    cutoff: fc.integer({ min: 0, max: DAYS }),
    window: fc.integer({ min: 0, max: 20 }),
    knowBounds: fc.constantFrom('both', 'none', 'coldOnly'),
  })
  .map(({ days, cutoff, window, knowBounds }) => {
    // Days before hotFrom are cold only; days in [hotFrom, cutoff) anywhere (archival in
    // progress: not moved yet, moved, or copied and not yet deleted); later days hot only.
    const hotFrom = Math.max(0, cutoff - window);
    const seen = new Set<string>();
    const prices: Price[] = [];
    for (const p of days) {
      const key = `${p.stockId}|${p.offset}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const place: Place = p.offset < hotFrom ? 'cold' : p.offset < cutoff ? p.place : 'hot';
      prices.push({ ...p, place });
    }
    // A cutoff instant during its UTC day: prices move by the cutoff's day.
    const at = (offset: number) => new Date(BASE + offset * DAY_MS + 7_200_000);
    const known: Bounds =
      knowBounds === 'both'
        ? { coldBefore: at(cutoff), hotFrom: at(hotFrom) }
        : knowBounds === 'coldOnly'
          ? { coldBefore: at(cutoff), hotFrom: null }
          : { coldBefore: null, hotFrom: null };
    return { prices, bounds: known };
  });

const ranges = fc.record({
  interval: fc.constantFrom<Interval>('WEEK', 'MONTH', 'QUARTER', 'YEAR'),
  from: fc.option(fc.integer({ min: -10, max: DAYS + 10 }), { freq: 4 }),
  length: fc.option(fc.integer({ min: 0, max: DAYS }), { freq: 4 }),
});

describe.runIf(hotIsPostgres())('Stock.candles', () => {
  it('equals an oracle over all days in one list, wherever the split between the stores falls', async () => {
    await fc.assert(
      fc.asyncProperty(datasets, ranges, async (dataset, range) => {
        bounds = dataset.bounds;
        await load(dataset.prices);
        const from = range.from === null ? undefined : day(range.from);
        const to = range.length === null ? undefined : day((range.from ?? 0) + range.length);
        const args = [
          `interval: ${range.interval}`,
          ...(from ? [`from: "${from}"`] : []),
          ...(to ? [`to: "${to}"`] : []),
        ].join(', ');
        resetCounts();
        const candles = await candlesOfAll(args);
        for (const stockId of STOCKS) {
          const own = dataset.prices.filter((p) => p.stockId === stockId);
          expect(candles[stockId]).toEqual(oracle(own, range.interval, from, to));
        }
        // Three stocks, one aggregate statement per store at most.
        const counts = candleStatements();
        expect(counts.hot).toBeLessThanOrEqual(1);
        expect(counts.cold).toBeLessThanOrEqual(1);
      }),
      { numRuns: 120 },
    );
  });

  it('reads a list of stocks with one statement per store, and skips a store the bounds rule out', async () => {
    const prices: Price[] = [];
    for (const stockId of STOCKS) {
      for (let offset = 0; offset < 100; offset++) {
        prices.push({
          stockId,
          offset,
          open: `${100 + offset}.5000`,
          high: `${110 + offset}.2500`,
          low: `${90 + offset}.1250`,
          close: `${101 + offset}.0000`,
          volume: String(1_000 * offset),
          turnover: '9007199254740993', // beyond 2^53: exact or not at all
          place: offset < 60 ? 'cold' : 'hot',
        });
      }
    }
    await load(prices);
    bounds = { coldBefore: new Date(`${day(60)}T02:00:00Z`), hotFrom: new Date(`${day(60)}T02:00:00Z`) };

    resetCounts();
    const across = await candlesOfAll(`interval: MONTH, from: "${day(0)}", to: "${day(99)}"`);
    expect(candleStatements()).toEqual({ hot: 1, cold: 1 });
    expect(across[2]).toEqual(
      oracle(
        prices.filter((p) => p.stockId === 2),
        'MONTH',
        day(0),
        day(99),
      ),
    );
    expect(across[1][0].turnover).toBe(String(9007199254740993n * BigInt(across[1][0].tradingDays)));
    expect(across[1][0].volume).toBe(21_000);

    // A newer run copied day 60 to cold after these bounds were read (and has not deleted it
    // from hot yet): counted once, from hot.
    await coldDb.query(
      `INSERT INTO stock_prices_history (original_id, stock_id, trade_date, open, high, low, close, volume, turnover, created_at)
       VALUES ($1, 1, $2, 160.5, 170.25, 150.125, 161, 60000, 9007199254740993, now())`,
      [10_060, day(60)],
    );
    const copied = await candlesOfAll(`interval: MONTH, from: "${day(0)}", to: "${day(99)}"`);
    expect(copied).toEqual(across);

    // Cold is skipped only by the bounds the hot statement reads with its rows (published in
    // hot), never by cached ones: a run may have moved the range's days since those.
    resetCounts();
    await candlesOfAll(`interval: WEEK, from: "${day(60)}"`);
    expect(candleStatements()).toEqual({ hot: 1, cold: 1 });
    await hotDb.query(
      `INSERT INTO archive_bounds (id, cold_before, hot_from) VALUES (1, $1, $1)
       ON CONFLICT (id) DO UPDATE SET cold_before = EXCLUDED.cold_before, hot_from = EXCLUDED.hot_from`,
      [bounds.coldBefore],
    );
    resetCounts();
    await candlesOfAll(`interval: WEEK, from: "${day(60)}"`);
    expect(candleStatements()).toEqual({ hot: 1, cold: 0 });
    await hotDb.query('DELETE FROM archive_bounds');

    resetCounts();
    await candlesOfAll(`interval: WEEK, from: "${day(0)}", to: "${day(59)}"`);
    expect(candleStatements()).toEqual({ hot: 0, cold: 1 });
  });

  it('refuses a bad range before any statement', async () => {
    resetCounts();
    const refused = async (args: string, argumentName: string) => {
      const { errors } = await gateway.execute(`{ stock(symbol: "S1") { candles(${args}) { period } } }`, ANALYST);
      expect(errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', argumentName });
    };
    await refused('interval: MONTH, from: "2025-03-02", to: "2025-03-01"', 'from');
    // 1001 weeks: one too many; 1000 are served.
    await refused('interval: WEEK, from: "2000-01-03", to: "2019-03-04"', 'from');
    await refused('interval: YEAR, from: "0001-01-01", to: "2025-01-01"', 'from');
    expect(candleStatements()).toEqual({ hot: 0, cold: 0 });
    const { errors } = await gateway.execute(
      '{ stock(symbol: "S1") { candles(interval: WEEK, from: "2000-01-03", to: "2019-03-03") { period } } }',
      ANALYST,
    );
    expect(errors).toBeUndefined();
  });

  it('answers the same before, during and after an archival run', async () => {
    // 90 days of hot prices ending today; archival moves those older than 30 days.
    const today = Math.floor(Date.now() / DAY_MS) * DAY_MS;
    const prices: { stockId: number; date: string; value: string }[] = [];
    for (const stockId of STOCKS) {
      for (let back = 0; back < 90; back++) {
        prices.push({
          stockId,
          date: new Date(today - back * DAY_MS).toISOString().slice(0, 10),
          value: `${stockId * 100 + back}.${String(back).padStart(4, '0')}`,
        });
      }
    }
    await hotDb.query('TRUNCATE stock_prices');
    await coldDb.query('TRUNCATE stock_prices_history, archival_runs');
    await hotDb.query('DELETE FROM archive_bounds');
    await hotDb.query(
      `INSERT INTO stock_prices (stock_id, trade_date, open, high, low, close, volume, turnover, created_at)
       SELECT s, d, v, v + 1, v - 1, v, 10, 20, now() FROM unnest($1::int[], $2::date[], $3::numeric[]) AS t(s, d, v)`,
      [prices.map((p) => p.stockId), prices.map((p) => p.date), prices.map((p) => p.value)],
    );
    useLiveBounds = true;
    const args = `interval: WEEK, from: "${new Date(today - 200 * DAY_MS).toISOString().slice(0, 10)}"`;
    const before = await candlesOfAll(args);
    expect(before[1].reduce((n, c) => n + c.tradingDays, 0)).toBe(90);

    const during: Record<number, Candle[]>[] = [];
    const run = await runArchival(
      { hot: stores.hot, hotSql: stores.hotSql, cold: fresh.cold, bounds: liveBounds },
      {
        olderThanDays: 30,
        dryRun: false,
        batchSize: 25,
        // Committed to cold, not yet deleted from hot: those days are in both stores.
        fault: async (point, dataset) => {
          if (point === 'afterColdCommit' && dataset === 'stockPrices') during.push(await candlesOfAll(args));
        },
      },
    );
    expect(run.status).toBe('SUCCEEDED');
    expect(run.stockPrices).toBeGreaterThan(100);
    expect(during.length).toBeGreaterThan(1);
    for (const answer of during) expect(answer).toEqual(before);

    resetCounts();
    expect(await candlesOfAll(args)).toEqual(before);
    expect(candleStatements()).toEqual({ hot: 1, cold: 1 });
    const { rows } = await coldDb.query<{ n: number }>('SELECT count(*)::int AS n FROM stock_prices_history');
    expect(rows[0].n).toBe(run.stockPrices);
  });
});
