/**
 * DataLoaders, created per request (they cache, and a cache must not outlive one viewer's
 * request). Every batch is one statement per store, at most MAX_BATCH_SIZE keys: SQL Server
 * allows 2100 parameters per statement.
 *
 * Cross-store loaders read the hot store first and look up only the misses in the cold
 * store: archival commits a row to cold before deleting it from hot, so a row moving between
 * the two reads is still found. Restore moves rows the other way (hot commit, then the cold
 * delete at once): when the cold statement finds a restore newer than the cached bounds'
 * `restoredThrough` (taken before the hot read), an id found in neither store is looked up in
 * hot again, then in cold again (`crossStore`): a row that left cold before the cold read was
 * in hot by then (and back in cold, should an archival run have moved it since).
 */
import DataLoader from 'dataloader';
import type { ColdClient } from '../../stores/cold/index.js';
import { unavailableStore } from '../../stores/errors.js';
import type { HotClient, HotModels } from '../../stores/hot/index.js';
import type { SqlReader } from '../../stores/sql/reader.js';
import { coldTables, hotTables, type AnyTable, type Table } from '../../stores/sql/tables.js';
import { toArchivalRun } from '../archival/archival-run-map.js';
import { createChildReads, type ChildReads } from './child-reads.js';
import type { ArchivalRunType } from '../archival/archival-run-type.js';
import type { ArchiveBounds, Bounds } from '../../archival/bounds.js';
import { readCandles } from '../candle/candle-read.js';
import type { CandleRange } from '../candle/candle-range.js';
import type { CandleType } from '../candle/candle-type.js';
import { commentFromCold, commentFromHot } from '../comment/comment-map.js';
import type { CommentType } from '../comment/comment-type.js';
import { messageFromCold, messageFromHot } from '../message/message-map.js';
import type { MessageType } from '../message/message-type.js';
import { postFromCold, postFromHot } from '../post/post-map.js';
import type { PostType } from '../post/post-type.js';
import { priceFromCold, priceFromHot } from '../price/price-map.js';
import type { StockPriceType } from '../price/price-type.js';

export const MAX_BATCH_SIZE = 1000;

export interface Loaders {
  readonly userById: DataLoader<number, HotModels.UserModel | null>;
  readonly stockById: DataLoader<number, HotModels.StockModel | null>;
  readonly conversationById: DataLoader<number, HotModels.ConversationModel | null>;
  /** User ids of a conversation's participants, in joining order (checks outside the conversation's fields). */
  readonly participantIds: DataLoader<number, number[]>;
  /**
   * A conversation's participants with their users, in joining order: one statement with
   * the users joined, priming `userById`. The `participants` field and the conversation's
   * own access checks read it, so a page asking for both reads the participants once.
   */
  readonly participants: DataLoader<number, HotModels.UserModel[]>;
  readonly messageById: DataLoader<number, MessageType | null>;
  readonly postById: DataLoader<number, PostType | null>;
  readonly commentById: DataLoader<number, CommentType | null>;
  readonly stockPriceById: DataLoader<number, StockPriceType | null>;
  readonly archivalRunById: DataLoader<number, ArchivalRunType | null>;
  /** Likes of a post over both stores. */
  readonly likeCount: DataLoader<number, number>;
  /** Comments of a post over both stores. */
  readonly commentCount: DataLoader<number, number>;
  /** The newest trade date of a stock, from whichever store holds it. */
  readonly latestPrice: DataLoader<number, StockPriceType | null>;
  /**
   * Candles by stock id over one range, read with one set of bounds: the stocks asking for
   * the same range in one tick share one aggregate statement per store (candle/candle-read.ts).
   */
  candles(range: CandleRange, bounds: Bounds): DataLoader<number, CandleType[]>;
  /** The rows and counts of nested connections, batched across their parents (child-reads.ts). */
  readonly children: ChildReads;
}

/** Receives each batch's size, per loader (the gateway's metrics). */
export type BatchObserver = (loader: string, size: number) => void;

/** The clients the loaders read through (graphql/context.ts Stores). */
export interface LoaderStores {
  readonly hot: HotClient;
  readonly cold: ColdClient | null;
  readonly hotSql: SqlReader;
  readonly coldSql: SqlReader | null;
  /** For `restoredThrough` (crossStore); without it, misses are read again after any restore. */
  readonly bounds?: ArchiveBounds;
}

/**
 * Lookups by id and counts per post go through the stores' SQL readers (stores/sql: one
 * statement per batch); the latest price through Prisma. `cold` is null in single-store
 * mode: cross-store loaders then read the hot store alone and counts add nothing from the
 * cold store.
 */
