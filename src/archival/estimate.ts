/**
 * How many rows a run expects to move, counted once when it starts, for the ETA that
 * `npm run archive` and operators read (ArchivalRun.rowsToMove). An estimate, not a promise:
 * an archive also moves newer comments and likes of old posts and keeps old ones whose post
 * stays hot; rows written or moved during the run are not counted. Count statements only, so
 * memory stays flat whatever the size.
 */
import type pg from 'pg';
import type { HotClient } from '../stores/hot/index.js';
import { utcDay } from './bounds.js';

/** The part of a run's description (recorded-run.ts) the estimate needs. */
export interface EstimatedRun {
  readonly kind: 'ARCHIVE' | 'RESTORE';
  /** An archive's cutoff; a restore's range start. */
  readonly cutoff: Date;
  /** A restore's range end (exclusive). */
  readonly restoreTo?: Date;
}

export async function estimateRows(hot: HotClient, cold: pg.Client, run: EstimatedRun): Promise<number> {
  if (run.kind === 'ARCHIVE') {
    const old = { createdAt: { lt: run.cutoff } };
    const priceCutoff = new Date(`${utcDay(run.cutoff)}T00:00:00.000Z`);
    const counts = await Promise.all([
      hot.post.count({ where: old }),
      hot.comment.count({ where: old }),
      hot.postLike.count({ where: old }),
      hot.message.count({ where: old }),
      hot.stockPrice.count({ where: { tradeDate: { lt: priceCutoff } } }),
    ]);
    return counts.reduce((sum, n) => sum + n, 0);
  }
  const range = 'created_at >= $1 AND created_at < $2';
  const end = run.restoreTo ?? run.cutoff;
  const { rows } = await cold.query<{ n: string }>(
    `SELECT (SELECT count(*) FROM posts_archive WHERE ${range})
          + (SELECT count(*) FROM comments_archive WHERE ${range})
          + (SELECT count(*) FROM post_likes_archive WHERE ${range})
          + (SELECT count(*) FROM messages_archive WHERE ${range})
          + (SELECT count(*) FROM stock_prices_history WHERE trade_date >= $3::date AND trade_date < $4::date) AS n`,
    [run.cutoff, end, utcDay(run.cutoff), utcDay(end)],
  );
  return Number(rows[0]?.n ?? 0);
}
