/**
 * Restore, the seed's rollback plan: moves the rows of a date range back from the cold store
 * to the hot store, with archival's guarantees in the other direction.
 *
 * - Same lock as archival: never concurrent with a run or another restore.
 * - The restore is recorded first (kind RESTORE); from then on readers stop skipping the hot
 *   store for old ranges (bounds.ts), and no cold row is deleted until every process has seen
 *   that (the same ARCHIVAL_DELETE_DELAY_MS), and until that long after its hot copy
 *   committed, so a reader that read hot before the copy reads cold before the delete.
 * - Phase one copies every row of the range to hot with its own id (ids already there are
 *   skipped); phase two deletes exactly those ids from cold and subtracts, from the rows each
 *   delete actually removed, their daily activity and their posts' counts. A crash anywhere,
 *   then a rerun, ends with every row of the range in hot only, counted once.
 *
 * Archival moves old rows again on its next run: pause it (ARCHIVAL_SCHEDULE, cron) while the
 * platform runs on the hot store alone.
 */
import type pg from 'pg';
import type { StoreConfig } from '../config.js';
import { insertWithIds, type HotClient, type HotEngine } from '../stores/hot/index.js';
import { ARCHIVAL_DELETE_DELAY_MS, type ArchiveBounds } from './bounds.js';
import { MAX_BATCH_SIZE, type Dataset } from './job.js';
import { withRecordedRun, type ArchivalRunRecord, type RunCounts, type RunHooks } from './recorded-run.js';

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
  readonly cold: StoreConfig;
  readonly bounds: ArchiveBounds;
  readonly hooks?: RunHooks;
}

const DAY_MS = 86_400_000;

export async function runRestore(deps: RestoreDeps, options: RestoreOptions): Promise<ArchivalRunRecord> {
  const start = new Date(`${options.from}T00:00:00.000Z`);
  const end = new Date(new Date(`${options.to}T00:00:00.000Z`).getTime() + DAY_MS);
  const delay = options.deleteDelayMs ?? ARCHIVAL_DELETE_DELAY_MS;
  return withRecordedRun(
    deps,
    { kind: 'RESTORE', dryRun: false, cutoff: start, restoreTo: end },
    async (client, counts, control) => {
      const restore = new Restorer(deps.hot, deps.hotEngine, client, start, end, options);
      // Copies and deletes are separate phases: a row copied and not yet deleted is in both
      // stores, so the one point this restore can stop at (CANCELLED) is before it copies.
      await control.checkpoint();
      await restore.copyAll();
      // Readers must have seen the restore, and anything read from hot before a copy must have
      // finished its cold read, before a cold row disappears.
      await sleep(Math.max(0, restore.startedAt + delay - Date.now(), restore.lastCopyAt + delay - Date.now()));
      await restore.deleteAll(counts, () => control.progress());
    },
  );
}

class Restorer {
  readonly startedAt = Date.now();
  lastCopyAt = 0;
  private readonly ids = {
    messages: new Set<number>(),
    posts: new Set<number>(),
    comments: new Set<number>(),
    likes: new Set<number>(),
    stockPrices: new Set<number>(),
  };

  constructor(
    private readonly hot: HotClient,
    private readonly hotEngine: HotEngine,
    private readonly cold: pg.Client,
    private readonly start: Date,
    private readonly end: Date,
    private readonly options: RestoreOptions,
  ) {}

  async copyAll(): Promise<void> {
    const range = 'created_at >= $1 AND created_at < $2';
    await this.walk('posts', `SELECT * FROM posts_archive WHERE ${range}`, async (posts) => {
      const postIds = posts.map((p) => p.original_id);
      const comments = (await this.cold.query(`SELECT * FROM comments_archive WHERE post_id = ANY($1)`, [postIds]))
        .rows;
      const likes = (await this.cold.query(`SELECT * FROM post_likes_archive WHERE post_id = ANY($1)`, [postIds])).rows;
      await this.copyPosts(posts);
      await this.copyComments(comments);
      await this.copyLikes(likes);
    });
    await this.walk('comments', `SELECT * FROM comments_archive WHERE ${range}`, (rows) => this.copyComments(rows));
    await this.walk('likes', `SELECT * FROM post_likes_archive WHERE ${range}`, (rows) => this.copyLikes(rows));
    await this.walk('messages', `SELECT * FROM messages_archive WHERE ${range}`, (rows) => this.copyMessages(rows));
    // Days as text both ways: node-postgres would read a DATE at local midnight.
    const days = [this.options.from, this.options.to];
    await this.walk(
      'stockPrices',
      `SELECT *, trade_date::text AS trade_day FROM stock_prices_history WHERE trade_date >= $1::date AND trade_date <= $2::date`,
      (rows) => this.copyPrices(rows),
      days,
    );
  }

