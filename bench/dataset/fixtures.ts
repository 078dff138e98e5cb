/**
 * What the scenarios need to know about the loaded rows, read back from the stores (not
 * recomputed from the plan, so a generator change cannot silently misplace a page):
 * which row sits at a given depth of a conversation, where each conversation's hot rows end,
 * a stock's trading days, and samples of ids in each store.
 *
 * Positions are 0-based in the connection's order (newest first: created_at DESC, id DESC);
 * "the page at depth d" starts at position d, i.e. after the row at position d - 1.
 */
import pg from 'pg';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import type { BenchCluster } from '../cluster.js';
import { priceDays } from './sources.js';
import type { DatasetPlan } from './plan.js';

/** A row of a connection: its sort key and hot id, what a cursor carries. */
export interface KeyRow {
  readonly id: number;
  /** Epoch ms (messages) or YYYY-MM-DD (prices). */
  readonly key: number | string;
}

export interface BoundaryPage {
  readonly conversationId: number;
  /** The page starts right after this hot row: 25 hot rows, then cold rows. */
  readonly after: KeyRow;
  /** The position of the page's first row (the seed-style design's offset). */
  readonly offset: number;
  readonly hotRows: number;
}

export interface DepthPage {
  readonly depth: number;
  /** Null for the first page. */
  readonly after: KeyRow | null;
  /** The store holding the page's first row. */
  readonly firstRowTier: 'HOT' | 'COLD';
}

export interface PricePage {
  readonly symbol: string;
  readonly after: KeyRow | null;
  readonly edges: number;
}

export interface NodeRef {
  readonly type: 'Message' | 'Post' | 'StockPrice' | 'User';
  readonly databaseId: number;
  readonly tier: 'HOT' | 'COLD' | null;
}

export interface Fixtures {
  /** Regular conversations, for the hot-only first page. */
  readonly conversations: readonly number[];
  readonly boundary: readonly BoundaryPage[];
  readonly bigConversation: { readonly id: number; readonly messages: number; readonly hotMessages: number };
  readonly depths: readonly DepthPage[];
  readonly priceRange: { readonly from: string; readonly to: string };
  readonly pricePages: readonly PricePage[];
  readonly nodeSets: readonly (readonly NodeRef[])[];
  /** The sidebar's viewer (a user id) and how many conversations it takes part in. */
  readonly viewer: { readonly id: number; readonly conversations: number };
}

/** How many rows of the big conversation the depth chart samples, besides the scenario's depth. */
const CHART_DEPTHS = [0, 1_000, 10_000, 100_000];
const PRICE_STOCKS = 20;
const NODE_SETS = 20;
/** One `nodes` request: 100 ids, half hot and half cold (users live in hot only). */
const NODE_MIX = [
  { type: 'Message', tier: 'HOT', count: 20 },
  { type: 'Message', tier: 'COLD', count: 20 },
  { type: 'Post', tier: 'HOT', count: 15 },
  { type: 'Post', tier: 'COLD', count: 15 },
  { type: 'StockPrice', tier: 'HOT', count: 10 },
  { type: 'StockPrice', tier: 'COLD', count: 10 },
  { type: 'User', tier: null, count: 10 },
] as const;

export async function readFixtures(cluster: BenchCluster, plan: DatasetPlan): Promise<Fixtures> {
  const hot = new pg.Client({ ...pgConnectionConfig(cluster.hot), application_name: 'bench-harness' });
  const cold = new pg.Client({ ...pgConnectionConfig(cluster.cold), application_name: 'bench-harness' });
  await Promise.all([hot.connect(), cold.connect()]);
  try {
    const conversations = Array.from({ length: plan.conversations }, (_, i) => i + 1);
    const boundary = await boundaryPages(hot, plan);
    const bigHot = await count(hot, `SELECT count(*) AS n FROM messages WHERE conversation_id = ${plan.big.id}`);
    const bigCold = await count(
      cold,
      `SELECT count(*) AS n FROM messages_archive WHERE conversation_id = ${plan.big.id}`,
    );
    const depthList = [...new Set([...CHART_DEPTHS.filter((d) => d < plan.big.depth), plan.big.depth])].sort(
      (a, b) => a - b,
    );
    const depths: DepthPage[] = [];
    for (const depth of depthList) {
      const after = depth === 0 ? null : await messageAt(hot, cold, plan.big.id, depth - 1, bigHot);
      depths.push({ depth, after, firstRowTier: depth < bigHot ? 'HOT' : 'COLD' });
    }
    const { first, last } = priceDays(plan);
    return {
      conversations,
      boundary,
      bigConversation: { id: plan.big.id, messages: bigHot + bigCold, hotMessages: bigHot },
      depths,
      priceRange: { from: first, to: last },
      pricePages: await pricePages(hot, cold, Math.min(PRICE_STOCKS, plan.stocks), first, last),
      nodeSets: await nodeSets(hot, cold),
      viewer: {
        id: plan.viewer.id,
        conversations: await count(
          hot,
          `SELECT count(*) AS n FROM conversation_participants WHERE user_id = ${plan.viewer.id}`,
        ),
      },
    };
  } finally {
    await Promise.all([hot.end(), cold.end()]);
  }
}

async function count(client: pg.Client, sql: string): Promise<number> {
  return Number((await client.query<{ n: string }>(sql)).rows[0].n);
}

