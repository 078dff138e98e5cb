/**
 * Opens both stores' Prisma clients and the probes /readyz uses.
 */
import { createArchiveBounds, type ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import { runInArchivalWorker } from '../archival/worker.js';
import type { StoreConfig } from '../config.js';
import type { StoreProbe } from '../http/readiness.js';
import { coldAdapter, createColdClient, type ColdClient } from './cold/index.js';
import { createHotClient, hotAdapter, type HotClient } from './hot/index.js';

export interface OpenStores {
  readonly hot: HotClient;
  readonly cold: ColdClient;
  readonly bounds: ArchiveBounds;
  /** One archival run, on its own thread (archival/worker.ts). */
  readonly archive: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  /** One restore of a range back to the hot store, on its own thread. */
  readonly restore: (options: Pick<RestoreOptions, 'from' | 'to'>) => Promise<ArchivalRunRecord>;
  readonly probes: Record<'hot' | 'cold', StoreProbe>;
  disconnect(): Promise<void>;
}

/** `expectedMigrations` per store: the migration folder names this build ships. */
export function openStores(
  config: { readonly hot: StoreConfig; readonly cold: StoreConfig },
  expectedMigrations: Record<'hot' | 'cold', readonly string[]>,
): OpenStores {
  const hot = createHotClient(hotAdapter(config.hot));
  const cold = createColdClient(coldAdapter(config.cold));
  const probe = (client: HotClient | ColdClient, expected: readonly string[]): StoreProbe => ({
    ping: async () => void (await client.$queryRawUnsafe('SELECT 1 AS ok')),
    appliedMigrations: async () => {
      const rows = await client.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      return rows.map((row) => row.migration_name);
    },
    expectedMigrations: expected,
  });
  const bounds = createArchiveBounds(cold);
  const inWorker = async (task: Parameters<typeof runInArchivalWorker>[1]) => {
    try {
      return await runInArchivalWorker(config, task);
    } finally {
      // This process's readers see the new bounds at once; others within BOUNDS_TTL_MS.
      bounds.invalidate();
    }
  };
  return {
    hot,
    cold,
    bounds,
    archive: (options) => inWorker({ kind: 'archive', options }),
    restore: (options) => inWorker({ kind: 'restore', options }),
    probes: { hot: probe(hot, expectedMigrations.hot), cold: probe(cold, expectedMigrations.cold) },
    async disconnect() {
      await Promise.allSettled([hot.$disconnect(), cold.$disconnect()]);
    },
  };
}
