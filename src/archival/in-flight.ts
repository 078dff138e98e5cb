/**
 * The journal of batches in flight (cold table archival_in_flight): what makes counts exact
 * again after a crash, before any rerun (issue 11, item 6).
 *
 * - Archival inserts a batch's row in the cold transaction that copies the batch (job.ts; for
 *   messages in the copy's own statement, cold-writes.ts), so a batch is in cold only together
 *   with its row; the row goes once the batch's hot delete
 *   committed, batched into the journal insert of a later batch (no statement of its own) and
 *   flushed at the end of each dataset.
 * - A restore inserts a batch's row before it copies the batch to hot, and the statement that
 *   deletes the batch from cold deletes the row too (restore.ts).
 *
 * So every row present in both stores because a move stopped half-way is named by a journal
 * row of a run that is no longer running. `finishInFlight`, run with the archival lock held (a
 * gateway's start, a dead worker's cleanup, every run's start), settles each by finishing the
 * move in the run's own direction, never by undoing it:
 * - an archive's batch: the ids found in hot are deleted from hot (their cold copies are
 *   committed, with their activity). A price is the one row that changes: it leaves hot only
 *   while its values equal the cold copy; one updated since keeps its hot copy (the one
 *   written) and loses the stale cold one.
 * - a restore's batch: the cold copies of the ids found in hot are deleted, with the daily
 *   activity of exactly the rows deleted, as the restore's own cold delete does.
 * Finishing forward matters when the killed process left a statement behind: a SIGKILL ends the
 * client, not a statement the database is still running for it (one waiting for a row lock,
 * say). A hot delete of the batch that commits after the settling read hot then only repeats
 * what the settling did; undoing the batch (deleting its cold copies because the ids were still
 * hot) would have lost those rows. Every row ends in exactly one store; no row leaves the store
 * a reader finds it in before its copy is committed in the other, so no wait is needed. The hot
 * store is read and written through Prisma (so SQL Server too), at most 1000 ids a statement.
 */
import type pg from 'pg';
import type { HotClient } from '../stores/hot/index.js';

/** SQL Server accepts 2100 parameters a statement: id lists stay at 1000. */
const MAX_IDS = 1000;
/** A price delete matches 9 values a row: 200 rows stay under SQL Server's 2100 parameters. */
const PRICES_PER_DELETE = 200;

/** job.ts's Dataset (the keys of RunCounts), named here so that this module imports neither. */
type Dataset = 'messages' | 'posts' | 'comments' | 'likes' | 'stockPrices';

/** A journal row as the recovery reads it. */
interface InFlightRow {
  readonly id: string;
  readonly run_id: number;
  readonly dataset: Dataset;
  readonly ids: number[];
  /** The run's kind: the direction its batches move (null: the run's row is gone). */
  readonly kind: 'ARCHIVE' | 'RESTORE' | null;
}

/** What `finishInFlight` did: per run and dataset, the cold copies it deleted. */
export interface FinishedInFlight {
  readonly runId: number;
  readonly dataset: Dataset;
  /** Ids the journal named. */
  readonly ids: number;
  /** Of those found in both stores: the cold copies deleted (a restore's; an archive's changed prices). */
  readonly coldDeleted: number;
  /** Of those found in both stores: the hot copies deleted (an archive's). */
  readonly hotDeleted: number;
}

/**
 * A journal row for `ids`, inserted on `cold` (in the caller's transaction for archival);
 * `done` names rows of batches already finished, deleted in the same statement. Answers the
 * new row's id.
 */
export async function recordInFlight(
  cold: pg.ClientBase,
  runId: number,
  dataset: Dataset,
  ids: readonly number[],
  done: readonly string[] = [],
): Promise<string> {
  const { rows } = await cold.query<{ id: string }>(
    done.length === 0
      ? 'INSERT INTO archival_in_flight (run_id, dataset, ids) VALUES ($1, $2, $3) RETURNING id'
      : `WITH done AS (DELETE FROM archival_in_flight WHERE id = ANY($4::bigint[]))
         INSERT INTO archival_in_flight (run_id, dataset, ids) VALUES ($1, $2, $3) RETURNING id`,
    done.length === 0 ? [runId, dataset, ids] : [runId, dataset, ids, done],
  );
  return rows[0].id;
}

/** Deletes finished journal rows. */
export async function clearInFlight(cold: pg.ClientBase, done: readonly string[]): Promise<void> {
  if (done.length > 0) await cold.query('DELETE FROM archival_in_flight WHERE id = ANY($1::bigint[])', [done]);
}