  /** Cold rows matching `select` (bounds $1, $2) in batches by original_id. */
  private async walk(
    dataset: Dataset,
    select: string,
    copy: (rows: Record<string, any>[]) => Promise<void>,
    bounds: unknown[] = [this.start, this.end],
  ): Promise<void> {
    for (let afterId = 0; ;) {
      const { rows } = await this.cold.query(
        `${select} AND original_id > $3 ORDER BY original_id LIMIT ${MAX_BATCH_SIZE}`,
        [...bounds, afterId],
      );
      if (rows.length === 0) return;
      afterId = rows[rows.length - 1].original_id;
      await copy(rows);
      this.lastCopyAt = Date.now();
      await this.options.fault?.('afterHotCopy', dataset);
    }
  }

  /** Rows not yet in hot, and every id of the batch noted for phase two. */
  private async missing(
    dataset: Dataset,
    rows: Record<string, any>[],
    present: (ids: number[]) => Promise<{ id: number }[]>,
  ): Promise<Record<string, any>[]> {
    for (const row of rows) this.ids[dataset].add(row.original_id);
    if (rows.length === 0) return [];
    const there = new Set((await present(rows.map((r) => r.original_id))).map((r) => r.id));
    return rows.filter((r) => !there.has(r.original_id));
  }

  private async copyMessages(rows: Record<string, any>[]): Promise<void> {
    const add = await this.missing('messages', rows, (ids) =>
      this.hot.message.findMany({ where: { id: { in: ids } }, select: { id: true } }),
    );
    if (add.length === 0) return;
    await insertWithIds(
      this.hot,
      this.hotEngine,
      'messages',
      {
        columns: ['id', 'conversation_id', 'sender_id', 'content', 'created_at'],
        rows: add.map((r) => [r.original_id, r.conversation_id, r.sender_id, r.content, r.created_at]),
      },
      (hot) =>
        hot.message.createMany({
          data: add.map((r) => ({
            id: r.original_id,
            conversationId: r.conversation_id,
            senderId: r.sender_id,
            content: r.content,
            createdAt: r.created_at,
          })),
        }),
    );
  }

  private async copyPosts(rows: Record<string, any>[]): Promise<void> {
    const add = await this.missing('posts', rows, (ids) =>
      this.hot.post.findMany({ where: { id: { in: ids } }, select: { id: true } }),
    );
    if (add.length === 0) return;
    await insertWithIds(
      this.hot,
      this.hotEngine,
      'posts',
      {
        columns: ['id', 'author_id', 'title', 'body', 'created_at'],
        rows: add.map((r) => [r.original_id, r.author_id, r.title, r.body, r.created_at]),
      },
      (hot) =>
        hot.post.createMany({
          data: add.map((r) => ({
            id: r.original_id,
            authorId: r.author_id,
            title: r.title,
            body: r.body,
            createdAt: r.created_at,
          })),
        }),
    );
  }

