/**
 * The cold deletes of a restore, in the order their batches were copied: each waits until the
 * delete delay has passed since the restore was published and since its own hot copy
 * committed, and at most MAX_PENDING_DELETES copied batches wait at once (the walk stops for
 * the oldest when there are more). Deletes run on the restore's own cold connection between
 * its reads, never inside a transaction, so nothing interleaves with them.
 */
import type pg from 'pg';
import type { Dataset } from './job.js';
import type { RunCounts } from './recorded-run.js';
import type { ColdDelete } from './restore-writes.js';

const MAX_PENDING_DELETES = 64;

interface Pending {
  readonly dataset: Dataset;
  readonly notBefore: number;
  readonly remove: ColdDelete;
}

export class ColdDeletes {
  private readonly publishedAt = Date.now();
  private readonly pending: Pending[] = [];

  constructor(
    private readonly cold: pg.Client,
    private readonly counts: RunCounts,
    private readonly delayMs: number,
    /** Called after each delete (a test's crash point). */
    private readonly afterDelete?: (dataset: Dataset) => void | Promise<void>,
  ) {}

  /** A batch whose hot copy has just committed; runs every delete that is due. */
  async add(dataset: Dataset, remove: ColdDelete): Promise<void> {
    const notBefore = Math.max(this.publishedAt, Date.now()) + this.delayMs;
    this.pending.push({ dataset, notBefore, remove });
    while (
      this.pending.length > 0 &&
      (this.pending.length > MAX_PENDING_DELETES || this.pending[0].notBefore <= Date.now())
    )
      await this.runOldest();
  }

  /** Every waiting delete, in order, each at its time. */
  async drain(): Promise<void> {
    while (this.pending.length > 0) await this.runOldest();
  }

  private async runOldest(): Promise<void> {
    const next = this.pending.shift()!;
    const wait = next.notBefore - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const { rows } = await this.cold.query<{ n: number }>(next.remove.sql, next.remove.params);
    this.counts[next.dataset] += rows[0]?.n ?? 0;
    await this.afterDelete?.(next.dataset);
  }
}