/**
 * A cold delete statement (its first CTE `WITH x AS (...)`) that also deletes journal row
 * `journalId`, so a restore's batch leaves cold and the journal at once.
 */
export function withJournalDelete<T extends { readonly sql: string; readonly params: unknown[] }>(
  statement: T,
  journalId: string,
): T {
  const n = statement.params.length + 1;
  if (!statement.sql.startsWith('WITH ')) throw new Error('a journalled cold delete starts with WITH');
  return {
    ...statement,
    sql: `WITH journal AS (DELETE FROM archival_in_flight WHERE id = $${n}::bigint), ${statement.sql.slice(5)}`,
    params: [...statement.params, journalId],
  };
}

/** Deletes cold copies by original_id with the daily activity of the rows deleted. */
const COLD_DELETE: Record<Dataset, string> = {
  messages: activityDelete('messages_archive', 'sender_id', 'MESSAGE'),
  posts: activityDelete('posts_archive', 'author_id', 'POST'),
  comments: activityDelete('comments_archive', 'author_id', 'COMMENT'),
  likes: activityDelete('post_likes_archive', 'user_id', 'LIKE'),
  stockPrices: `WITH gone AS (DELETE FROM stock_prices_history WHERE original_id = ANY($1) RETURNING 1)
    SELECT count(*)::int AS n FROM gone`,
};

function activityDelete(table: string, userColumn: string, type: string): string {
  return `WITH gone AS (DELETE FROM ${table} WHERE original_id = ANY($1) RETURNING ${userColumn} AS user_id, created_at)
    , dec AS (SELECT user_id, (created_at AT TIME ZONE 'UTC')::date AS day, count(*)::int AS n FROM gone GROUP BY 1, 2)
    , act AS (UPDATE user_activity u SET count = u.count - dec.n FROM dec
        WHERE u.user_id = dec.user_id AND u.activity_date = dec.day AND u.action_type = '${type}' RETURNING 1)
    SELECT count(*)::int AS n FROM gone`;
}

/** Of `ids`, those the hot store holds (at most 1000 per statement). */
async function inHot(hot: HotClient, dataset: Dataset, ids: readonly number[]): Promise<number[]> {
  const found: number[] = [];
  for (let start = 0; start < ids.length; start += MAX_IDS) {
    const where = { where: { id: { in: ids.slice(start, start + MAX_IDS) } }, select: { id: true } } as const;
    const rows =
      dataset === 'messages'
        ? await hot.message.findMany(where)
        : dataset === 'posts'
          ? await hot.post.findMany(where)
          : dataset === 'comments'
            ? await hot.comment.findMany(where)
            : dataset === 'likes'
              ? await hot.postLike.findMany(where)
              : await hot.stockPrice.findMany(where);
    found.push(...rows.map((r) => r.id));
  }
  return found;
}

/** Deletes `ids` of a dataset other than prices from hot (at most 1000 per statement). */
async function deleteHot(hot: HotClient, dataset: Exclude<Dataset, 'stockPrices'>, ids: readonly number[]) {
  let deleted = 0;
  for (let start = 0; start < ids.length; start += MAX_IDS) {
    const where = { where: { id: { in: ids.slice(start, start + MAX_IDS) } } };
    const { count } =
      dataset === 'messages'
        ? await hot.message.deleteMany(where)
        : dataset === 'posts'
          ? await hot.post.deleteMany(where)
          : dataset === 'comments'
            ? await hot.comment.deleteMany(where)
            : await hot.postLike.deleteMany(where);
    deleted += count;
  }
  return deleted;
}

interface ColdPrice {
  readonly id: number;
  readonly open: string | null;
  readonly high: string | null;
  readonly low: string | null;
  readonly close: string | null;
  readonly change: string | null;
  readonly volume: string | null;
  readonly turnover: string | null;
  readonly transaction_count: number | null;
}

/**
 * An archive's prices found in both stores: deleted from hot while every value equals the cold
 * copy (PRICES_PER_DELETE a statement: 9 parameters a row under SQL Server's 2100), then the
 * cold copies of those still hot (updated since their copy) deleted, so the hot values win.
 */
