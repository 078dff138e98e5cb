/**
 * What archival runs and restores share: a dedicated cold connection holding the archival lock
 * for the whole run, and the run's row in archival_runs from RUNNING to SUCCEEDED, FAILED or
 * CANCELLED, with its progress (rows committed per dataset, rows per second) written at every
 * batch boundary so that any gateway process can show it, and an admin's cancel read there.
 */
import pg from 'pg';
import type { StoreConfig } from '../config.js';
import { ArchivalInProgressError } from '../errors.js';
import { pgConnectionConfig } from '../stores/pg-pool.js';
import type { HotClient } from '../stores/hot/index.js';
import { publishBounds, type ArchiveBounds } from './bounds.js';
import { estimateRows } from './estimate.js';
import { describeFinished, finishInFlight } from './in-flight.js';

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
  readonly status: RunStatus;
  readonly dryRun: boolean;
  readonly cutoff: Date;
  readonly restoreTo: Date | null;
  readonly startedAt: Date;
  readonly finishedAt: Date | null;
  readonly error: string | null;
  readonly rowsPerSecond: number | null;
  readonly rowsToMove: number | null;
  readonly cancelRequested: boolean;
}

export type RunStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'CANCELLED';

/** Handed to a run's work: where it reports a batch boundary. */
export interface RunControl {
  /** The run's id in archival_runs (its batches in flight are journalled under it: in-flight.ts). */
  readonly runId: number;
  /**
   * Call where every row the run has touched is in exactly one store (between batches, once a
   * batch's delete committed): writes the counts and the rate to the run's row, then throws
   * RunCancelledError if an admin asked the run to stop, which ends it CANCELLED.
   */
  checkpoint(): Promise<void>;
  /** Writes the counts and the rate only: for points where stopping would leave rows in both stores. */
  progress(): Promise<void>;
}

/** What the caller of a run may observe; the worker thread reports `started` to the gateway. */
export interface RunHooks {
  /** The run is recorded RUNNING (and holds the lock): its id is known. */
  readonly started?: (run: ArchivalRunRecord) => void;
  /** After each checkpoint's write, before its cancel check (tests stall a run here). */
  readonly checkpointed?: (run: ArchivalRunRecord) => void | Promise<void>;
}

/** Thrown by RunControl.checkpoint when the run was asked to stop; never leaves withRecordedRun. */
export class RunCancelledError extends Error {
  constructor() {
    super('cancelled by an admin');
  }
}

const INTERRUPTED = 'interrupted: the process running it stopped';

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
 * use: bounds.ts), runs `work` with the connection, the counts it fills and the control it
 * reports batch boundaries to, and ends the run SUCCEEDED with those counts, CANCELLED when a
 * checkpoint found a cancel request (answered, not thrown), or FAILED with the error, which is
 * rethrown. A cancel requested after the last checkpoint leaves the run SUCCEEDED.
 */
