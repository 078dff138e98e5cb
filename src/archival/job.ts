/**
 * The archival job: moves rows older than a cutoff from the hot store to the cold store,
 * independent of GraphQL (the mutation, the schedule and tests call it).
 *
 * Contract (README.md, "Writes and archival"):
 * - One run at a time across every gateway process: a session advisory lock held for the whole
 *   run on a dedicated cold connection; a second caller gets ARCHIVAL_IN_PROGRESS.
 * - The cutoff is fixed once, in UTC, when the run is recorded (status RUNNING). Recording it
 *   raises the cold bound readers use to skip the cold store, published to hot before the
 *   first copy (bounds.ts). Deletes need no delay after it: a reader decides whether to read
 *   cold by the bounds read in the same statement as its hot page, so a hot page read before
 *   a delete still holds the row, and one read after it also sees the raised bound.
 * - Per batch (at most 1000 rows per statement): read the rows from hot, copy them to cold
 *   idempotently (unique original_id; a row already there is skipped) with the daily activity
 *   of exactly the rows inserted, commit cold, then delete from hot exactly those ids that
 *   are still older than the cutoff. Nothing leaves hot before it is committed in cold; a
 *   crash anywhere, then a rerun, leaves every row in exactly one store, counted once.
 * - The cold transaction of a batch also writes its row in the journal of batches in flight
 *   (in-flight.ts), dropped once its hot delete committed: after a crash the next start
 *   settles what was left in both stores before any rerun, and a run settles its own rows at
 *   its end (a price updated between its copy and its delete keeps only its hot copy).
 * - Memory holds one batch of rows and the ids of at most MAX_PENDING_DELETES committed
 *   batches waiting for their hot delete, however many rows move; the comments and likes of a
 *   batch of posts move one page at a time.
 * - Only a conflict on original_id is skipped (cold-writes.ts); a price leaves hot only if
 *   unchanged since it was copied; messages, posts, comments and likes never change once written.
 */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';
import type { HotClient, HotModels } from '../stores/hot/index.js';
import type { SqlReader } from '../stores/sql/reader.js';
import { hotTables, type Table } from '../stores/sql/tables.js';
import { utcDay, type ArchiveBounds } from './bounds.js';
import {
  copyComments,
  copyLikes,
  copyMessages,
  copyPosts,
  copyPrices,
  recordActivity,
  type Action,
} from './cold-writes.js';
import { hotPriceDelete } from './hot-price-deletes.js';
import { clearInFlight, finishInFlight, recordInFlight } from './in-flight.js';
import {
  withRecordedRun,
  type ArchivalRunRecord,
  type RunControl,
  type RunCounts,
  type RunHooks,
} from './recorded-run.js';

export type { ArchivalRunRecord, RunCounts } from './recorded-run.js';

/** SQL Server accepts 2100 parameters per statement; batches and IN lists stay at 1000. */
export const MAX_BATCH_SIZE = 1000;
/** Committed batches whose hot delete may wait at once (their ids are all they hold). */
const MAX_PENDING_DELETES = 64;
const DAY_MS = 86_400_000;

export type Dataset = keyof RunCounts;

/** Where a test may inject a crash. */
export type FaultPoint = 'afterRead' | 'afterColdInsert' | 'afterColdCommit' | 'afterHotDelete' | 'betweenBatches';

export interface ArchivalOptions {
  /** Rows created (or traded) before now minus this many days move. */
  readonly olderThanDays: number;
  /** Count what would move; move nothing. */
  readonly dryRun: boolean;
  readonly batchSize?: number;
  readonly now?: () => Date;
  readonly fault?: (point: FaultPoint, dataset: Dataset) => void | Promise<void>;
  readonly onProgress?: (counts: Readonly<RunCounts>) => void;
}

export interface ArchivalDeps {
  readonly hot: HotClient;
  /** Batches are read through the hot store's SQL reader: one JSON value per 1000 rows. */
  readonly hotSql: SqlReader;
  /** The cold store; the job opens its own connection there (it holds the lock). */
  readonly cold: StoreConfig;
  readonly bounds: ArchiveBounds;
  /** Who watches the run: its id once recorded, each checkpoint. */
  readonly hooks?: RunHooks;
}

