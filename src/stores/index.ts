/**
 * The clients of both stores over given driver adapter factories: each store's Prisma client
 * and its SQL reader share one factory (and so one pool, guard and breaker when the factory
 * is guarded: guarded-stores.ts). The runtime (src/runtime/runtime.ts) opens the serving ones.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { createColdClient, type ColdClient } from './cold/index.js';
import { createHotClient, type HotClient } from './hot/index.js';
import { createSqlReader, type SqlReader } from './sql/reader.js';

/** A store's Prisma client and SQL reader over one driver adapter factory, per store. */
export interface StoreClients {
  readonly hot: HotClient;
  readonly cold: ColdClient | null;
  readonly hotSql: SqlReader;
  readonly coldSql: SqlReader | null;
  disconnect(): Promise<void>;
}

export function storeClients(
  hotFactory: SqlDriverAdapterFactory,
  coldFactory: SqlDriverAdapterFactory | null,
): StoreClients {
  const hot = createHotClient(hotFactory);
  const cold = coldFactory ? createColdClient(coldFactory) : null;
  const hotSql = createSqlReader(hotFactory);
  const coldSql = coldFactory ? createSqlReader(coldFactory) : null;
  return {
    hot,
    cold,
    hotSql,
    coldSql,
    async disconnect() {
      await Promise.allSettled([hot.$disconnect(), cold?.$disconnect(), hotSql.dispose(), coldSql?.dispose()]);
    },
  };
}