export async function withRecordedRun(
  {
    cold,
    hot,
    bounds,
    hooks = {},
  }: {
    readonly cold: StoreConfig;
    readonly hot: HotClient;
    readonly bounds: ArchiveBounds;
    readonly hooks?: RunHooks;
  },
  run: RunDescription,
  work: (client: pg.Client, counts: RunCounts, control: RunControl) => Promise<void>,
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
      await failInterrupted(client);
      // Batches an interrupted run left in both stores, settled before this run counts or moves.
      await finishInFlight(hot, client);
      const { rows: recorded } = await client.query<ArchivalRunRow>(
        `INSERT INTO archival_runs (kind, status, dry_run, cutoff, restore_to, started_at) VALUES ($1, 'RUNNING', $2, $3, $4, now()) RETURNING *`,
        [run.kind, run.dryRun, run.cutoff, run.restoreTo ?? null],
      );
      const runId = recorded[0].id;
      // Reported at once: the caller answers with this id, whatever the run does next.
      hooks.started?.(toRecord(recorded[0]));
      const counts: RunCounts = { messages: 0, posts: 0, comments: 0, likes: 0, stockPrices: 0 };
      const control: RunControl = {
        runId,
        async checkpoint() {
          const progress = await recordProgress(client, runId, counts);
          await hooks.checkpointed?.(progress);
          if (progress.cancelRequested) throw new RunCancelledError();
        },
        async progress() {
          await hooks.checkpointed?.(await recordProgress(client, runId, counts));
        },
      };
      try {
        // The ETA's denominator, counted before the first row moves (a dry run counts instead).
        if (!run.dryRun)
          await client.query('UPDATE archival_runs SET rows_to_move = $2 WHERE id = $1', [
            runId,
            await estimateRows(hot, client, run),
          ]);
        // Readers learn of the run (its cutoff raises coldBefore; a restore lowers hotFrom to
        // its range's start) before it moves anything: if the hot store cannot take the
        // bounds, nothing moves.
        if (!run.dryRun) await publishBounds(hot, client, run.kind === 'RESTORE' ? { restoreFrom: run.cutoff } : {});
        bounds.invalidate();
        await work(client, counts, control);
        const finished = await finishRun(client, runId, 'SUCCEEDED', counts, null);
        // The bounds of the rows as they are now (an archive raises hotFrom). Should this
        // fail, readers keep the bounds published at the start, which stay true.
        if (!run.dryRun) await publishBounds(hot, client).catch(() => undefined);
        return finished;
      } catch (error) {
        // A cancel stops at a batch boundary the work chose: what moved stays moved, the bounds
        // stay as published at the start (a cancelled archive raises coldBefore, never hotFrom);
        // a cancelled restore publishes that it ended, or every page reading cold would read hot
        // again until the next run (bounds.ts, restoredThrough).
        if (error instanceof RunCancelledError) {
          const cancelled = await finishRun(client, runId, 'CANCELLED', counts, null);
          if (!run.dryRun && run.kind === 'RESTORE') await publishBounds(hot, client).catch(() => undefined);
          return cancelled;
        }
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

/**
 * At a gateway's start, and when an archival worker thread died: ends as FAILED (`reason`,
 * "interrupted" by default) every run left RUNNING by a process or thread that died, and,
 * given the hot store, settles the batches such runs left in both stores (in-flight.ts),
 * logging what it finished. Only when the archival lock is free, i.e. no process is running
 * one (the lock is held from before a run is recorded until after it ends); otherwise the run
 * that holds it does both when it starts, and the live run is left alone. Returns the ids it
 * ended.
 */
export async function failInterruptedRuns(
  cold: StoreConfig,
  options: {
    readonly reason?: string;
    /** The hot store, to settle the batches in flight; without it, runs are only ended. */
    readonly hot?: HotClient;
    readonly log?: (line: string) => void;
  } = {},
): Promise<number[]> {
  const client = new pg.Client(pgConnectionConfig(cold));
  client.on('error', () => undefined);
  await client.connect();
  try {
    const { rows } = await client.query<{ locked: boolean }>('SELECT pg_try_advisory_lock($1) AS locked', [
      ARCHIVAL_LOCK_KEY,
    ]);
    if (!rows[0]?.locked) return [];
    try {
      const interrupted = await failInterrupted(client, options.reason);
      // A store failing here must not keep the gateway from serving: the next run's start
      // settles the rows instead (until then counts may count them twice, as before).
      if (options.hot)
        try {
          for (const line of describeFinished(await finishInFlight(options.hot, client))) options.log?.(line);
        } catch (error) {
          options.log?.(
            `archival: batches in flight not settled (${error instanceof Error ? error.message : String(error)}); the next run settles them`,
          );
        }
      return interrupted;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [ARCHIVAL_LOCK_KEY]);
    }
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** With the lock held: any RUNNING run belongs to a process that stopped. */
async function failInterrupted(client: pg.Client, reason = INTERRUPTED): Promise<number[]> {
  const { rows } = await client.query<{ id: number }>(
    `UPDATE archival_runs SET status = 'FAILED', finished_at = now(), error = $1 WHERE status = 'RUNNING' RETURNING id`,
    [reason.slice(0, 2000)],
  );
  return rows.map((r) => r.id);
}

/**
 * The rate of the rows in parameter `$n` since the run started, on the database's clock (which
 * set started_at); null until a row has moved, since a rate of 0 would read as a stalled run.
 */
const rateSql = (n: number) => `CASE WHEN $${n}::bigint = 0 THEN NULL
  ELSE $${n}::bigint / GREATEST(EXTRACT(EPOCH FROM clock_timestamp() - started_at)::float8, 0.001) END`;

/** Writes the counts so far and the rate; answers the row (with cancelRequested). */
async function recordProgress(client: pg.Client, runId: number, counts: RunCounts): Promise<ArchivalRunRecord> {
  const { rows } = await client.query<ArchivalRunRow>(
    `UPDATE archival_runs SET messages = $2, posts = $3, comments = $4, likes = $5, stock_prices = $6,
       rows_per_second = ${rateSql(7)} WHERE id = $1 RETURNING *`,
    [runId, ...countValues(counts), total(counts)],
  );
  return toRecord(rows[0]);
}

/** Ends the run with its outcome, counts and overall rate. */
async function finishRun(
  client: pg.Client,
  runId: number,
  status: Exclude<RunStatus, 'RUNNING'>,
  counts: RunCounts,
  error: string | null,
): Promise<ArchivalRunRecord> {
  const { rows } = await client.query<ArchivalRunRow>(
    `UPDATE archival_runs SET status = $2, finished_at = now(), error = $3,
       messages = $4, posts = $5, comments = $6, likes = $7, stock_prices = $8, rows_per_second = ${rateSql(9)}
     WHERE id = $1 RETURNING *`,
    [runId, status, error, ...countValues(counts), total(counts)],
  );
  return toRecord(rows[0]);
}

const countValues = (c: RunCounts) => [c.messages, c.posts, c.comments, c.likes, c.stockPrices];
const total = (c: RunCounts) => c.messages + c.posts + c.comments + c.likes + c.stockPrices;

/** A row of archival_runs as node-postgres returns it (timestamps as Date, DOUBLE PRECISION as number). */
export interface ArchivalRunRow {
  readonly id: number;
  readonly kind: ArchivalRunRecord['kind'];
  readonly status: RunStatus;
  readonly dry_run: boolean;
  readonly cutoff: Date;
  readonly restore_to: Date | null;
  readonly started_at: Date;
  readonly finished_at: Date | null;
  readonly error: string | null;
  readonly messages: number;
  readonly posts: number;
  readonly comments: number;
  readonly likes: number;
  readonly stock_prices: number;
  readonly rows_per_second: number | null;
  readonly rows_to_move: number | null;
  readonly cancel_requested: boolean;
}

export function toRecord(row: ArchivalRunRow): ArchivalRunRecord {
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
    rowsPerSecond: row.rows_per_second,
    rowsToMove: row.rows_to_move,
    cancelRequested: row.cancel_requested,
  };
}
