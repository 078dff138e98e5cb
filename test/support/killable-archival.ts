/**
 * Runs an archive or a restore on its own thread (killable-archival-entry.ts) and kills it for
 * real (Worker.terminate) where the task says: the thread's database sessions end with their
 * sockets, as after a SIGKILL.
 */
import { Worker } from 'node:worker_threads';
import type pg from 'pg';
import type { StoreConfig } from '../../src/config.js';
import type { KillableTask } from './killable-archival-entry.js';

/** A booted thread waiting for its task: booting one (tsx, Prisma) costs more than a run. */
export interface KillableThread {
  readonly worker: Worker;
  readonly ready: Promise<void>;
}

export function spawnKillable(stores: { readonly hot: StoreConfig; readonly cold: StoreConfig }): KillableThread {
  const entry = new URL('./killable-archival-entry.ts', import.meta.url);
  const api = import.meta.resolve('tsx/esm/api');
  const source = `import(${JSON.stringify(api)}).then(({ register }) => { register(); return import(${JSON.stringify(entry.href)}); });`;
  const worker = new Worker(source, { eval: true, workerData: { hot: stores.hot, cold: stores.cold } });
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
  });
  ready.catch(() => undefined);
  return { worker, ready };
}

/** Gives a booted thread `task`; answers where it stopped (and was killed) or how it ended. */
export async function killWhereTold(thread: KillableThread, task: KillableTask, stopAt = 0): Promise<string> {
  const { worker, ready } = thread;
  await ready;
  const outcome = new Promise<string>((resolve, reject) => {
    worker.once('message', (message: Record<string, string>) => {
      // Stopped at its step (killed there, mid-run), or ended before reaching it.
      const said = message.stoppedAt ? `killed at ${message.stoppedAt}` : JSON.stringify(message);
      worker.terminate().then(() => resolve(said), reject);
    });
    worker.once('error', reject);
  });
  worker.postMessage({ task, stopAt });
  return outcome;
}

/** Boots a thread and gives it `task` (killWhereTold). */
export function runKilled(
  stores: { readonly hot: StoreConfig; readonly cold: StoreConfig },
  task: KillableTask,
  stopAt = 0,
): Promise<string> {
  return killWhereTold(spawnKillable(stores), task, stopAt);
}

/** Waits until no session holds an advisory lock on `cold`'s database (a killed run's lock). */
export async function waitForLockRelease(cold: pg.Client): Promise<void> {
  for (;;) {
    const { rows } = await cold.query(
      `SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    );
    if (rows[0].n === 0) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
