/**
 * Restore, the seed's rollback plan: moves the rows of a date range back from the cold store
 * to the hot store, with archival's guarantees in the other direction.
 *
 * - Same lock as archival: never concurrent with a run or another restore.
 * - The restore is recorded first (kind RESTORE), in the cold store, before it copies a row;
 *   its bounds are published (hotFrom lowered to the range's start) before it copies too. Each
 *   batch leaves cold as soon as its hot copy committed, without a delay: a reader whose cold
 *   statement finds this restore newer than the bounds it decided by (`restoredThrough`,
 *   bounds.ts) reads its hot window again, where a row gone from cold already is.
 * - Batch by batch (at most MAX_BATCH_SIZE rows by ascending original_id; the comments and
 *   likes of a batch of posts in pages of the same size): a batch is journalled in cold
 *   (in-flight.ts), written to hot with its own ids (an id already there is the only conflict
 *   skipped; any other unique conflict fails the run before that batch leaves cold), then
 *   deleted from cold, subtracting the daily activity of exactly the rows each delete removed.
 *   A price leaves cold only if its values are still the ones copied (recordStockPrices may
 *   update a cold price); messages, posts, comments and likes never change once written.
 * - Pipelined, in order: while a batch is copied to hot, the next is read from cold on the
 *   run's connection and earlier batches are deleted from cold on a connection of their own
 *   (restore-deletes.ts). A delete is queued only after its batch's hot copy committed.
 * - Memory: the batch being copied, the one read ahead and at most two queued deletes (and of
 *   a batch of posts, its comments and likes a page at a time), whatever the range. Nothing is
 *   kept across batches, so a crash or a failure at any point, then a rerun, ends with every
 *   row of the range in hot only, counted once: the journal's rows are settled (their cold
 *   copies deleted), the rerun finds the rows still cold, skips their ids already in hot, and
 *   deletes them from cold.
 *
 * Archival moves old rows again on its next run: pause it (ARCHIVAL_SCHEDULE, cron) while the
 * platform runs on the hot store alone.
 */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';
import type { HotClient, HotEngine } from '../stores/hot/index.js';
import type { SqlReader } from '../stores/sql/reader.js';
import type { ArchiveBounds } from './bounds.js';
import { MAX_BATCH_SIZE, type Dataset } from './job.js';
import {
  RunCancelledError,
  withRecordedRun,
  type ArchivalRunRecord,
  type RunControl,
  type RunHooks,
} from './recorded-run.js';
import { finishInFlight, recordInFlight, withJournalDelete } from './in-flight.js';
import { ColdDeletes } from './restore-deletes.js';
import { coldColumns, coldDelete, coldTable, copyToHot, type ColdRow } from './restore-writes.js';

export type RestorePoint = 'afterHotCopy' | 'afterColdDelete';

export interface RestoreOptions {
  /** Inclusive UTC days, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  readonly fault?: (point: RestorePoint, dataset: Dataset) => void | Promise<void>;
}

export interface RestoreDeps {
  readonly hot: HotClient;
  /** Rows keep their ids on the way back, which SQL Server takes only through IDENTITY_INSERT. */
  readonly hotEngine: HotEngine;
  /** The hot store's driver adapter, for the bulk writes on PostgreSQL (insertWithIds). */
  readonly hotSql: SqlReader;
  readonly cold: StoreConfig;
  readonly bounds: ArchiveBounds;
  readonly hooks?: RunHooks;
}

const DAY_MS = 86_400_000;

export async function runRestore(deps: RestoreDeps, options: RestoreOptions): Promise<ArchivalRunRecord> {
  const start = new Date(`${options.from}T00:00:00.000Z`);
  const end = new Date(new Date(`${options.to}T00:00:00.000Z`).getTime() + DAY_MS);
  return withRecordedRun(
    deps,
    { kind: 'RESTORE', dryRun: false, cutoff: start, restoreTo: end },
    async (client, counts, control) => {
      const deletes = await ColdDeletes.open(deps.cold, counts, (dataset) =>
        options.fault?.('afterColdDelete', dataset),
      );
      const restorer = new Restorer(
        { client: deps.hot, sql: deps.hotSql },
        deps.hotEngine,
        client,
        start,
        end,
        options,
        deletes,
        control,
      );
      try {
        await control.checkpoint();
        await restorer.moveAll();
        await deletes.drain();
      } catch (error) {
        // Failed: no delete may still run while the batches copied but still cold are
        // finished now (in-flight.ts), not at the next start.
        const settle = async () => {
          await deletes.stop();
          await finishInFlight(deps.hot, client, { runIds: [control.runId] }).catch(() => undefined);
        };
        // Stopped at a checkpoint (CANCELLED): the batches copied so far leave cold first, so
        // that every row is in exactly one store; a delete failing then fails the run.
        if (error instanceof RunCancelledError)
          await deletes.drain().catch(async (drainError: unknown) => {
            await settle();
            throw drainError;
          });
        else await settle();
        throw error;
      } finally {
        await deletes.close();
      }
      await client.query('DELETE FROM user_activity WHERE count <= 0');
    },
  );
}

