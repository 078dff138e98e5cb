/**
 * Restore, the seed's rollback plan: moves the rows of a date range back from the cold store
 * to the hot store, with archival's guarantees in the other direction.
 *
 * - Same lock as archival: never concurrent with a run or another restore.
 * - The restore is recorded first (kind RESTORE); from then on readers stop skipping the hot
 *   store for old ranges (bounds.ts), and no cold row is deleted until every process has seen
 *   that (RESTORE_DELETE_DELAY_MS), and until that long after its own hot copy committed, so a
 *   reader that read hot before the copy reads cold before the delete. This delay is the one
 *   timing assumption left on the read path: a reader cannot yet tell from what it read that
 *   a row moved from cold to hot between its two reads (archival's direction needs none).
 * - One batch at a time (at most MAX_BATCH_SIZE rows by ascending original_id; the comments and
 *   likes of a batch of posts in pages of the same size): the rows are written to hot with
 *   their own ids (an id already there is the only conflict skipped; any other unique conflict
 *   fails the run before that batch leaves cold), then, once the delay has passed for them,
 *   deleted from cold, subtracting the daily activity of exactly the rows each delete removed.
 *   A price leaves cold only if its values are still the ones copied (recordStockPrices may
 *   update a cold price); messages, posts, comments and likes never change once written.
 * - Memory: one batch of rows, and the ids (prices: the values) of at most MAX_PENDING_DELETES
 *   copied batches waiting for their cold delete, whatever the range. Nothing is kept across
 *   batches, so a crash or a failure at any point, then a rerun, ends with every row of the
 *   range in hot only, counted once: the rerun finds the rows still cold, skips their ids
 *   already in hot, and deletes them from cold.
 *
 * Archival moves old rows again on its next run: pause it (ARCHIVAL_SCHEDULE, cron) while the
 * platform runs on the hot store alone.
 */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';
import type { HotClient, HotEngine } from '../stores/hot/index.js';
import type { SqlReader } from '../stores/sql/reader.js';
import { RESTORE_DELETE_DELAY_MS, type ArchiveBounds } from './bounds.js';
import { MAX_BATCH_SIZE, type Dataset } from './job.js';
import {
  RunCancelledError,
  withRecordedRun,
  type ArchivalRunRecord,
  type RunControl,
  type RunHooks,
} from './recorded-run.js';
import { ColdDeletes } from './restore-deletes.js';
import { coldDelete, copyToHot, type ColdRow } from './restore-writes.js';

export type RestorePoint = 'afterHotCopy' | 'afterColdDelete';

export interface RestoreOptions {
  /** Inclusive UTC days, YYYY-MM-DD. */
  readonly from: string;
  readonly to: string;
  readonly deleteDelayMs?: number;
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
  const delay = options.deleteDelayMs ?? RESTORE_DELETE_DELAY_MS;
  return withRecordedRun(
    deps,
    { kind: 'RESTORE', dryRun: false, cutoff: start, restoreTo: end },
    async (client, counts, control) => {
      const deletes = new ColdDeletes(client, counts, delay, (dataset) => options.fault?.('afterColdDelete', dataset));
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
      await control.checkpoint();
      try {
        await restorer.moveAll();
      } catch (error) {
        // Stopped at a checkpoint (CANCELLED): the batches copied so far leave cold first, so
        // that every row is in exactly one store.
        if (error instanceof RunCancelledError) await deletes.drain();
        throw error;
      }
      await deletes.drain();
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
    await this.walk('posts', `SELECT * FROM posts_archive WHERE ${range}`, bounds, async (posts) => {
      await this.copy('posts', posts);
      const postIds = posts.map((p) => p.original_id);
      for (const [dataset, table] of [
        ['comments', 'comments_archive'],
        ['likes', 'post_likes_archive'],
      ] as const)
        await this.walk(
          dataset,
          `SELECT * FROM ${table} WHERE post_id = ANY($1)`,
          [postIds],
          (rows) => this.copy(dataset, rows),
          false,
        );
      await this.deletes.add('posts', coldDelete('posts', posts));
    });
    await this.walk('comments', `SELECT * FROM comments_archive WHERE ${range}`, bounds, (rows) =>
      this.copy('comments', rows),
    );
    await this.walk('likes', `SELECT * FROM post_likes_archive WHERE ${range}`, bounds, (rows) =>
      this.copy('likes', rows),
    );
    await this.walk('messages', `SELECT * FROM messages_archive WHERE ${range}`, bounds, (rows) =>
      this.copy('messages', rows),
    );
    await this.walk(
      'stockPrices',
      `SELECT *, trade_date::text AS trade_day FROM stock_prices_history WHERE trade_date >= $1::date AND trade_date <= $2::date`,
      [this.options.from, this.options.to],
      (rows) => this.copy('stockPrices', rows),
    );
  }

  /**
   * Cold rows matching `select` (its parameters `params`) by ascending original_id, at most
   * MAX_BATCH_SIZE at a time; only the last id read is kept between batches.
   */
  private async walk(
    dataset: Dataset,
    select: string,
    params: unknown[],
    move: (rows: ColdRow[]) => Promise<void>,
    /** Each batch ends at a checkpoint (progress written, a cancel honoured); not for a post's children. */
    checkpoints = true,
  ): Promise<void> {
    const after = `$${params.length + 1}`;
    for (let afterId = 0; ;) {
      const { rows } = await this.cold.query<ColdRow>(
        `${select} AND original_id > ${after} ORDER BY original_id LIMIT ${MAX_BATCH_SIZE}`,
        [...params, afterId],
      );
      if (rows.length === 0) return;
      afterId = rows[rows.length - 1].original_id;
      await move(rows);
      if (checkpoints) await this.control.checkpoint();
    }
  }

  /** A batch written to hot (committed), then its cold delete queued. */
  private async copy(dataset: Dataset, rows: ColdRow[]): Promise<void> {
    await copyToHot(this.hot, this.hotEngine, dataset, rows);
    await this.options.fault?.('afterHotCopy', dataset);
    if (dataset !== 'posts') await this.deletes.add(dataset, coldDelete(dataset, rows));
  }
}
