/**
 * The archival gauges read the stores at most once per second, whoever scrapes; a run this
 * process saw end must still show in the very next scrape, in the gauges as in the counters.
 */
import { describe, expect, it } from 'vitest';
import type { ArchivalSnapshot } from '../../src/archival/status.js';
import { createMetrics } from '../../src/observability/metrics.js';

const sample = (text: string, series: string) => Number(new RegExp(`^${series} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe('archival gauges', () => {
  it('share one store read between scrapes within a second, and read again once a run has ended here', async () => {
    const metrics = createMetrics();
    const successes = [new Date('2026-10-01T08:00:31Z'), new Date('2026-12-03T12:29:07Z')];
    let reads = 0;
    metrics.setArchivalSource(async (): Promise<ArchivalSnapshot> => ({
      lastSuccessAt: successes[Math.min(reads++, successes.length - 1)],
      lastDurationSeconds: 1.5,
      oldestPastCutoffSeconds: { messages: 0 },
    }));
    const scrape = async () => metrics.registry.metrics();
    const first = await scrape();
    await scrape();
    expect(reads).toBe(1);
    expect(sample(first, 'gateway_archival_last_success_timestamp_seconds')).toBe(successes[0].getTime() / 1000);

    metrics.countArchivalRun('ARCHIVE', 'SUCCEEDED', { messages: 30 });
    const after = await scrape();
    expect(reads).toBe(2);
    expect(sample(after, 'gateway_archival_last_success_timestamp_seconds')).toBe(successes[1].getTime() / 1000);
    expect(sample(after, 'gateway_archival_runs_total\\{kind="ARCHIVE",status="SUCCEEDED"\\}')).toBe(1);
  });
});
