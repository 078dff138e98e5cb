/**
 * The optional in-process schedule (ARCHIVAL_SCHEDULE), for deployments without cron. Every
 * gateway process may carry it: the archival lock lets one run at a time, and a tick skips
 * when a run already started since the previous tick, so several processes make one run.
 */
import { Cron } from 'croner';
import type { ColdClient } from '../stores/cold/index.js';
import { ArchivalInProgressError } from '../errors.js';
import type { ArchivalOptions, ArchivalRunRecord } from './job.js';

export interface ScheduleOptions {
  readonly expression: string;
  readonly olderThanDays: number;
  readonly cold: ColdClient;
  readonly archive: (options: Pick<ArchivalOptions, 'olderThanDays' | 'dryRun'>) => Promise<ArchivalRunRecord>;
  readonly log: (line: string) => void;
}

export function scheduleArchival({ expression, olderThanDays, cold, archive, log }: ScheduleOptions): { stop(): void } {
  let previousTick = new Date();
  const job = new Cron(expression, { timezone: 'UTC', protect: true }, async () => {
    const tick = new Date();
    const since = previousTick;
    previousTick = tick;
    const latest = await cold.archivalRun.findFirst({
      where: { dryRun: false, kind: 'ARCHIVE', startedAt: { gte: since } },
      select: { id: true },
    });
    if (latest)
      return log(`scheduled archival: run ${latest.id} already started since ${since.toISOString()}; skipping`);
    try {
      const run = await archive({ olderThanDays, dryRun: false });
      log(
        `scheduled archival: run ${run.id} ${run.status} (messages ${run.messages}, posts ${run.posts}, comments ${run.comments}, likes ${run.likes}, stock prices ${run.stockPrices})`,
      );
    } catch (error) {
      if (error instanceof ArchivalInProgressError)
        return log('scheduled archival: another process is running it; skipping');
      log(`scheduled archival failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  });
  log(`archival scheduled "${expression}" (UTC); next run ${job.nextRun()?.toISOString() ?? 'never'}`);
  return { stop: () => job.stop() };
}
