/**
 * Daily action counts of one user over both stores: the cold activity table, which archival
 * writes from exactly the rows it copies, plus the rows still in the hot store. Exact whenever
 * no run is between a batch's cold commit and its hot delete; until that delete (or, after a
 * crash, until the next run finishes it) the batch's rows are counted in both. Restore lowers
 * `hotFrom`, which this reads from the cache: for up to BOUNDS_TTL_MS after a restore, days
 * older than the cached value miss the rows it put back (pages re-read instead: stitched-page.ts).
 */
import { utcDay } from '../../archival/bounds.js';
import type { GatewayContext } from '../context.js';
import { ActivityType } from '../enums.js';
import type { UserActivityType } from './activity-type.js';

const TYPE_ORDER = [ActivityType.MESSAGE, ActivityType.POST, ActivityType.COMMENT, ActivityType.LIKE];
const DAY_MS = 86_400_000;

/** `from` and `to` are inclusive YYYY-MM-DD days. */
export async function userActivity(
  { hot, cold, bounds }: GatewayContext,
  userId: number,
  from: string,
  to: string,
): Promise<UserActivityType[]> {
  const start = new Date(`${from}T00:00:00.000Z`);
  const end = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + DAY_MS);
  const createdAt = { gte: start, lt: end };
  const { hotFrom } = await bounds.get();
  // The hot store holds nothing older than the last successful cutoff.
  const readHot = hotFrom === null || end > hotFrom;
  const select = { createdAt: true } as const;
  const [archived, messages, posts, comments, likes] = await Promise.all([
    cold ? cold.userActivity.findMany({ where: { userId, activityDate: { gte: start, lt: end } } }) : [],
    readHot ? hot.message.findMany({ where: { senderId: userId, createdAt }, select }) : [],
    readHot ? hot.post.findMany({ where: { authorId: userId, createdAt }, select }) : [],
    readHot ? hot.comment.findMany({ where: { authorId: userId, createdAt }, select }) : [],
    readHot ? hot.postLike.findMany({ where: { userId, createdAt }, select }) : [],
  ]);

  const counts = new Map<string, number>();
  const add = (day: string, type: ActivityType, n: number) => {
    const key = `${day}|${type}`;
    counts.set(key, (counts.get(key) ?? 0) + n);
  };
  for (const row of archived) add(utcDay(row.activityDate), row.actionType as ActivityType, row.count);
  for (const [rows, type] of [
    [messages, ActivityType.MESSAGE],
    [posts, ActivityType.POST],
    [comments, ActivityType.COMMENT],
    [likes, ActivityType.LIKE],
  ] as const) {
    for (const row of rows) add(utcDay(row.createdAt), type, 1);
  }
  return [...counts]
    .map(([key, count]) => {
      const [date, actionType] = key.split('|') as [string, ActivityType];
      return { date, actionType, count };
    })
    .sort((a, b) =>
      a.date < b.date ? -1 : a.date > b.date ? 1 : TYPE_ORDER.indexOf(a.actionType) - TYPE_ORDER.indexOf(b.actionType),
    );
}
