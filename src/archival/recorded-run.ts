/**
 * What archival runs and restores share: a dedicated cold connection holding the archival lock
 * for the whole run, and the run's row in archival_runs from RUNNING to SUCCEEDED or FAILED.
 */
import pg from 'pg';
import type { StoreConfig } from '../config.js';
import { ArchivalInProgressError } from '../errors.js';
import { pgConnectionConfig } from '../stores/pg-pool.js';
import type { HotClient } from '../stores/hot/index.js';
import { publishBounds, type ArchiveBounds } from './bounds.js';

/** The advisory lock every archival run and restore contends for (any constant unique to them). */
const ARCHIVAL_LOCK_KEY = 7_279_813_045;

export interface RunCounts {
  messages: number;
  posts: number;
  comments: number;
  likes: number;
  stockPrices: number;
}

export interface ArchivalRunRecord extends RunCounts {
  readonly id: number;
  readonly kind: 'ARCHIVE' | 'RESTORE';
  readonly status: 'RUNNING' | 'SUCCEEDED' | 'FAILED';
  readonly dryRun: boolean;
  readonly cutoff: Date;
  readonly restoreTo: Date | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly error: string | null;
}

export interface RunDescription {
  readonly kind: 'ARCHIVE' | 'RESTORE';
  readonly dryRun: boolean;
  /** An archival run's cutoff; a restore's range start. */
  readonly cutoff: Date;
  readonly restoreTo?: Date;
}

/**
 * Takes the lock (a second caller gets ARCHIVAL_IN_PROGRESS), marks runs left RUNNING by a
 * process that died as FAILED, records the run (which is what raises the cold bound readers
 * use: bounds.ts), runs `work` with the connection and the counts it fills, and ends the run
 * SUCCEEDED with those counts or FAILED with the error, which is rethrown.
 */
export async function withRecordedRun(
  { cold, hot, bounds }: { readonly cold: StoreConfig; readonly hot: HotClient; readonly bounds: ArchiveBounds },
  run: RunDescription,
  work: (client: pg.Client, counts: RunCounts) => Promise<void>,
): Promise<ArchivalRunRecord> {
  const client = new pg.Client(pgConnectionConfig(cold));
  let connectionError: Error | undefined;
  client.on('error', (error) => (connectionError = error));
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      ARCHIVAL_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) throw new ArchivalInProgressError();
    try {
      await client.query(
        `UPDATE archival_runs SET status = 'FAILED', finished_at = now(), error = 'interrupted: the process running it stopped' WHERE status = 'RUNNING'`,
      );
      const { rows: recorded } = await client.query<{ id: number }>(
        `INSERT INTO archival_runs (kind, status, dry_run, cutoff, restore_to, started_at) VALUES ($1, 'RUNNING', $2, $3, $4, now()) RETURNING id`,
        [run.kind, run.dryRun, run.cutoff, run.restoreTo ?? null],
      );
      const runId = recorded[0].id;
      const counts: RunCounts = { messages: 0, posts: 0, comments: 0, likes: 0, stockPrices: 0 };
      try {
        // Readers learn of the run (its cutoff raises coldBefore; a restore lowers hotFrom to
        // its range's start) before it moves anything: if the hot store cannot take the
        // bounds, nothing moves.
        if (!run.dryRun) await publishBounds(hot, client, run.kind === 'RESTORE' ? { restoreFrom: run.cutoff } : {});
        bounds.invalidate();
        await work(client, counts);
        const finished = await finishRun(client, runId, 'SUCCEEDED', counts, null);
        // The bounds of the rows as they are now (an archive raises hotFrom). Should this
        // fail, readers keep the bounds published at the start, which stay true.
        if (!run.dryRun) await publishBounds(hot, client).catch(() => undefined);
        return finished;
      } catch (error) {
        const message = connectionError?.message ?? (error instanceof Error ? error.message : String(error));
        await finishRun(client, runId, 'FAILED', counts, message.slice(0, 2000)).catch(() => undefined);
        // A failed run moved some rows: the bounds of what the stores hold now, as after success.
        if (!run.dryRun) await publishBounds(hot, client).catch(() => undefined);
        throw error;
      } finally {
        bounds.invalidate();
      }
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ARCHIVAL_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Ends the run with its outcome and counts. */
async function finishRun(
  client: pg.Client,
  runId: number,
  status: 'SUCCEEDED' | 'FAILED',
  counts: RunCounts,
  error: string | null,
): Promise<ArchivalRunRecord> {
  const { rows } = await client.query(
    `UPDATE archival_runs SET status = $2, finished_at = now(), error = $3,
       messages = $4, posts = $5, comments = $6, likes = $7, stock_prices = $8
     WHERE id = $1 RETURNING *`,
    [runId, status, error, counts.messages, counts.posts, counts.comments, counts.likes, counts.stockPrices],
  );
  return toRecord(rows[0]);
}

function toRecord(row: Record<string, any>): ArchivalRunRecord {
  return {
    id: row.id,
    kind: row.kind,
    status: row.status,
    dryRun: row.dry_run,
    cutoff: row.cutoff,
    restoreTo: row.restore_to,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    error: row.error,
    messages: row.messages,
    posts: row.posts,
    comments: row.comments,
    likes: row.likes,
    stockPrices: row.stock_prices,
  };
}
