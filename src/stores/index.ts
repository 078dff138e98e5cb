/**
 * Opens both stores' Prisma clients and the probes /readyz uses.
 */
import { createArchiveBounds, type ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import { runArchivalInWorker } from '../archival/worker.js';
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
  return {
    hot,
    cold,
    bounds,
    archive: async (options) => {
      try {
        return await runArchivalInWorker(config, options);
      } finally {
        // This process's readers see the new bounds at once; others within BOUNDS_TTL_MS.
        bounds.invalidate();
      }
    },
    probes: { hot: probe(hot, expectedMigrations.hot), cold: probe(cold, expectedMigrations.cold) },
    async disconnect() {
      await Promise.allSettled([hot.$disconnect(), cold.$disconnect()]);
    },
  };
}
