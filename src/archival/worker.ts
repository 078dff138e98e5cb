/**
 * Runs the archival job on a worker thread with its own heap limit.
 *
 * Moving a million rows allocates gigabytes of short-lived objects; on the serving thread V8
 * lets its heap grow to well over 100 MB between collections, and the job's CPU would compete
 * with requests. On its own thread with ARCHIVAL_HEAP_MB of old generation, the process stays
 * at about 200 MB during a 1,000,000-row run at the same throughput (npm run bench:archival).
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

interface WorkerResult {
  readonly ok: boolean;
  readonly run?: ArchivalRunRecord;
  readonly message?: string;
  readonly code?: string;
}

/** Runs an archival run or a restore on its own thread; resolves to its run record. */
export function runInArchivalWorker(
  stores: { hot: StoreConfig; cold: StoreConfig },
  task: WorkerTask,
): Promise<ArchivalRunRecord> {
  // .js when compiled; .ts when running from the sources under tsx, whose loader a worker
  // thread does not inherit.
  const fromSources = import.meta.url.endsWith('.ts');
  const entry = new URL(`./worker-entry${fromSources ? '.ts' : '.js'}`, import.meta.url);
  return new Promise((resolve, reject) => {
    const worker = new Worker(fromSources ? tsxBootstrap(entry) : entry, {
      ...(fromSources ? { eval: true } : {}),
      workerData: { hot: stores.hot, cold: stores.cold, task },
      resourceLimits: { maxOldGenerationSizeMb: ARCHIVAL_HEAP_MB },
    });
    let settled = false;
    worker.once('message', (result: WorkerResult) => {
      settled = true;
      if (result.ok && result.run) return resolve(result.run);
      reject(
        result.code === ErrorCode.ARCHIVAL_IN_PROGRESS
          ? new ArchivalInProgressError()
          : new Error(result.message ?? 'archival failed'),
      );
    });
    worker.once('error', (error) => {
      if (!settled) reject(error);
      settled = true;
    });
    worker.once('exit', (code) => {
      if (!settled) reject(new Error(`the archival worker stopped with exit code ${code} before it reported`));
    });
  });
}

/** Development only: registers tsx's loader in the worker, then loads the TypeScript entry. */
function tsxBootstrap(entry: URL): string {
  const api = import.meta.resolve('tsx/esm/api');
  return `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
}