export async function runArchival(deps: ArchivalDeps, options: ArchivalOptions): Promise<ArchivalRunRecord> {
  const batchSize = Math.min(options.batchSize ?? MAX_BATCH_SIZE, MAX_BATCH_SIZE);
  const cutoff = new Date((options.now?.() ?? new Date()).getTime() - options.olderThanDays * DAY_MS);
  return withRecordedRun(deps, { kind: 'ARCHIVE', dryRun: options.dryRun, cutoff }, async (client, counts, control) => {
    if (options.dryRun) {
      Object.assign(counts, await countMovable(deps.hot, client, cutoff));
      return;
    }
    const mover = new Mover(deps.hot, deps.hotSql, client, cutoff, batchSize, counts, options, control);
    // Then the run's own batches still in the journal (a price updated between its copy and its
    // hot delete, or, when the run stops, batches whose hot delete never ran): each row in
    // both stores keeps its hot copy (in-flight.ts), so counts are exact when the run ends.
    const settle = () => finishInFlight(deps.hot, client, { runIds: [control.runId] });
    try {
      await mover.moveAll();
    } catch (error) {
      await settle().catch(() => undefined);
      throw error;
    }
    await settle();
    if (Object.values(counts).some((n) => n > 0)) {
      await client.query(
        'ANALYZE messages_archive, posts_archive, comments_archive, post_likes_archive, stock_prices_history, user_activity',
      );
    }
  });
}

/** Trade dates move when they fall before the cutoff's UTC day. */
export function priceCutoff(cutoff: Date): Date {
  return new Date(`${utcDay(cutoff)}T00:00:00.000Z`);
}

class Mover {
  private readonly archivedAt = new Date();
  /** Journal rows of batches whose hot delete committed: deleted with the next journal insert. */
  private readonly done: string[] = [];

  constructor(
    private readonly hot: HotClient,
    private readonly hotSql: SqlReader,
    private readonly cold: pg.Client,
    private readonly cutoff: Date,
    private readonly batchSize: number,
    private readonly counts: RunCounts,
    private readonly options: ArchivalOptions,
    private readonly control: RunControl,
  ) {}

  async moveAll(): Promise<void> {
    // Posts first, with every comment and like they have; then the comments and likes written
    // later on posts that are already cold; then messages and prices.
    await this.batches('posts', this.reader(hotTables.posts, 'createdAt', this.cutoff), (rows) => this.movePosts(rows));
    await this.batches('comments', this.reader(hotTables.comments, 'createdAt', this.cutoff), (rows) =>
      this.moveOrphans('comments', rows),
    );
    await this.batches('likes', this.reader(hotTables.likes, 'createdAt', this.cutoff), (rows) =>
      this.moveOrphans('likes', rows),
    );
    await this.batches('messages', this.reader(hotTables.messages, 'createdAt', this.cutoff), (rows) =>
      this.moveMessages(rows),
    );
    await this.batches('stockPrices', this.reader(hotTables.prices, 'tradeDate', priceCutoff(this.cutoff)), (rows) =>
      this.movePrices(rows),
    );
  }

  /** The next batch of rows older than `before` (by `field`), by ascending id after `afterId`. */
  private reader<Row>(table: Table<Row>, field: keyof Row & string, before: Date): (afterId: number) => Promise<Row[]> {
    return (afterId) =>
      this.hotSql.rows<Row>({
        table,
        where: [
          { field, op: '<', value: before },
          { field: 'id', op: '>', value: afterId },
        ],
        order: { key: 'id', id: 'id', direction: 'asc' },
        take: this.batchSize,
      });
  }

  /**
   * Walks a dataset by ascending id, one batch at a time: the next batch is read from hot
   * while this one is copied to cold, and the hot deletes of committed batches run in order
   * behind them. A batch is never deleted before its own cold commit: `move` commits first and
   * returns its delete. At most MAX_PENDING_DELETES batches (their ids only) wait; a failed delete stops the walk.
   */
  private async batches<T extends { id: number }>(
    dataset: Dataset,
    read: (afterId: number) => Promise<T[]>,
    move: (rows: T[]) => Promise<() => Promise<void>>,
  ): Promise<void> {
    let deleting: Promise<void> = Promise.resolve();
    let pending = 0;
    // The first delete failure, kept in a list so that even a falsy rejection value counts.
    const deleteFailures: unknown[] = [];
    let next = read(0);
    try {
      for (;;) {
        if (deleteFailures.length > 0) throw deleteFailures[0];
        const rows = await next;
        if (rows.length === 0) break;
        next = read(rows[rows.length - 1].id);
        next.catch(() => undefined); // awaited on the next turn; not unhandled if we stop first
        await this.fault('afterRead', dataset);
        const remove = await move(rows);
        pending += 1;
        deleting = deleting
          .then(async () => {
            if (deleteFailures.length > 0) return;
            await remove();
            await this.fault('afterHotDelete', dataset);
          })
          .catch((error: unknown) => void deleteFailures.push(error))
          .finally(() => void (pending -= 1));
        if (pending >= MAX_PENDING_DELETES) await deleting;
        await this.recordProgress();
        await this.fault('betweenBatches', dataset);
      }
    } finally {
      await deleting;
      // A row left here is harmless: its ids are gone from hot, so finishing it changes nothing.
      await clearInFlight(this.cold, this.done.splice(0)).catch(() => undefined);
    }
    if (deleteFailures.length > 0) throw deleteFailures[0];
    await this.recordProgress();
  }

