/**
 * The archival job's thread (see worker.ts): opens its own clients, runs one job, reports the
 * run once it is recorded, then its end (the run record or the error), and closes its clients.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { StoreConfig } from '../config.js';
import { coldAdapter, createColdClient } from '../stores/cold/index.js';
import { createHotClient, hotAdapter, hotEngine } from '../stores/hot/index.js';
import { createSqlReader } from '../stores/sql/reader.js';
import { createArchiveBounds } from './bounds.js';
import { passCheckpointGate } from './checkpoint-gate.js';
import { runArchival, type ArchivalRunRecord } from './job.js';
import { runRestore } from './restore.js';
import type { WorkerReport, WorkerTask } from './worker.js';

interface WorkerInput {
  readonly hot: StoreConfig;
  readonly cold: StoreConfig;
  readonly task: WorkerTask;
  readonly gate?: SharedArrayBuffer;
}

const { hot, cold, task, gate } = workerData as WorkerInput;
const report = (message: WorkerReport) => parentPort!.postMessage(message);
// A few connections: the job reads, deletes and prefetches concurrently, nothing more.
const hotFactory = hotAdapter({ ...hot, pool: { ...hot.pool, max: 3 } });
const hotClient = createHotClient(hotFactory);
const hotSql = createSqlReader(hotFactory);
const coldClient = createColdClient(coldAdapter({ ...cold, pool: { ...cold.pool, max: 1 } }));
try {
  const deps = {
    hot: hotClient,
    hotEngine: hotEngine(hotFactory),
    hotSql,
    cold,
    bounds: createArchiveBounds({ hot: hotClient, cold: coldClient }),
    hooks: {
      started: (run: ArchivalRunRecord) => report({ type: 'started', run }),
      ...(gate ? { checkpointed: (run: ArchivalRunRecord) => passCheckpointGate(gate, run) } : {}),
    },
  };
  const run = task.kind === 'archive' ? await runArchival(deps, task.options) : await runRestore(deps, task.options);
  report({ type: 'finished', ok: true, run });
} catch (error) {
  const code = (error as { extensions?: { code?: unknown } }).extensions?.code;
  report({
    type: 'finished',
    ok: false,
    message: error instanceof Error ? error.message : String(error),
    code: typeof code === 'string' ? code : undefined,
  });
} finally {
  await Promise.allSettled([hotClient.$disconnect(), hotSql.dispose(), coldClient.$disconnect()]);
}
