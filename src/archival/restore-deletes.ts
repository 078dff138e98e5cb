/**
 * The cold deletes of a restore, in the order their batches were copied, on a cold connection
 * of their own so that they run while the restore reads and copies its next batch. Each is
 * queued as soon as its batch's hot copy has committed, never before: a row leaves cold only
 * once hot has it. No delay is needed: a reader that read hot before the copy and cold after
 * the delete learns from its cold statement that a restore newer than its bounds ran, and
 * reads its hot window again (graphql/pagination/stitched-page.ts).
 *
 * Memory: at most MAX_QUEUED batches' delete parameters (ids; a price batch's values) wait;
 * `add` waits while the queue is full, so a slow cold store slows the restore down instead of
 * letting the queue grow. The first failure stops the queue: nothing after it runs, and the
 * next `add` or `drain` throws it (the run then fails and its journal rows settle the rest).
 */
import pg from 'pg';
import type { StoreConfig } from '../config.js';
import { pgConnectionConfig } from '../stores/pg-pool.js';
import type { Dataset } from './job.js';
import type { RunCounts } from './recorded-run.js';
import type { ColdDelete } from './restore-writes.js';

/** Batches whose delete is queued at once, the one running included. */
const MAX_QUEUED = 2;

/** What the queue needs of its connection (a pg.Client; a test's fake). */
export interface DeleteConnection {
  query<Row extends pg.QueryResultRow>(sql: string, params: unknown[]): Promise<{ rows: Row[] }>;
  end(): Promise<void>;
}

interface Pending {
  readonly dataset: Dataset;
  readonly remove: ColdDelete;
}

export class ColdDeletes {
  private readonly pending: Pending[] = [];
  /** The queue's worker while it runs; settles when the queue is empty or failed. */
  private running: Promise<void> | undefined;
  private failure: { readonly error: unknown } | undefined;
  /** Resolves waiters of `add` and `drain` whenever a delete ends. */
  private wake: (() => void)[] = [];

  constructor(
    private readonly cold: DeleteConnection,
    private readonly counts: RunCounts,
    /** Called after each delete (a test's crash point). */
    private readonly afterDelete?: (dataset: Dataset) => void | Promise<void>,
  ) {}

  /** Opens the deletes' own connection; `close` ends it. */
  static async open(
    config: StoreConfig,
    counts: RunCounts,
    afterDelete?: (dataset: Dataset) => void | Promise<void>,
  ): Promise<ColdDeletes> {
    const client = new pg.Client(pgConnectionConfig(config));
    // A lost connection fails the delete in flight (and so the run); it must not crash the process.
    client.on('error', () => undefined);
    await client.connect();
    return new ColdDeletes(client, counts, afterDelete);
  }

  /** A batch whose hot copy has just committed: its delete is queued (waits while the queue is full). */
  async add(dataset: Dataset, remove: ColdDelete): Promise<void> {
    this.throwIfFailed();
    while (this.pending.length >= MAX_QUEUED) {
      await this.nextEnd();
      this.throwIfFailed();
    }
    this.pending.push({ dataset, remove });
    this.running ??= this.runAll();
  }

  /** Waits for every queued delete; throws the queue's failure, if any. */
  async drain(): Promise<void> {
    while (this.running) await this.nextEnd();
    this.throwIfFailed();
  }

  /** Waits until no delete runs, dropping the queued ones; never throws (a failed run's path). */
  async stop(): Promise<void> {
    this.pending.length = 0;
    while (this.running) await this.nextEnd();
  }

  async close(): Promise<void> {
    await this.stop();
    await this.cold.end().catch(() => undefined);
  }

  private throwIfFailed(): void {
    if (this.failure) throw this.failure.error;
  }

  private nextEnd(): Promise<void> {
    return new Promise((resolve) => this.wake.push(resolve));
  }

  private async runAll(): Promise<void> {
    try {
      while (this.pending.length > 0) {
        const next = this.pending[0];
        const { rows } = await this.cold.query<{ n: number }>(next.remove.sql, next.remove.params);
        this.counts[next.dataset] += rows[0]?.n ?? 0;
        this.pending.shift();
        await this.afterDelete?.(next.dataset);
        this.notify();
      }
    } catch (error) {
      this.failure = { error };
      this.pending.length = 0;
    } finally {
      this.running = undefined;
      this.notify();
    }
  }

  private notify(): void {
    for (const resolve of this.wake.splice(0)) resolve();
  }
}
