/**
 * Runs the archival job on a worker thread with its own heap limit, in the background.
 *
 * Moving a million rows allocates gigabytes of short-lived objects; on the serving thread V8
 * lets its heap grow to well over 100 MB between collections, and the job's CPU would compete
 * with requests. On its own thread with ARCHIVAL_HEAP_MB of old generation, the process stays
 * at about 200 MB during a 1,000,000-row run at the same throughput (npm run bench:archival).
 *
 * The thread reports twice: once the run is recorded (its id, so a caller can answer RUNNING
 * and anyone can follow it by id), and when it ends. Nothing waits for it but these promises:
 * the run goes on whether or not the request that started it is still there.
 */
import { Worker } from 'node:worker_threads';
import type { StoreConfig } from '../config.js';
import { ArchivalInProgressError, ErrorCode } from '../errors.js';
import type { ArchivalOptions, ArchivalRunRecord } from './job.js';
import type { RestoreOptions } from './restore.js';

export const ARCHIVAL_HEAP_MB = 96;

/** What the worker thread (worker-entry.ts) is asked to run. */
export type WorkerTask =
  | { readonly kind: 'archive'; readonly options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'> }
  | { readonly kind: 'restore'; readonly options: Pick<RestoreOptions, 'from' | 'to'> };

/** What the worker thread posts: `started` once, then `finished` once (or it dies). */
export type WorkerReport =
  | { readonly type: 'started'; readonly run: ArchivalRunRecord }
  | {
      readonly type: 'finished';
      readonly ok: boolean;
      readonly run?: ArchivalRunRecord;
      readonly message?: string;
      readonly code?: string;
    };

export interface BackgroundRun {
  /** The run as recorded RUNNING; rejects when the run never started (e.g. ARCHIVAL_IN_PROGRESS). */
  readonly started: Promise<ArchivalRunRecord>;
  /** The run as it ended: SUCCEEDED, CANCELLED, or rejects with why it FAILED. */
  readonly finished: Promise<ArchivalRunRecord>;
}

/**
 * The worker thread ended without reporting how its run ended: an uncaught error, its heap
 * limit reached (ERR_WORKER_OUT_OF_MEMORY), or terminate(). Its connections went with it, so
 * the run it recorded is RUNNING with nobody running it (runtime.ts ends it FAILED).
 */
export class ArchivalWorkerDiedError extends Error {
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = 'ArchivalWorkerDiedError';
  }
}

export interface WorkerOptions {
  /** Tests only: holds the run at a checkpoint (checkpoint-gate.ts). */
  readonly gate?: SharedArrayBuffer;
}

/** Starts an archival run or a restore on its own thread. */
export function startInArchivalWorker(
  stores: { hot: StoreConfig; cold: StoreConfig },
  task: WorkerTask,
  options: WorkerOptions = {},
): BackgroundRun {
  // .js when compiled; .ts when running from the sources under tsx, whose loader a worker
  // thread does not inherit.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker-entry${fromSources ? '.ts' : '.js'}`, import.meta.url);
  let onStarted!: (run: ArchivalRunRecord) => void;
  let onNotStarted!: (error: Error) => void;
  const started = new Promise<ArchivalRunRecord>((resolve, reject) => {
    onStarted = resolve;
    onNotStarted = reject;
  });
  const finished = new Promise<ArchivalRunRecord>((resolve, reject) => {
    const worker = new Worker(fromSources ? tsxBootstrap(entry) : entry, {
      ...(fromSources ? { eval: true } : {}),
      workerData: { hot: stores.hot, cold: stores.cold, task, gate: options.gate },
      resourceLimits: { maxOldGenerationSizeMb: ARCHIVAL_HEAP_MB },
    });
    let settled = false;
    const fail = (error: Error) => {
      settled = true;
      onNotStarted(error); // no effect once started
      reject(error);
    };
    worker.on('message', (report: WorkerReport) => {
      if (report.type === 'started') return onStarted(report.run);
      if (report.ok && report.run) {
        settled = true;
        onStarted(report.run); // a dry run may end before its start was read
        return resolve(report.run);
      }
      fail(
        report.code === ErrorCode.ARCHIVAL_IN_PROGRESS
          ? new ArchivalInProgressError()
          : new Error(report.message ?? 'archival failed'),
      );
    });
    worker.once('error', (error) => {
      if (!settled) fail(new ArchivalWorkerDiedError(`the archival worker died: ${error.message}`, { cause: error }));
    });
    worker.once('exit', (code) => {
      if (!settled)
        fail(new ArchivalWorkerDiedError(`the archival worker stopped with exit code ${code} before it reported`));
    });
  });
  // Both are for whoever wants them; neither may go unhandled when nobody does.
  started.catch(() => undefined);
  finished.catch(() => undefined);
  return { started, finished };
}

/** Development only: registers tsx's loader in the worker, then loads the TypeScript entry. */
function tsxBootstrap(entry: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}
