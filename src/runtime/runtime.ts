/**
 * The gateway's runtime, composed once per process above the stores: the serving clients of
 * both stores (or of the hot store alone, in single-store mode) behind their guards, the
 * archive bounds readers skip stores by, the archival and restore runner on its own thread,
 * the readiness probes, and the metrics wired to all of them.
 *
 * The entry point opens it; the GraphQL layer sees it through the `Stores` interface of its
 * context (graphql/context.ts), which it satisfies structurally.
 */
import { createArchiveBounds, fixedBounds, type ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import { archivalSnapshot } from '../archival/status.js';
import { runInArchivalWorker } from '../archival/worker.js';
import type { StoreConfig, StoreName } from '../config.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { BreakerState } from '../stores/circuit-breaker.js';
import { coldAdapter, type ColdClient } from '../stores/cold/index.js';
import { StoreUnavailableError } from '../stores/errors.js';
import type { StatementOutcome } from '../stores/guarded-adapter.js';
import { guardStore, storeProbe, type GuardedStore, type StoreProbe } from '../stores/guarded-stores.js';
import { hotAdapter, type HotClient } from '../stores/hot/index.js';
import { storeClients } from '../stores/index.js';
import type { SqlReader } from '../stores/sql/reader.js';

export interface Runtime {
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

export interface RuntimeOptions {
  /** The migration folder names this build ships, per store. */
  readonly expectedMigrations: Partial<Record<StoreName, readonly string[]>>;
  readonly metrics: GatewayMetrics;
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  /** The archival cutoff age the metrics measure the hot store's lag against (ARCHIVAL_OLDER_THAN_DAYS). */
  readonly archivalOlderThanDays: number;
}

export function openRuntime(
  config: { readonly hot: StoreConfig; readonly cold: StoreConfig | undefined },
  options: RuntimeOptions,
): Runtime {
  const { metrics } = options;
  const guards = {
    breaker: options.breaker,
    onBreakerChange: (store: StoreName, state: BreakerState) => metrics.setBreakerState(store, state),
    observeStatement: (store: StoreName, outcome: StatementOutcome, seconds: number) =>
      metrics.observeStatement(store, outcome, seconds),
  };
  // Serving statements are prepared and bounded by the store's statement timeout.
  const serving = (store: StoreConfig) => ({ statementTimeoutMs: store.queryTimeoutMs, preparedStatements: true });
  const hotGuard = guardStore(config.hot, hotAdapter(config.hot, serving(config.hot)), guards);
  const coldGuard = config.cold
    ? guardStore(config.cold, coldAdapter(config.cold, serving(config.cold)), guards)
    : null;
  const clients = storeClients(hotGuard.factory, coldGuard?.factory ?? null);
  const { hot, cold, hotSql, coldSql } = clients;

  const probes: Partial<Record<StoreName, StoreProbe>> = {
    hot: storeProbe(hotGuard, hot, options.expectedMigrations.hot),
  };
  if (cold && coldGuard) probes.cold = storeProbe(coldGuard, cold, options.expectedMigrations.cold);
  metrics.setArchivalSource(() => archivalSnapshot(hot, cold, options.archivalOlderThanDays));

  const disconnect = async () => {
    for (const guard of [hotGuard, coldGuard]) guard?.breaker.stop();
    await clients.disconnect();
  };
  if (!cold || !coldGuard || !config.cold || !coldSql) {
    return {
      hot,
      cold: null,
      hotSql,
      coldSql: null,
      bounds: fixedBounds({ coldBefore: null, hotFrom: null }),
      probes,
      disconnect,
    };
  }

  const bounds = createArchiveBounds({ hot, cold });
  const stores = { hot: config.hot, cold: config.cold };
  const inWorker = async (task: Parameters<typeof runInArchivalWorker>[1]) => {
    // Archival and restore start only when both stores answer: a run that cannot finish
    // would hold the lock and leave its run FAILED for nothing.
    await requireAnswering([hotGuard, coldGuard]);
    try {
      const run = await runInArchivalWorker(stores, task);
      metrics.countArchivalRun(run.kind, run.status, {
        messages: run.messages,
        posts: run.posts,
        comments: run.comments,
        likes: run.likes,
        stockPrices: run.stockPrices,
      });
      return run;
    } finally {
      // This process's readers see the new bounds at once; others within BOUNDS_TTL_MS.
      bounds.invalidate();
    }
  };
  return {
    hot,
    cold,
    hotSql,
    coldSql,
    bounds,
    archive: (archivalOptions) => inWorker({ kind: 'archive', options: archivalOptions }),
    restore: (restoreOptions) => inWorker({ kind: 'restore', options: restoreOptions }),
    probes,
    disconnect,
  };
}

async function requireAnswering(guards: readonly GuardedStore[]): Promise<void> {
  for (const guard of guards) {
    if (guard.breaker.state !== 'closed') throw new StoreUnavailableError(guard.name, 'circuit open');
    await guard.probe();
  }
}