/** Walks the range in cold, batch by batch, copying each to hot and handing its delete on. */
class Restorer {
  constructor(
    private readonly hot: { readonly client: HotClient; readonly sql: SqlReader },
    private readonly hotEngine: HotEngine,
    private readonly cold: pg.Client,
    private readonly start: Date,
    private readonly end: Date,
    private readonly options: RestoreOptions,
    private readonly deletes: ColdDeletes,
    private readonly control: RunControl,
  ) {}

  async moveAll(): Promise<void> {
    const range = 'created_at >= $1 AND created_at < $2';
    const bounds = [this.start, this.end];
    // Posts first with every comment and like they have (paged); then comments and likes of the
    // range on posts that are hot already; then messages and prices.
    await this.walk('posts', range, bounds, async (posts, journal) => {
      await this.copy('posts', posts);
      const postIds = posts.map((p) => p.original_id);
      for (const dataset of ['comments', 'likes'] as const)
        await this.walk(dataset, 'post_id = ANY($1)', [postIds], (rows, page) => this.copy(dataset, rows, page), false);
      await this.deletes.add('posts', withJournalDelete(coldDelete('posts', posts), journal));
    });
    for (const dataset of ['comments', 'likes', 'messages'] as const)
      await this.walk(dataset, range, bounds, (rows, journal) => this.copy(dataset, rows, journal));
    await this.walk(
      'stockPrices',
      'trade_date >= $1::date AND trade_date <= $2::date',
      [this.options.from, this.options.to],
      (rows, journal) => this.copy('stockPrices', rows, journal),
    );
  }

  /**
   * Cold rows of `dataset` matching `where` (its parameters `params`) by ascending original_id,
   * at most MAX_BATCH_SIZE at a time, only the columns a copy writes (restore-writes.ts). Each
   * batch is journalled in cold (in-flight.ts) before `move` sees it; the next batch is read
   * while `move` copies this one. At most two batches are held, and only the last id read is
   * kept between them.
   */
  private async walk(
    dataset: Dataset,
    where: string,
    params: unknown[],
    move: (rows: ColdRow[], journal: string) => Promise<unknown>,
    /** Each batch ends at a checkpoint (progress written, a cancel honoured); not for a post's children. */
    checkpoints = true,
  ): Promise<void> {
    const sql = `SELECT ${coldColumns(dataset)} FROM ${coldTable(dataset)} WHERE ${where}
      AND original_id > $${params.length + 1} ORDER BY original_id LIMIT ${MAX_BATCH_SIZE}`;
    const read = (afterId: number) => this.cold.query<ColdRow>(sql, [...params, afterId]).then((r) => r.rows);
    let next = read(0);
    for (;;) {
      const rows = await next;
      if (rows.length === 0) return;
      const ids = rows.map((r) => r.original_id);
      const journal = await recordInFlight(this.cold, this.control.runId, dataset, ids);
      // Read after the journal row on the same connection, so that it overlaps the hot copy. A
      // batch shorter than the limit is the last: nothing to read ahead.
      next = rows.length < MAX_BATCH_SIZE ? Promise.resolve([]) : read(ids[ids.length - 1]);
      try {
        await move(rows, journal);
        if (checkpoints) await this.control.checkpoint();
      } catch (error) {
        // The read ahead ends with the walk: its own failure no longer matters.
        await next.catch(() => undefined);
        throw error;
      }
    }
  }

  /**
   * A journalled batch written to hot (committed), then its cold delete queued, which deletes
   * its journal row too; a batch of posts leaves cold after its comments and likes (moveAll).
   */
  private async copy(dataset: Dataset, rows: ColdRow[], journal?: string): Promise<void> {
    await copyToHot(this.hot, this.hotEngine, dataset, rows);
    await this.options.fault?.('afterHotCopy', dataset);
    if (journal) await this.deletes.add(dataset, withJournalDelete(coldDelete(dataset, rows), journal));
  }
}
