/**
 * What operators watch about archival, read fresh from the stores at each /metrics scrape
 * (whichever process ran it): when the last successful run ended, how long the last run took,
 * and how far each dataset's oldest hot row is past the cutoff (archival falling behind).
 */
import type { ColdClient } from '../stores/cold/index.js';
import type { HotClient } from '../stores/hot/index.js';
import { priceCutoff } from './job.js';

const DAY_MS = 86_400_000;

/** What a /metrics scrape reads from the stores about archival. */
export interface ArchivalSnapshot {
  /** Seconds since the epoch of the last successful archival run's end; null before one. */
  readonly lastSuccessAt: Date | null;
  /** Duration of the last finished archival run (any status), in seconds. */
  readonly lastDurationSeconds: number | null;
  /** Per dataset: how long its oldest hot row has been past the archival cutoff (0 when none is). */
  readonly oldestPastCutoffSeconds: Readonly<Record<string, number>>;
}

export async function archivalSnapshot(
  hot: HotClient,
  cold: ColdClient | null,
  olderThanDays: number,
  now = new Date(),
): Promise<ArchivalSnapshot> {
  const cutoff = new Date(now.getTime() - olderThanDays * DAY_MS);
  const [lastSuccess, lastFinished, messages, posts, comments, likes, prices] = await Promise.all([
    cold?.archivalRun.findFirst({
      where: { kind: 'ARCHIVE', dryRun: false, status: 'SUCCEEDED' },
      orderBy: [{ finishedAt: 'desc' }],
      select: { finishedAt: true },
    }),
    cold?.archivalRun.findFirst({
      where: { kind: 'ARCHIVE', dryRun: false, finishedAt: { not: null } },
      orderBy: [{ finishedAt: 'desc' }],
      select: { startedAt: true, finishedAt: true },
    }),
    hot.message.aggregate({ _min: { createdAt: true } }),
    hot.post.aggregate({ _min: { createdAt: true } }),
    hot.comment.aggregate({ _min: { createdAt: true } }),
    hot.postLike.aggregate({ _min: { createdAt: true } }),
    hot.stockPrice.aggregate({ _min: { tradeDate: true } }),
  ]);
  const pastCutoff = (oldest: Date | null | undefined, bound: Date) =>
    oldest ? Math.max(0, (bound.getTime() - oldest.getTime()) / 1000) : 0;
  return {
    lastSuccessAt: lastSuccess?.finishedAt ?? null,
    lastDurationSeconds: lastFinished?.finishedAt
      ? (lastFinished.finishedAt.getTime() - lastFinished.startedAt.getTime()) / 1000
      : null,
    oldestPastCutoffSeconds: {
      messages: pastCutoff(messages._min.createdAt, cutoff),
      posts: pastCutoff(posts._min.createdAt, cutoff),
      comments: pastCutoff(comments._min.createdAt, cutoff),
      likes: pastCutoff(likes._min.createdAt, cutoff),
      stockPrices: pastCutoff(prices._min.tradeDate, priceCutoff(cutoff)),
    },
  };
}