export function createLoaders(
  { hot, cold, hotSql, coldSql, bounds }: LoaderStores,
  observe: BatchObserver = () => undefined,
): Loaders {
  const options = { maxBatchSize: MAX_BATCH_SIZE };
  const named = <V>(name: string, batch: (ids: number[]) => Promise<(V | Error)[]>) =>
    new DataLoader<number, V>((ids) => {
      observe(name, ids.length);
      return batch([...ids]);
    }, options);
  const hotRows = <Row>(table: Table<Row>, ids: readonly number[], field = 'id') =>
    hotSql.rows<Row>({ table, where: [{ field, op: 'in', values: ids }] });
  const coldRows = async <Row>(table: Table<Row>, ids: readonly number[]) =>
    coldSql!.rowsWithLatestRestore<Row>({ table, where: [{ field: 'originalId', op: 'in', values: ids }] });
  const fromCold = <T>(read: (ids: number[]) => Promise<ColdNodes<T>>) => (coldSql ? read : null);
  const restoredThrough = async () => (bounds ? ((await bounds.get()).restoredThrough ?? null) : null);
  const crossStore = <T extends { readonly databaseId: number }>(
    ids: number[],
    fromHot: (ids: number[]) => Promise<T[]>,
    fromColdStore: ((ids: number[]) => Promise<ColdNodes<T>>) | null,
  ) => crossStores(ids, fromHot, fromColdStore, restoredThrough);
  const candleLoaders = new Map<string, DataLoader<number, CandleType[]>>();
  // Rows per post on each store, one grouped count each (stores/sql/select.ts), added up.
  const postCounts = async (hotTable: AnyTable, coldTable: AnyTable | null, ids: number[]) => {
    const by = { field: 'postId', values: ids };
    const [hotCounts, coldCounts] = await Promise.all([
      hotSql.groupedCount({ table: hotTable, where: [] }, by),
      coldSql && coldTable ? coldSql.groupedCount({ table: coldTable, where: [] }, by) : new Map<number, number>(),
    ]);
    return ids.map((id) => (hotCounts.get(id) ?? 0) + (coldCounts.get(id) ?? 0));
  };

  const userById = named<HotModels.UserModel | null>('userById', async (ids) =>
    byId(ids, await hotRows(hotTables.users, ids)),
  );
  const participantOrder = { key: 'joinedAt', id: 'userId', direction: 'asc' } as const;

  return {
    children: createChildReads(MAX_BATCH_SIZE, observe),
    userById,
    stockById: named('stockById', async (ids) => byId(ids, await hotRows(hotTables.stocks, ids))),
    conversationById: named('conversationById', async (ids) => byId(ids, await hotRows(hotTables.conversations, ids))),
    participantIds: named('participantIds', async (ids) => {
      const rows = await hotSql.rows<HotModels.ConversationParticipantModel>({
        table: hotTables.participants,
        where: [{ field: 'conversationId', op: 'in', values: ids }],
        order: participantOrder,
      });
      return ids.map((id) => rows.filter((row) => row.conversationId === id).map((row) => row.userId));
    }),
    participants: named('participants', async (ids) => {
      type Joined = HotModels.ConversationParticipantModel & { readonly user?: HotModels.UserModel };
      const rows = await hotSql.rows<Joined>({
        table: hotTables.participants,
        where: [{ field: 'conversationId', op: 'in', values: ids }],
        order: participantOrder,
        join: { table: hotTables.users, on: 'userId', as: 'user' },
      });
      const users = new Map<number, HotModels.UserModel[]>(ids.map((id) => [id, []]));
      for (const { conversationId, user } of rows) {
        if (!user) continue;
        userById.prime(user.id, user);
        users.get(conversationId)?.push(user);
      }
      return ids.map((id) => users.get(id) ?? []);
    }),
    messageById: named('messageById', (ids) =>
      crossStore(
        ids,
        async (hotIds) => (await hotRows(hotTables.messages, hotIds)).map(messageFromHot),
        fromCold(async (coldIds) => coldNodes(await coldRows(coldTables.messages, coldIds), messageFromCold)),
      ),
    ),
    postById: named('postById', (ids) =>
      crossStore(
        ids,
        async (hotIds) => (await hotRows(hotTables.posts, hotIds)).map(postFromHot),
        fromCold(async (coldIds) => coldNodes(await coldRows(coldTables.posts, coldIds), postFromCold)),
      ),
    ),
    commentById: named('commentById', (ids) =>
      crossStore(
        ids,
        async (hotIds) => (await hotRows(hotTables.comments, hotIds)).map(commentFromHot),
        fromCold(async (coldIds) => coldNodes(await coldRows(coldTables.comments, coldIds), commentFromCold)),
      ),
    ),
    stockPriceById: named('stockPriceById', (ids) =>
      crossStore(
        ids,
        async (hotIds) => (await hotRows(hotTables.prices, hotIds)).map(priceFromHot),
        fromCold(async (coldIds) => coldNodes(await coldRows(coldTables.prices, coldIds), priceFromCold)),
      ),
    ),
    archivalRunById: named('archivalRunById', async (ids) =>
      cold
        ? byDatabaseId(ids, (await cold.archivalRun.findMany({ where: { id: { in: ids } } })).map(toArchivalRun))
        : ids.map(() => null),
    ),
    likeCount: named('likeCount', (ids) => postCounts(hotTables.likes, coldSql && coldTables.likes, ids)),
    commentCount: named('commentCount', (ids) => postCounts(hotTables.comments, coldSql && coldTables.comments, ids)),
    latestPrice: named('latestPrice', async (ids) => {
      // The hot store keeps about a month of prices, so taking each stock's newest row from
      // them is cheap. Stocks with none there fall back to one DISTINCT ON over the cold store.
      const hotRows = await hot.stockPrice.findMany({
        where: { stockId: { in: ids } },
        orderBy: [{ stockId: 'asc' }, { tradeDate: 'desc' }],
        distinct: ['stockId'],
      });
      const latest = new Map(hotRows.map((row) => [row.stockId, priceFromHot(row)]));
      const missing = ids.filter((id) => !latest.has(id));
      if (cold && missing.length > 0) {
        const coldRows = await cold.$queryRaw<{ id: bigint }[]>`
          SELECT DISTINCT ON (stock_id) id FROM stock_prices_history
          WHERE stock_id = ANY(${missing}) ORDER BY stock_id, trade_date DESC`;
        if (coldRows.length > 0) {
          const rows = await cold.stockPriceHistory.findMany({ where: { id: { in: coldRows.map((row) => row.id) } } });
          for (const row of rows) latest.set(row.stockId, priceFromCold(row));
        }
      }
      return ids.map((id) => latest.get(id) ?? null);
    }),
    candles(range, bounds) {
      const key = JSON.stringify([range.interval, range.from, range.to ?? null, bounds]);
      let loader = candleLoaders.get(key);
      if (!loader) {
        loader = named('candles', (ids) => readCandles({ hotSql, coldSql }, range, bounds, ids));
        candleLoaders.set(key, loader);
      }
      return loader;
    },
  };
}

