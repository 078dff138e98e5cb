/**
 * A test's archival thread that the test kills for real (Worker.terminate): it runs one
 * archival run or restore with the production job code and, at its `stopAt`-th fault point,
 * tells the parent where it is and waits there forever, so the kill lands at a chosen step
 * (seeded, reproducible) instead of at a moment. A run that ends first reports its record.
 * It boots first and waits for its task (`{ task, stopAt }`), so a test can keep one warm.
 *
 * A task may instead name its stop exactly (`stopOn`: the nth time a given `point:dataset` is
 * reached), and a point where the run waits silently (`holdOn`, e.g. archival's delete queue
 * after its first delete, so the batches copied behind it stay undeleted until the stop).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { runArchival } from '../../src/archival/job.js';
import { runRestore } from '../../src/archival/restore.js';
import type { StoreConfig } from '../../src/config.js';
import { coldAdapter, createColdClient } from '../../src/stores/cold/index.js';
import { createHotClient, hotAdapter, hotEngine } from '../../src/stores/hot/index.js';
import { createSqlReader } from '../../src/stores/sql/reader.js';

/** The `nth` time the run reaches fault point `at` (`point:dataset`, e.g. `afterColdCommit:messages`). */
export interface KillablePoint {
  readonly at: string;
  readonly nth: number;
}

export type KillableTask = (
  | {
      readonly kind: 'archive';
      readonly olderThanDays: number;
      readonly dryRun: boolean;
      readonly now: number;
      readonly batchSize?: number;
    }
  | { readonly kind: 'restore'; readonly from: string; readonly to: string }
) & { readonly stopOn?: KillablePoint; readonly holdOn?: KillablePoint };

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
const seen = new Map<string, number>();
const fault = async (point: string, dataset: string) => {
  const at = `${point}:${dataset}`;
  const nth = (seen.get(at) ?? 0) + 1;
  seen.set(at, nth);
  points += 1;
  if (task.holdOn?.at === at && task.holdOn.nth === nth) await new Promise(() => undefined);
  if (task.stopOn ? task.stopOn.at !== at || task.stopOn.nth !== nth : points !== stopAt) return;
  parentPort!.postMessage({ stoppedAt: at });
  await new Promise(() => undefined);
};
try {
  const run =
    task.kind === 'archive'
      ? await runArchival(deps, {
          olderThanDays: task.olderThanDays,
          dryRun: task.dryRun,
          batchSize: task.batchSize ?? 3,
          now: () => new Date(task.now),
          fault,
        })
      : await runRestore(deps, { from: task.from, to: task.to, fault });
  parentPort!.postMessage({ finished: run.status });
} catch (error) {
  parentPort!.postMessage({ failed: error instanceof Error ? error.message : String(error) });
}
