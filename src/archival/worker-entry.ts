/**
 * The archival job's thread (see worker.ts): opens its own clients, runs one job, reports the
 * run record or the error, and closes its clients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreConfig } from '../config.js';
import { coldAdapter, createColdClient } from '../stores/cold/index.js';
import { createHotClient, hotAdapter } from '../stores/hot/index.js';
import { createArchiveBounds } from './bounds.js';
import { runArchival, type ArchivalOptions } from './job.js';

interface WorkerInput {
  readonly hot: StoreConfig;
  readonly cold: StoreConfig;
  readonly options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>;
}

const { hot, cold, options } = workerData as WorkerInput;
// A few connections: the job reads, deletes and prefetches concurrently, nothing more.
const hotClient = createHotClient(hotAdapter({ ...hot, pool: { ...hot.pool, max: 3 } }));
const coldClient = createColdClient(coldAdapter({ ...cold, pool: { ...cold.pool, max: 1 } }));
try {
  const run = await runArchival({ hot: hotClient, cold, bounds: createArchiveBounds(coldClient) }, options);
  parentPort!.postMessage({ ok: true, run });
} catch (error) {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  parentPort!.postMessage({ ok: false, message: error instanceof Error ? error.message : String(error), code: typeof code === 'string' ? code : undefined });
} finally {
  await Promise.allSettled([hotClient.$disconnect(), coldClient.$disconnect()]);
}