/** Orders `rows` as `ids`, with null where a row is missing: DataLoader's batch contract. */
export function byId<T extends { readonly id: number }>(ids: readonly number[], rows: readonly T[]): (T | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

function byDatabaseId<T extends { readonly databaseId: number }>(
  ids: readonly number[],
  nodes: readonly T[],
): (T | null)[] {
  const found = new Map(nodes.map((node) => [node.databaseId, node]));
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * Hot first; only the ids it did not find are looked up in the cold store (none without one).
 * When the cold store is unavailable, the ids found in hot still resolve and each missing one
 * fails alone with the cold store's error (DataLoader's per-key error).
 */
/** Nodes read from the cold store, with the newest restore it recorded (same statement). */
interface ColdNodes<T> {
  readonly nodes: T[];
  readonly latestRestore: number | null;
}

function coldNodes<Row, T>(read: { rows: Row[]; latestRestore: number | null }, map: (row: Row) => T): ColdNodes<T> {
  return { nodes: read.rows.map(map), latestRestore: read.latestRestore };
}

async function crossStores<T extends { readonly databaseId: number }>(
  ids: number[],
  fromHot: (ids: number[]) => Promise<T[]>,
  fromCold: ((ids: number[]) => Promise<ColdNodes<T>>) | null,
  restoredThrough: () => Promise<number | null>,
): Promise<(T | Error | null)[]> {
  // Taken before the hot read: a restore newer than this may have moved rows since.
  const known = fromCold ? await restoredThrough() : null;
  const found = new Map<number, T>((await fromHot(ids)).map((node) => [node.databaseId, node]));
  const missing = () => ids.filter((id) => !found.has(id));
  if (fromCold && missing().length > 0) {
    try {
      const cold = await fromCold(missing());
      for (const node of cold.nodes) found.set(node.databaseId, node);
      // Found in neither, and a restore ran since: it may have moved the row to hot between the
      // two reads (then it is in hot now), and an archival run back to cold after the cold read.
      const restoring = cold.latestRestore !== null && (known === null || cold.latestRestore > known);
      if (restoring && missing().length > 0)
        for (const node of await fromHot(missing())) found.set(node.databaseId, node);
      if (restoring && missing().length > 0)
        for (const node of (await fromCold(missing())).nodes) found.set(node.databaseId, node);
    } catch (error) {
      if (unavailableStore(error) !== 'cold') throw error;
      return ids.map((id) => found.get(id) ?? (error as Error));
    }
  }
  return ids.map((id) => found.get(id) ?? null);
}