  private async copyComments(rows: Record<string, any>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += MAX_BATCH_SIZE) {
      const chunk = rows.slice(i, i + MAX_BATCH_SIZE);
      const add = await this.missing('comments', chunk, (ids) =>
        this.hot.comment.findMany({ where: { id: { in: ids } }, select: { id: true } }),
      );
      if (add.length === 0) continue;
      await insertWithIds(
        this.hot,
        this.hotEngine,
        'comments',
        {
          columns: ['id', 'post_id', 'author_id', 'body', 'created_at'],
          rows: add.map((r) => [r.original_id, r.post_id, r.author_id, r.body, r.created_at]),
        },
        (hot) =>
          hot.comment.createMany({
            data: add.map((r) => ({
              id: r.original_id,
              postId: r.post_id,
              authorId: r.author_id,
              body: r.body,
              createdAt: r.created_at,
            })),
          }),
      );
    }
  }

  private async copyLikes(rows: Record<string, any>[]): Promise<void> {
    for (let i = 0; i < rows.length; i += MAX_BATCH_SIZE) {
      const chunk = rows.slice(i, i + MAX_BATCH_SIZE);
      const add = await this.missing('likes', chunk, (ids) =>
        this.hot.postLike.findMany({ where: { id: { in: ids } }, select: { id: true } }),
      );
      if (add.length === 0) continue;
      await insertWithIds(
        this.hot,
        this.hotEngine,
        'post_likes',
        {
          columns: ['id', 'post_id', 'user_id', 'created_at'],
          rows: add.map((r) => [r.original_id, r.post_id, r.user_id, r.created_at]),
        },
        (hot) =>
          hot.postLike.createMany({
            data: add.map((r) => ({
              id: r.original_id,
              postId: r.post_id,
              userId: r.user_id,
              createdAt: r.created_at,
            })),
          }),
      );
    }
  }

  private async copyPrices(rows: Record<string, any>[]): Promise<void> {
    const add = await this.missing('stockPrices', rows, (ids) =>
      this.hot.stockPrice.findMany({ where: { id: { in: ids } }, select: { id: true } }),
    );
    if (add.length === 0) return;
    const prices = add.map((r) => ({
      id: r.original_id as number,
      stockId: r.stock_id as number,
      tradeDate: new Date(`${r.trade_day}T00:00:00.000Z`),
      open: r.open,
      high: r.high,
      low: r.low,
      close: r.close,
      change: r.change,
      volume: r.volume === null ? null : BigInt(r.volume),
      turnover: r.turnover === null ? null : BigInt(r.turnover),
      transactionCount: r.transaction_count as number | null,
      createdAt: r.created_at as Date,
    }));
    await insertWithIds(
      this.hot,
      this.hotEngine,
      'stock_prices',
      {
        columns: [
          'id',
          'stock_id',
          'trade_date',
          'open',
          'high',
          'low',
          'close',
          'change',
          'volume',
          'turnover',
          'transaction_count',
          'created_at',
        ],
        rows: prices.map((p) => [
          p.id,
          p.stockId,
          p.tradeDate,
          p.open,
          p.high,
          p.low,
          p.close,
          p.change,
          p.volume,
          p.turnover,
          p.transactionCount,
          p.createdAt,
        ]),
      },
      (hot) => hot.stockPrice.createMany({ data: prices }),
    );
  }

  /** Phase two: each id copied leaves cold, taking its activity with it. */
  async deleteAll(counts: RunCounts, progress: () => Promise<void>): Promise<void> {
    const activity = (userColumn: string, type: string) => `
      , dec AS (SELECT ${userColumn} AS user_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n FROM gone GROUP BY 1, 2)
      , act AS (UPDATE user_activity u SET count = u.count - dec.n FROM dec WHERE u.user_id = dec.user_id AND u.activity_date = dec.day AND u.action_type = '${type}' RETURNING 1)
      SELECT count(*)::int AS n FROM gone`;
    const plans: [Dataset, string][] = [
      [
        'comments',
        `WITH gone AS (DELETE FROM comments_archive WHERE original_id = ANY($1) RETURNING post_id, author_id, created_at)${activity('author_id', 'COMMENT')}`,
      ],
      [
        'likes',
        `WITH gone AS (DELETE FROM post_likes_archive WHERE original_id = ANY($1) RETURNING post_id, user_id, created_at)${activity('user_id', 'LIKE')}`,
      ],
      [
        'posts',
        `WITH gone AS (DELETE FROM posts_archive WHERE original_id = ANY($1) RETURNING author_id, created_at)${activity('author_id', 'POST')}`,
      ],
      [
        'messages',
        `WITH gone AS (DELETE FROM messages_archive WHERE original_id = ANY($1) RETURNING sender_id, created_at)${activity('sender_id', 'MESSAGE')}`,
      ],
      [
        'stockPrices',
        `WITH gone AS (DELETE FROM stock_prices_history WHERE original_id = ANY($1) RETURNING 1) SELECT count(*)::int AS n FROM gone`,
      ],
    ];
    for (const [dataset, sql] of plans) {
      const ids = [...this.ids[dataset]];
      for (let i = 0; i < ids.length; i += MAX_BATCH_SIZE) {
        const { rows } = await this.cold.query<{ n: number }>(sql, [ids.slice(i, i + MAX_BATCH_SIZE)]);
        counts[dataset] += rows[0]?.n ?? 0;
        await progress();
        await this.options.fault?.('afterColdDelete', dataset);
      }
    }
    await this.cold.query('DELETE FROM user_activity WHERE count <= 0');
  }
}

function sleep(ms: number): Promise<void> {
  return ms > 0 ? new Promise((resolve) => setTimeout(resolve, ms)) : Promise.resolve();
}
