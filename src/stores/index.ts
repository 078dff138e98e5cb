/**
 * Opens the serving clients of both stores (or of the hot store alone, in single-store mode),
 * each behind its guard (guarded-adapter.ts: timeout, circuit breaker, metrics), and the
 * probes /readyz uses.
 */
import { createArchiveBounds, fixedBounds, type ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import { archivalSnapshot } from '../archival/status.js';
import { runInArchivalWorker } from '../archival/worker.js';
import type { StoreConfig, StoreName } from '../config.js';
import type { StoreProbe } from '../http/readiness.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import { CircuitBreaker } from './circuit-breaker.js';
import { coldAdapter, createColdClient, type ColdClient } from './cold/index.js';
import { StoreUnavailableError } from './errors.js';
import { guardAdapter } from './guarded-adapter.js';
import { createHotClient, hotAdapter, type HotClient } from './hot/index.js';
import { createSqlReader, type SqlReader } from './sql/reader.js';

/** A store's Prisma client and SQL reader over one driver adapter factory, per store. */
export interface StoreClients {
  readonly hot: HotClient;
  readonly cold: ColdClient | null;
  readonly hotSql: SqlReader;
  readonly coldSql: SqlReader | null;
  disconnect(): Promise<void>;
}

export function storeClients(hotFactory: SqlDriverAdapterFactory, coldFactory: SqlDriverAdapterFactory | null): StoreClients {
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

export interface OpenStores {
  readonly hot: HotClient;
  /** Null in single-store mode. */
  readonly cold: ColdClient | null;
  readonly hotSql: SqlReader;
  readonly coldSql: SqlReader | null;
  readonly bounds: ArchiveBounds;
  /** One archival run, on its own thread (archival/worker.ts); absent in single-store mode. */
  readonly archive?: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  /** One restore of a range back to the hot store, on its own thread; absent like `archive`. */
  readonly restore?: (options: Pick<RestoreOptions, 'from' | 'to'>) => Promise<ArchivalRunRecord>;
  readonly probes: Partial<Record<StoreName, StoreProbe>>;
  disconnect(): Promise<void>;
}

export interface OpenOptions {
  /** The migration folder names this build ships, per store. */
  readonly expectedMigrations: Partial<Record<StoreName, readonly string[]>>;
  readonly metrics: GatewayMetrics;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  /** The archival cutoff age the metrics measure the hot store's lag against (ARCHIVAL_OLDER_THAN_DAYS). */
  readonly archivalOlderThanDays: number;
}

export function openStores(config: { readonly hot: StoreConfig; readonly cold: StoreConfig | undefined }, options: OpenOptions): OpenStores {
  const breakers: CircuitBreaker[] = [];
  const guarded = (store: StoreConfig, adapter: ReturnType<typeof hotAdapter>) => {
    let probe: () => Promise<void> = async () => undefined;
    const breaker = new CircuitBreaker({
      ...options.breaker,
      probe: () => probe(),
      onChange: (state) => options.metrics.setBreakerState(store.name, state),
    });
    breakers.push(breaker);
    const guard = guardAdapter(adapter, {
      store: store.name,
      timeoutMs: store.queryTimeoutMs,
      breaker,
      observe: (outcome, seconds) => options.metrics.observeStatement(store.name, outcome, seconds),
    });
    probe = guard.probe;
    return { factory: guard.factory, breaker, probe: guard.probe };
  };
  const serving = (store: StoreConfig) => ({ statementTimeoutMs: store.queryTimeoutMs, preparedStatements: true });

  const hotGuard = guarded(config.hot, hotAdapter(config.hot, serving(config.hot)));
  const coldGuard = config.cold && guarded(config.cold, coldAdapter(config.cold, serving(config.cold)));
  const clients = storeClients(hotGuard.factory, coldGuard ? coldGuard.factory : null);
  const { hot, cold } = clients;

  const probe = (client: HotClient | ColdClient, guard: typeof hotGuard, expected: readonly string[] = []): StoreProbe => ({
    breaker: () => guard.breaker.state,
    // A readiness ping that fails is evidence like any statement's: it counts toward the breaker.
    ping: () =>
      guard.probe().catch((error: unknown) => {
        guard.breaker.failure();
        throw error;
      }),
    appliedMigrations: async () => {
      const rows = await client.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      return rows.map((row) => row.migration_name);
    },
    expectedMigrations: expected,
  });
  const probes: Partial<Record<StoreName, StoreProbe>> = { hot: probe(hot, hotGuard, options.expectedMigrations.hot) };
  options.metrics.setArchivalSource(() => archivalSnapshot(hot, cold, options.archivalOlderThanDays));
  if (cold && coldGuard) probes.cold = probe(cold, coldGuard, options.expectedMigrations.cold);

  const disconnect = async () => {
    for (const breaker of breakers) breaker.stop();
    await clients.disconnect();
  };
  if (!cold || !coldGuard || !config.cold || !clients.coldSql) {
    return { hot, cold: null, hotSql: clients.hotSql, coldSql: null, bounds: fixedBounds({ coldBefore: null, hotFrom: null }), probes, disconnect };
  }

  const bounds = createArchiveBounds({ hot, cold });
  const stores = { hot: config.hot, cold: config.cold };
  const inWorker = async (task: Parameters<typeof runInArchivalWorker>[1]) => {
    // Archival and restore start only when both stores answer: a run that cannot finish
    // would hold the lock and leave its run FAILED for nothing.
    for (const [name, guard] of [['hot', hotGuard], ['cold', coldGuard]] as const) {
      if (guard.breaker.state !== 'closed') throw new StoreUnavailableError(name, 'circuit open');
      await guard.probe();
    }
    try {
      const run = await runInArchivalWorker(stores, task);
      options.metrics.countArchivalRun(run.kind, run.status, { messages: run.messages, posts: run.posts, comments: run.comments, likes: run.likes, stockPrices: run.stockPrices });
      return run;
    } finally {
      // This process's readers see the new bounds at once; others within BOUNDS_TTL_MS.
      bounds.invalidate();
    }
  };
  return {
    hot,
    cold,
    hotSql: clients.hotSql,
    coldSql: clients.coldSql,
    bounds,
    archive: (archivalOptions) => inWorker({ kind: 'archive', options: archivalOptions }),
    restore: (restoreOptions) => inWorker({ kind: 'restore', options: restoreOptions }),
    probes,
    disconnect,
  };
}