/** Per regular conversation: the hot row 26th from its oldest hot row, so a 50-row page after it holds 25 hot and 25 cold rows. */
async function boundaryPages(hot: pg.Client, plan: DatasetPlan): Promise<BoundaryPage[]> {
  const { rows } = await hot.query<{ conversation_id: number; id: number; created_at: Date; rn: string; n: string }>(
    `SELECT conversation_id, id, created_at, rn, n FROM (
       SELECT conversation_id, id, created_at,
              row_number() OVER (PARTITION BY conversation_id ORDER BY created_at DESC, id DESC) AS rn,
              count(*) OVER (PARTITION BY conversation_id) AS n
       FROM messages WHERE conversation_id <= $1) s
     WHERE rn = n - 25 ORDER BY conversation_id`,
    [plan.conversations],
  );
  return rows.map((row) => {
    const hotRows = Number(row.n);
    if (hotRows < 76) throw new Error(`conversation ${row.conversation_id} has only ${hotRows} hot messages`);
    return {
      conversationId: row.conversation_id,
      after: { id: row.id, key: row.created_at.getTime() },
      offset: hotRows - 25,
      hotRows,
    };
  });
}

/** The message at `position` of a conversation, whichever store holds it. */
async function messageAt(
  hot: pg.Client,
  cold: pg.Client,
  conversationId: number,
  position: number,
  hotCount: number,
): Promise<KeyRow> {
  const [client, sql, offset] =
    position < hotCount
      ? [
          hot,
          `SELECT id, created_at FROM messages WHERE conversation_id = $1 ORDER BY created_at DESC, id DESC OFFSET $2 LIMIT 1`,
          position,
        ]
      : [
          cold,
          `SELECT original_id AS id, created_at FROM messages_archive WHERE conversation_id = $1 ORDER BY created_at DESC, original_id DESC OFFSET $2 LIMIT 1`,
          position - hotCount,
        ];
  const row = (await client.query<{ id: number; created_at: Date }>(sql, [conversationId, offset])).rows[0];
  if (!row) throw new Error(`conversation ${conversationId} has no row at position ${position}`);
  return { id: row.id, key: row.created_at.getTime() };
}

/** Each sampled stock's whole range in pages of 100, newest first, across both stores. */
async function pricePages(
  hot: pg.Client,
  cold: pg.Client,
  stocks: number,
  from: string,
  to: string,
): Promise<PricePage[]> {
  const pages: PricePage[] = [];
  for (let stockId = 1; stockId <= stocks; stockId++) {
    const symbol = (await hot.query<{ symbol: string }>('SELECT symbol FROM stocks WHERE id = $1', [stockId])).rows[0]
      .symbol;
    const range = [stockId, from, to];
    const days = [
      ...(
        await hot.query<{ id: number; day: string }>(
          `SELECT id, to_char(trade_date, 'YYYY-MM-DD') AS day FROM stock_prices WHERE stock_id = $1 AND trade_date BETWEEN $2 AND $3`,
          range,
        )
      ).rows,
      ...(
        await cold.query<{ id: number; day: string }>(
          `SELECT original_id AS id, to_char(trade_date, 'YYYY-MM-DD') AS day FROM stock_prices_history WHERE stock_id = $1 AND trade_date BETWEEN $2 AND $3`,
          range,
        )
      ).rows,
    ].sort((a, b) => (a.day < b.day ? 1 : a.day > b.day ? -1 : b.id - a.id));
    for (let start = 0; start < days.length; start += 100) {
      const previous = days[start - 1];
      pages.push({
        symbol,
        after: previous ? { id: previous.id, key: previous.day } : null,
        edges: Math.min(100, days.length - start),
      });
    }
  }
  return pages;
}

/** NODE_SETS sets of 100 ids mixed across both stores, from evenly spread samples of each table. */
async function nodeSets(hot: pg.Client, cold: pg.Client): Promise<NodeRef[][]> {
  const sample = async (client: pg.Client, table: string, idColumn: string, n: number) => {
    const total = await count(client, `SELECT count(*) AS n FROM ${table}`);
    const step = Math.max(1, Math.floor(total / n));
    const { rows } = await client.query<{ id: number }>(
      `SELECT ${idColumn} AS id FROM ${table} WHERE ${idColumn} % ${step} = 0 ORDER BY ${idColumn} LIMIT ${n}`,
    );
    if (rows.length === 0) throw new Error(`no rows to sample in ${table}`);
    return rows.map((row) => row.id);
  };
  const sources: Record<string, [pg.Client, string, string]> = {
    'Message:HOT': [hot, 'messages', 'id'],
    'Message:COLD': [cold, 'messages_archive', 'original_id'],
    'Post:HOT': [hot, 'posts', 'id'],
    'Post:COLD': [cold, 'posts_archive', 'original_id'],
    'StockPrice:HOT': [hot, 'stock_prices', 'id'],
    'StockPrice:COLD': [cold, 'stock_prices_history', 'original_id'],
    'User:null': [hot, 'users', 'id'],
  };
  const sets: NodeRef[][] = Array.from({ length: NODE_SETS }, () => []);
  for (const { type, tier, count: perSet } of NODE_MIX) {
    const [client, table, idColumn] = sources[`${type}:${tier}`];
    const ids = await sample(client, table, idColumn, perSet * NODE_SETS);
    sets.forEach((set, j) => {
      for (let i = 0; i < perSet; i++) set.push({ type, tier, databaseId: ids[(j * perSet + i) % ids.length] });
    });
  }
  // Interleave the kinds, so no batch sees its ids in one block.
  return sets.map((set) =>
    set
      .map((ref, i) => ({ ref, order: (i * 37) % set.length }))
      .sort((a, b) => a.order - b.order)
      .map(({ ref }) => ref),
  );
}
