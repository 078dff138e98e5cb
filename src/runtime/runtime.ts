/**
 * The gateway's runtime, composed once per process above the stores: the serving clients of
 * both stores (or of the hot store alone, in single-store mode) behind their guards, the
 * archive bounds readers skip stores by, the archival and restore runner on its own thread (in
 * the background: a call answers the finished run or, after archivalAnswerWaitMs, the run still
 * RUNNING with its progress so far), the readiness probes, and the metrics wired to all of them.
 *
 * The entry point opens it; the GraphQL layer sees it through the `Stores` interface of its
 * context (graphql/context.ts), which it satisfies structurally.
 */
import { createArchiveBounds, fixedBounds, type ArchiveBounds } from '../archival/bounds.js';
import type { ArchivalOptions, ArchivalRunRecord } from '../archival/job.js';
import type { RestoreOptions } from '../archival/restore.js';
import { archivalSnapshot } from '../archival/status.js';
import { failInterruptedRuns } from '../archival/recorded-run.js';
import {
  ArchivalWorkerDiedError,
  startInArchivalWorker,
  type BackgroundRun,
  type WorkerTask,
} from '../archival/worker.js';
import type { StoreConfig, StoreName } from '../config.js';
import type { GatewayMetrics } from '../observability/metrics.js';
import type { BreakerState } from '../stores/circuit-breaker.js';
import { coldAdapter, type ColdClient, type ColdModels } from '../stores/cold/index.js';
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
  /**
   * Starts one archival run on its own thread (archival/worker.ts) and answers it finished, or
   * RUNNING once archivalAnswerWaitMs passed; rejects only when the run did not start
   * (ARCHIVAL_IN_PROGRESS, a store down) or failed within the wait. Absent in single-store mode.
   */
  readonly archive?: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  /** One restore of a range back to the hot store, answered like `archive`; absent like it. */
  readonly restore?: (options: Pick<RestoreOptions, 'from' | 'to'>) => Promise<ArchivalRunRecord>;
  /** Starts one archival run and hands back its promises (the schedule waits for its end). */
  readonly startArchive?: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<BackgroundRun>;
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
  /** How long archive/restore wait for the run's end before they answer it RUNNING. */
  readonly archivalAnswerWaitMs: number;
  /** Tests only: holds runs at a checkpoint (archival/checkpoint-gate.ts). */
  readonly archivalGate?: SharedArrayBuffer;
  /** Where the settling of a dead thread's batches in flight reports (in-flight.ts). */
  readonly log?: (line: string) => void;
  /** A worker thread died and the runs it left RUNNING (their ids) were ended FAILED. */
  readonly onWorkerDied?: (runIds: number[], error: Error) => void;
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
  const start = async (task: WorkerTask): Promise<BackgroundRun> => {
    // Archival and restore start only when both stores answer: a run that cannot finish
    // would hold the lock and leave its run FAILED for nothing.
    await requireAnswering([hotGuard, coldGuard]);
    const run = startInArchivalWorker(stores, task, { gate: options.archivalGate });
    run.finished
      .then(
        (ended) =>
          metrics.countArchivalRun(ended.kind, ended.status, {
            messages: ended.messages,
            posts: ended.posts,
            comments: ended.comments,
            likes: ended.likes,
            stockPrices: ended.stockPrices,
          }),
        // A thread that died (its heap limit, an uncaught error) left its run RUNNING.
        (error: unknown) => (error instanceof ArchivalWorkerDiedError ? failDeadRun(error) : undefined),
      )
      // This process's readers see the new bounds at once; others within BOUNDS_TTL_MS.
      .finally(() => bounds.invalidate());
    return run;
  };
  /**
   * The dead thread's connections, and so the archival lock, went with it: its run ends FAILED
   * with why, now rather than at the next start. The database may take a moment to see the
   * connection gone (the lock still held): tried for up to about 5 s while a run is RUNNING;
   * should that not do, the next start or run ends it.
   */
  const failDeadRun = async (error: Error) => {
    for (let attempt = 0; attempt < 25; attempt += 1) {
      const ids = await failInterruptedRuns(stores.cold, {
        reason: `interrupted: ${error.message}`,
        hot,
        log: options.log,
      }).catch(() => []);
      if (ids.length > 0) return options.onWorkerDied?.(ids, error);
      if ((await cold.archivalRun.count({ where: { status: 'RUNNING' } }).catch(() => 0)) === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  };
  const answer = async (task: WorkerTask): Promise<ArchivalRunRecord> => {
    const run = await start(task);
    const recorded = await run.started;
    let timer: NodeJS.Timeout | undefined;
    const waited = new Promise<'waited'>(
      (resolve) => (timer = setTimeout(resolve, options.archivalAnswerWaitMs, 'waited')),
    );
    try {
      const outcome = await Promise.race([run.finished, waited]);
      if (outcome !== 'waited') return outcome;
    } finally {
      clearTimeout(timer);
    }
    // Still running: the run as its row says now, with the rows committed so far.
    const row = await cold.archivalRun.findUnique({ where: { id: recorded.id } });
    return row ? fromRow(row) : recorded;
  };
  return {
    hot,
    cold,
    hotSql,
    coldSql,
    bounds,
    archive: (archivalOptions) => answer({ kind: 'archive', options: archivalOptions }),
    restore: (restoreOptions) => answer({ kind: 'restore', options: restoreOptions }),
    startArchive: (archivalOptions) => start({ kind: 'archive', options: archivalOptions }),
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

/** A run's row as the cold client reads it, as the record the worker reports. */
function fromRow(row: ColdModels.ArchivalRunModel): ArchivalRunRecord {
  return { ...row, kind: row.kind as ArchivalRunRecord['kind'], status: row.status as ArchivalRunRecord['status'] };
}
