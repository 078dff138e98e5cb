/**
 * A test's archival thread that the test kills for real (Worker.terminate): it runs one
 * archival run or restore with the production job code and, at its `stopAt`-th fault point,
 * tells the parent where it is and waits there forever, so the kill lands at a chosen step
 * (seeded, reproducible) instead of at a moment. A run that ends first reports its record.
 * It boots first and waits for its task (`{ task, stopAt }`), so a test can keep one warm.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival } from '../../src/archival/job.js';
import { runRestore } from '../../src/archival/restore.js';
import type { StoreConfig } from '../../src/config.js';
import { coldAdapter, createColdClient } from '../../src/stores/cold/index.js';
import { createHotClient, hotAdapter, hotEngine } from '../../src/stores/hot/index.js';
import { createSqlReader } from '../../src/stores/sql/reader.js';

export type KillableTask =
  | { readonly kind: 'archive'; readonly olderThanDays: number; readonly dryRun: boolean; readonly now: number }
  | { readonly kind: 'restore'; readonly from: string; readonly to: string };

const { hot, cold } = workerData as { hot: StoreConfig; cold: StoreConfig };
const hotFactory = hotAdapter({ ...hot, pool: { ...hot.pool, max: 3 } });
const hotClient = createHotClient(hotFactory);
const coldClient = createColdClient(coldAdapter({ ...cold, pool: { ...cold.pool, max: 1 } }));
const deps = {
  hot: hotClient,
  hotEngine: hotEngine(hotFactory),
  hotSql: createSqlReader(hotFactory),
  cold,
  bounds: createArchiveBounds({ hot: hotClient, cold: coldClient }),
};
const { task, stopAt } = await new Promise<{ task: KillableTask; stopAt: number }>((resolve) => {
  parentPort!.once('message', resolve);
  parentPort!.postMessage({ ready: true });
});
let points = 0;
const fault = async (point: string, dataset: string) => {
  if (++points !== stopAt) return;
  parentPort!.postMessage({ stoppedAt: `${point}:${dataset}` });
  await new Promise(() => undefined);
};
try {
  const run =
    task.kind === 'archive'
      ? await runArchival(deps, {
          olderThanDays: task.olderThanDays,
          dryRun: task.dryRun,
          batchSize: 3,
          now: () => new Date(task.now),
          fault,
        })
      : await runRestore(deps, { from: task.from, to: task.to, deleteDelayMs: 0, fault });
  parentPort!.postMessage({ finished: run.status });
} catch (error) {
  parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error) });
}
