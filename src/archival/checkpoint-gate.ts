/**
 * A gate tests hold a background run at, across the worker thread: a SharedArrayBuffer both
 * threads see. While the gate is closed, a run's first checkpoint after a row has moved waits
 * (and so does every later one) until the test opens it; the test can wait until a run is held.
 * Stalls a run deterministically at a batch boundary, with no sleeps; production passes none.
 */
import type { ArchivalRunRecord } from './recorded-run.js';

/** Atomics.waitAsync (ES2024, in every Node this project supports; its TypeScript lib predates it). */
const waitAsync = (
  Atomics as unknown as {
    waitAsync(this: void, cells: Int32Array, index: number, value: number): { value: Promise<string> | string };
  }
).waitAsync;

/** Cell indexes: 1 while the gate is closed; how many times a run was held; 1 once killed. */
const CLOSED = 0;
const HELD = 1;
const KILLED = 2;

export interface CheckpointGate {
  /** What crosses to the worker thread (workerData): [closed?, runs held so far]. */
  readonly buffer: SharedArrayBuffer;
  /** Lets every held and later checkpoint through. */
  open(): void;
  /**
   * Ends the worker thread of the held run (and of any later one) where it waits, as its heap
   * limit or an uncaught error would: no report, its connections closed with it.
   */
  kill(): void;
  /** Resolves once a run waits at the gate (at once if one already has). */
  held(): Promise<void>;
}

export function createCheckpointGate(): CheckpointGate {
  const buffer = new SharedArrayBuffer(12);
  const cells = new Int32Array(buffer);
  cells[CLOSED] = 1;
  return {
    buffer,
    open() {
      Atomics.store(cells, CLOSED, 0);
      Atomics.notify(cells, CLOSED);
    },
    kill() {
      Atomics.store(cells, KILLED, 1);
      Atomics.store(cells, CLOSED, 0);
      Atomics.notify(cells, CLOSED);
    },
    async held() {
      while (Atomics.load(cells, HELD) === 0) await waitAsync(cells, HELD, 0).value;
    },
  };
}

/**
 * The worker's side: waits while the gate is closed, once the run has moved a row; exits the
 * thread (process.exit in a worker ends that thread only) when the test killed it.
 */
export async function passCheckpointGate(buffer: SharedArrayBuffer, run: ArchivalRunRecord): Promise<void> {
  const cells = new Int32Array(buffer);
  const moved = run.messages + run.posts + run.comments + run.likes + run.stockPrices;
  if (moved > 0 && Atomics.load(cells, CLOSED) !== 0) {
    Atomics.add(cells, HELD, 1);
    Atomics.notify(cells, HELD);
    while (Atomics.load(cells, CLOSED) !== 0) await waitAsync(cells, CLOSED, 1).value;
  }
  if (Atomics.load(cells, KILLED) !== 0) process.exit(1);
}