async function settleArchivedPrices(hot: HotClient, cold: pg.Client, ids: readonly number[]) {
  const { rows } = await cold.query<ColdPrice>(
    `SELECT original_id AS id, open::text, high::text, low::text, close::text, change::text, volume::text,
       turnover::text, transaction_count FROM stock_prices_history WHERE original_id = ANY($1)`,
    [ids],
  );
  let hotDeleted = 0;
  for (let start = 0; start < rows.length; start += PRICES_PER_DELETE) {
    const { count } = await hot.stockPrice.deleteMany({
      where: {
        OR: rows.slice(start, start + PRICES_PER_DELETE).map((p) => ({
          id: p.id,
          open: p.open,
          high: p.high,
          low: p.low,
          close: p.close,
          change: p.change,
          volume: p.volume === null ? null : BigInt(p.volume),
          turnover: p.turnover === null ? null : BigInt(p.turnover),
          transactionCount: p.transaction_count,
        })),
      },
    });
    hotDeleted += count;
  }
  const changed = await inHot(hot, 'stockPrices', ids);
  const coldDeleted =
    changed.length === 0 ? 0 : (await cold.query<{ n: number }>(COLD_DELETE.stockPrices, [changed])).rows[0].n;
  return { hotDeleted, coldDeleted };
}

/**
 * Settles the journal rows of runs that are not running (all of them when `runIds` is not
 * given): only with the archival lock held on `cold`, so no run is moving rows meanwhile.
 * Each row in one cold transaction: its cold copies of ids found in hot deleted (with their
 * activity), then the row itself.
 */
export async function finishInFlight(
  hot: HotClient,
  cold: pg.Client,
  options: {
    /** Only these runs' rows (a run settling its own); otherwise every row. */
    readonly runIds?: readonly number[];
  } = {},
): Promise<FinishedInFlight[]> {
  const { runIds } = options;
  const { rows } = await cold.query<InFlightRow>(
    `SELECT j.id::text AS id, j.run_id, j.dataset, j.ids, r.kind FROM archival_in_flight j
     LEFT JOIN archival_runs r ON r.id = j.run_id
     ${runIds ? 'WHERE j.run_id = ANY($1)' : ''} ORDER BY j.id`,
    runIds ? [runIds] : [],
  );
  const finished: FinishedInFlight[] = [];
  for (const row of rows) {
    const both = await inHot(hot, row.dataset, row.ids);
    let hotDeleted = 0;
    let coldDeleted = 0;
    await cold.query('BEGIN');
    try {
      if (both.length > 0 && row.kind === 'ARCHIVE') {
        // Its cold copies are committed: the move is finished in hot (cold deletes, if any,
        // commit with the journal row's delete below).
        if (row.dataset === 'stockPrices') ({ hotDeleted, coldDeleted } = await settleArchivedPrices(hot, cold, both));
        else hotDeleted = await deleteHot(hot, row.dataset, both);
      } else if (both.length > 0) {
        coldDeleted = (await cold.query<{ n: number }>(COLD_DELETE[row.dataset], [both])).rows[0].n;
      }
      await cold.query('DELETE FROM archival_in_flight WHERE id = $1::bigint', [row.id]);
      await cold.query('COMMIT');
      finished.push({ runId: row.run_id, dataset: row.dataset, ids: row.ids.length, coldDeleted, hotDeleted });
    } catch (error) {
      await cold.query('ROLLBACK').catch(() => undefined);
      throw error;
    }
  }
  // Days whose count went to 0, as a restore ends (one statement, only after a recovery).
  if (finished.some((f) => f.coldDeleted > 0)) await cold.query('DELETE FROM user_activity WHERE count <= 0');
  return finished;
}

/** One line per run for the log: what the recovery finished. */
export function describeFinished(finished: readonly FinishedInFlight[]): string[] {
  const byRun = new Map<number, FinishedInFlight[]>();
  for (const f of finished) byRun.set(f.runId, [...(byRun.get(f.runId) ?? []), f]);
  return [...byRun].map(([runId, parts]) => {
    const sums = new Map<Dataset, { ids: number; cold: number; hot: number }>();
    for (const p of parts) {
      const s = sums.get(p.dataset) ?? { ids: 0, cold: 0, hot: 0 };
      sums.set(p.dataset, { ids: s.ids + p.ids, cold: s.cold + p.coldDeleted, hot: s.hot + p.hotDeleted });
    }
    const detail = [...sums].map(([d, s]) => `${d} of ${s.ids}: ${s.hot} hot, ${s.cold} cold`).join('; ');
    return `archival run ${runId}: finished its batches in flight (copies deleted from the store they were leaving: ${detail})`;
  });
}
