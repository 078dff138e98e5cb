/**
 * DataLoaders, created per request (never shared between requests: they cache, and a cache
 * must not outlive one viewer's request). Batches are capped at 1000 keys: SQL Server allows
 * 2100 parameters per statement.
 */
import DataLoader from 'dataloader';
import type { HotClient, HotModels } from '../stores/hot/index.js';

export const MAX_BATCH_SIZE = 1000;

export interface Loaders {
  readonly userById: DataLoader<number, HotModels.UserModel | null>;
  readonly stockById: DataLoader<number, HotModels.StockModel | null>;
}

export function createLoaders(hot: HotClient): Loaders {
  return {
    userById: new DataLoader(
      async (ids) => byId(ids, await hot.user.findMany({ where: { id: { in: [...ids] } } })),
      { maxBatchSize: MAX_BATCH_SIZE },
    ),
    stockById: new DataLoader(
      async (ids) => byId(ids, await hot.stock.findMany({ where: { id: { in: [...ids] } } })),
      { maxBatchSize: MAX_BATCH_SIZE },
    ),
  };
}

/** Orders `rows` as `ids`, with null where a row is missing: DataLoader's batch contract. */
export function byId<T extends { readonly id: number }>(ids: readonly number[], rows: readonly T[]): (T | null)[] {
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}