  /**
   * Progress in the run's row after every batch (one cold UPDATE per up to 1000 rows) and at
   * the end of each dataset; a cancel request found there is thrown, and `batches` then waits
   * for the deletes of every batch already committed in cold: the run stops with every row in
   * exactly one store.
   */
  private async recordProgress(): Promise<void> {
    await this.control.checkpoint();
    this.options.onProgress?.({ ...this.counts });
  }

  private async moveMessages(rows: HotModels.MessageModel[]): Promise<() => Promise<void>> {
    const ids = rows.map((r) => r.id);
    const journal = await this.inColdTransaction('messages', ids, (done) =>
      copyMessages(this.cold, rows, this.archivedAt, { runId: this.control.runId, done }),
    );
    return async () => {
      const { count } = await this.hot.message.deleteMany({
        where: { id: { in: ids }, createdAt: { lt: this.cutoff } },
      });
      this.counts.messages += count;
      this.done.push(journal);
    };
  }

  /**
   * A batch of posts: the posts are copied first, then their comments and likes page by page
   * (at most `batchSize` each, by ascending id), each page committed in cold and then deleted
   * from hot before the next is read, so a post with a million likes holds one page at a time.
   * The posts leave hot last, behind the delete queue: a post found in hot still lists its
   * comments and likes wherever they are.
   */
  private async movePosts(posts: HotModels.PostModel[]): Promise<() => Promise<void>> {
    const postIds = posts.map((p) => p.id);
    const journal = await this.inColdTransaction('posts', postIds, async () => {
      await recordActivity(this.cold, await copyPosts(this.cold, posts, this.archivedAt));
    });
    await this.moveChildren(
      'likes',
      hotTables.likes,
      postIds,
      (rows) => copyLikes(this.cold, rows, this.archivedAt),
      (ids) => this.hot.postLike.deleteMany({ where: { id: { in: ids } } }),
    );
    await this.moveChildren(
      'comments',
      hotTables.comments,
      postIds,
      (rows) => copyComments(this.cold, rows, this.archivedAt),
      (ids) => this.hot.comment.deleteMany({ where: { id: { in: ids } } }),
    );
    return async () => {
      const { count } = await this.hot.post.deleteMany({
        where: { id: { in: postIds }, createdAt: { lt: this.cutoff } },
      });
      this.counts.posts += count;
      this.done.push(journal);
    };
  }

  /**
   * Every child (comment or like) of `postIds`, one page at a time: copied with its activity in
   * one cold transaction, then deleted from hot by id. Comments and likes never change once
   * written, so their id is all a delete needs to match the copy.
   */
  private async moveChildren<Row extends { id: number }>(
    dataset: 'comments' | 'likes',
    table: Table<Row>,
    postIds: number[],
    copy: (rows: Row[]) => Promise<Action[]>,
    remove: (ids: number[]) => Promise<{ count: number }>,
  ): Promise<void> {
    for (let afterId = 0; ;) {
      const rows = await this.hotSql.rows<Row>({
        table,
        where: [
          { field: 'postId', op: 'in', values: postIds },
          { field: 'id', op: '>', value: afterId },
        ],
        order: { key: 'id', id: 'id', direction: 'asc' },
        take: this.batchSize,
      });
      if (rows.length === 0) return;
      afterId = rows[rows.length - 1].id;
      const ids = rows.map((r) => r.id);
      const journal = await this.inColdTransaction(dataset, ids, async () =>
        recordActivity(this.cold, await copy(rows)),
      );
      this.counts[dataset] += (await remove(ids)).count;
      this.done.push(journal);
      await this.fault('afterHotDelete', dataset);
    }
  }

