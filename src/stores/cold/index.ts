/** The cold store: archived history on PostgreSQL. */
import { PrismaPg } from '@prisma/adapter-pg';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { StoreConfig } from '../../config.js';
import { pgPoolConfig, preparedStatementNames, type ServingOptions } from '../pg-pool.js';
import { PrismaClient } from './generated/client.js';

export type ColdClient = PrismaClient;
export type * as ColdModels from './generated/models.js';

export function coldAdapter(store: StoreConfig, serving: ServingOptions = {}): SqlDriverAdapterFactory {
  return new PrismaPg(pgPoolConfig(store, serving), serving.preparedStatements ? preparedStatementNames() : undefined);
}

export function createColdClient(adapter: SqlDriverAdapterFactory): ColdClient {
  return new PrismaClient({ adapter });
}
