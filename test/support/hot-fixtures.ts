/**
 * A full Prisma client of the hot schema on PostgreSQL, for tests that set up or inspect rows
 * with operations the gateway itself never calls: the gateway's HotClient exposes only those
 * it does (src/stores/hot/index.ts).
 */
import type { StoreConfig } from '../../src/config.js';
import { PrismaClient } from '../../src/stores/hot/generated/postgresql/client.js';
import { hotAdapter } from '../../src/stores/hot/index.js';

export type HotFixtureClient = PrismaClient;

export function hotFixtureClient(store: StoreConfig): HotFixtureClient {
  return new PrismaClient({ adapter: hotAdapter(store) });
}