  /** Comments and likes older than the cutoff whose post is already cold. */
  private async moveOrphans(
    dataset: 'comments' | 'likes',
    rows: (HotModels.CommentModel | HotModels.PostLikeModel)[],
  ): Promise<() => Promise<void>> {
    const { rows: cold } = await this.cold.query<{ id: number }>(
      'SELECT original_id AS id FROM posts_archive WHERE original_id = ANY($1)',
      [[...new Set(rows.map((r) => r.postId))]],
    );
    const coldPosts = new Set(cold.map((r) => r.id));
    const movable = rows.filter((r) => coldPosts.has(r.postId));
    if (movable.length === 0) return async () => undefined;
    const ids = movable.map((r) => r.id);
    const journal = await this.inColdTransaction(dataset, ids, async () => {
      const actions =
        dataset === 'comments'
          ? await copyComments(this.cold, movable as HotModels.CommentModel[], this.archivedAt)
          : await copyLikes(this.cold, movable as HotModels.PostLikeModel[], this.archivedAt);
      await recordActivity(this.cold, actions);
    });
    return async () => {
      const { count } =
        dataset === 'comments'
          ? await this.hot.comment.deleteMany({ where: { id: { in: ids }, createdAt: { lt: this.cutoff } } })
          : await this.hot.postLike.deleteMany({ where: { id: { in: ids }, createdAt: { lt: this.cutoff } } });
      this.counts[dataset] += count;
      this.done.push(journal);
    };
  }

  /**
   * Prices are the rows that change (recordStockPrices updates them in place): a hot price is
   * deleted only if every value still equals the copy, so an update between copy and delete
   * keeps the row hot for the next run. The delete is one statement built now
   * (hot-price-deletes.ts): a batch waiting in the delete queue holds its values as text.
   */
  private async movePrices(rows: HotModels.StockPriceModel[]): Promise<() => Promise<void>> {
    const journal = await this.inColdTransaction(
      'stockPrices',
      rows.map((r) => r.id),
      async () => void (await copyPrices(this.cold, rows, this.archivedAt)),
    );
    const remove = hotPriceDelete(this.hotSql.dialect, rows, utcDay(this.cutoff));
    const copied = rows.length;
    return async () => {
      const deleted = await this.hotSql.execute(remove);
      this.counts.stockPrices += deleted;
      // A price updated since its copy is still in both stores: its journal row stays, for the
      // run's end to settle (runArchival).
      if (deleted === copied) this.done.push(journal);
    };
  }

  /**
   * Copies a batch in one cold transaction together with its journal row (in-flight.ts),
   * which also deletes the rows of batches finished since (`done`); answers the batch's journal
   * row. `work` may write the row itself (messages: in the copy's statement) and answer it.
   */
  private async inColdTransaction(
    dataset: Dataset,
    ids: number[],
    work: (done: string[]) => Promise<string | undefined | void>,
  ): Promise<string> {
    let journal: string;
    await this.cold.query('BEGIN');
    try {
      const done = this.done.splice(0);
      journal = (await work(done)) || (await recordInFlight(this.cold, this.control.runId, dataset, ids, done));
      await this.fault('afterColdInsert', dataset);
      await this.cold.query('COMMIT');
    } catch (error) {
      await this.cold.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
    await this.fault('afterColdCommit', dataset);
    return journal;
  }

  private async fault(point: FaultPoint, dataset: Dataset): Promise<void> {
    await this.options.fault?.(point, dataset);
  }
}

/** What a run would move now, without moving anything. */
async function countMovable(hot: HotClient, cold: pg.Client, cutoff: Date): Promise<RunCounts> {
  const old = { createdAt: { lt: cutoff } };
  const [messages, posts, oldComments, oldLikes, stockPrices] = await Promise.all([
    hot.message.count({ where: old }),
    hot.post.count({ where: old }),
    hot.comment.findMany({ where: old, select: { postId: true } }),
    hot.postLike.findMany({ where: old, select: { postId: true } }),
    hot.stockPrice.count({ where: { tradeDate: { lt: priceCutoff(cutoff) } } }),
  ]);
  // Old comments and likes move when their post is old (it moves too) or already cold; newer
  // ones move with an old post.
  const oldPostIds = (await hot.post.findMany({ where: old, select: { id: true } })).map((p) => p.id);
  let comments = 0;
  let likes = 0;
  for (let start = 0; start < oldPostIds.length; start += MAX_BATCH_SIZE) {
    const batch = oldPostIds.slice(start, start + MAX_BATCH_SIZE);
    comments += await hot.comment.count({ where: { postId: { in: batch }, createdAt: { gte: cutoff } } });
    likes += await hot.postLike.count({ where: { postId: { in: batch }, createdAt: { gte: cutoff } } });
  }
  const parentIds = [...new Set([...oldComments, ...oldLikes].map((r) => r.postId))];
  const { rows } = await cold.query<{ id: number }>(
    'SELECT original_id AS id FROM posts_archive WHERE original_id = ANY($1)',
    [parentIds],
  );
  const movableParents = new Set([...oldPostIds, ...rows.map((r) => r.id)]);
  comments += oldComments.filter((c) => movableParents.has(c.postId)).length;
  likes += oldLikes.filter((l) => movableParents.has(l.postId)).length;
  return { messages, posts, comments, likes, stockPrices };
}
