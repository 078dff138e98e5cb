/** Analysts and admins: the archive watermark, how far archival lags, and the last runs. */
import { useQuery } from '@apollo/client/react';
import { ARCHIVE_STATUS } from './queries';

const DAY_MS = 86_400_000;

export function ArchiveStatusPanel() {
  const { data, error } = useQuery(ARCHIVE_STATUS, { pollInterval: 30_000 });
  if (error) return <p className="error">{error.message}</p>;
  if (!data) return <p>Loading the archive status…</p>;
  const { watermark, oldestHotRecordAt } = data.archiveStatus;
  // Rows older than the watermark still in the hot store: what the next run has to move.
  const lagDays =
    watermark && oldestHotRecordAt
      ? Math.max(0, (Date.parse(watermark) - Date.parse(oldestHotRecordAt)) / DAY_MS)
      : undefined;
  return (
    <section className="archive-status" data-testid="archive-status">
      <dl>
        <dt>Watermark</dt>
        <dd data-testid="watermark">{watermark ? new Date(watermark).toISOString() : 'none (never archived)'}</dd>
        <dt>Watermark age</dt>
        <dd>{watermark ? `${((Date.now() - Date.parse(watermark)) / DAY_MS).toFixed(1)} days` : '–'}</dd>
        <dt>Oldest hot record</dt>
        <dd>{oldestHotRecordAt ? new Date(oldestHotRecordAt).toISOString() : 'none'}</dd>
        <dt>Lag (hot rows older than the watermark)</dt>
        <dd data-testid="lag">{lagDays === undefined ? '–' : `${lagDays.toFixed(1)} days`}</dd>
      </dl>
      <table>
        <thead>
          <tr>
            <th>Kind</th>
            <th>Status</th>
            <th>Started</th>
            <th>Finished</th>
            <th>Messages</th>
            <th>Posts</th>
            <th>Comments</th>
            <th>Likes</th>
            <th>Prices</th>
          </tr>
        </thead>
        <tbody>
          {data.archivalRuns.edges.map(({ node: run }) => (
            <tr key={run.id} data-testid="archival-run">
              <td>
                {run.kind}
                {run.dryRun ? ' (dry run)' : ''}
              </td>
              <td>{run.status}</td>
              <td>{new Date(run.startedAt).toLocaleString()}</td>
              <td>{run.finishedAt ? new Date(run.finishedAt).toLocaleString() : '–'}</td>
              <td>{run.messages}</td>
              <td>{run.posts}</td>
              <td>{run.comments}</td>
              <td>{run.likes}</td>
              <td>{run.stockPrices}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
