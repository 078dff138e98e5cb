/**
 * Restore throughput and memory: `messages` messages moved back from cold to hot (PostgreSQL),
 * in paired rounds (bench/paired.ts) against the floor measured in the same run: psql's \copy
 * of the same rows out of cold into hot, plus one DELETE in cold. The restore runs as the
 * gateway runs it (compiled, on its worker thread with its heap limit, in a plain node process:
 * bench/archival-worker.mjs), and its process's peak RSS is reported.
 * The databases must be fresh and migrated; cold is reseeded before each design.
 */
import pg from 'pg';
import type { StoreConfig } from '../src/config.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { alternate, summarizeRounds, type RatioRounds } from './paired.js';
import { pipePsql, runWorker } from './archival-measure.js';

export interface RestoreMeasureOptions {
  readonly messages: number;
  readonly rounds: number;
  /** Run `tsc -p tsconfig.build.json` first. */
  readonly build: boolean;
  readonly log?: (line: string) => void;
}

export interface RestoreResult {
  readonly messages: number;
  readonly floor: { readonly seconds: number; readonly rowsPerSecond: number };
  readonly job: { readonly seconds: number; readonly rowsPerSecond: number; readonly peakRssMb: number };
  readonly ratio: RatioRounds;
}

const DAY_MS = 86_400_000;
const COLUMNS = 'conversation_id, sender_id, content, created_at';

export async function measureRestore(
  stores: { hot: StoreConfig; cold: StoreConfig },
  options: RestoreMeasureOptions,
): Promise<RestoreResult> {
  const { messages } = options;
  const log = options.log ?? (() => undefined);
  const newest = new Date(Date.now() - 31 * DAY_MS);
  // Every message lies within these days (one second apart).
  const from = new Date(newest.getTime() - messages * 1000 - DAY_MS).toISOString().slice(0, 10);
  const to = newest.toISOString().slice(0, 10);
  const hotDb = new pg.Client(pgConnectionConfig(stores.hot));
  const coldDb = new pg.Client(pgConnectionConfig(stores.cold));
  try {
    await Promise.all([hotDb.connect(), coldDb.connect()]);
    await hotDb.query(
      `INSERT INTO users (id, username, display_name) SELECT i, 'user' || i, 'User ' || i FROM generate_series(1, 1000) i ON CONFLICT DO NOTHING`,
    );
    await hotDb.query(
      `INSERT INTO conversations (id, title) SELECT i, 'Conversation ' || i FROM generate_series(1, 2000) i ON CONFLICT DO NOTHING`,
    );
    const seed = async () => {
      await hotDb.query('TRUNCATE messages');
      await coldDb.query('TRUNCATE messages_archive, user_activity, archival_runs');
      await coldDb.query(
        `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at, archived_at)
         SELECT i, 1 + i % 2000, 1 + i % 1000, 'message ' || i || ': TSMC guidance looks strong, watching the close', $1::timestamptz - (i || ' seconds')::interval, now()
         FROM generate_series(1, ${messages}) i`,
        [newest],
      );
      await coldDb.query(
        `INSERT INTO user_activity (user_id, activity_date, action_type, count)
         SELECT sender_id, (created_at AT TIME ZONE 'UTC')::date, 'MESSAGE', count(*) FROM messages_archive GROUP BY 1, 2`,
      );
      await coldDb.query('VACUUM ANALYZE messages_archive');
      await hotDb.query('VACUUM ANALYZE messages');
    };
    const floor = async () => {
      await seed();
      const started = performance.now();
      await pipePsql(
        stores.cold,
        `\\copy (SELECT original_id, ${COLUMNS} FROM messages_archive WHERE created_at >= '${from}' AND created_at < '${to}'::date + 1) TO STDOUT`,
        stores.hot,
        `\\copy messages (id, ${COLUMNS}) FROM STDIN`,
      );
      await coldDb.query(`DELETE FROM messages_archive WHERE created_at >= $1 AND created_at < $2::date + 1`, [
        from,
        to,
      ]);
      const seconds = (performance.now() - started) / 1000;
      const moved = Number((await hotDb.query('SELECT count(*) AS n FROM messages')).rows[0].n);
      if (moved !== messages) throw new Error(`floor moved ${moved} rows, expected ${messages}`);
      return seconds;
    };
    let build = options.build;
    const job = async () => {
      await seed();
      const run = await runWorker(stores, build, { from, to });
      build = false;
      if (run.messages !== messages || run.status !== 'SUCCEEDED')
        throw new Error(`the restore moved ${run.messages} messages (${run.status}), expected ${messages}`);
      const hot = Number((await hotDb.query('SELECT count(*) AS n FROM messages')).rows[0].n);
      const cold = Number((await coldDb.query('SELECT count(*) AS n FROM messages_archive')).rows[0].n);
      if (hot !== messages || cold !== 0) throw new Error(`after the restore: ${hot} hot, ${cold} cold`);
      return run;
    };
    const rounds = await alternate(options.rounds, floor, job, (round, floorSeconds, run) =>
      log(
        `  round ${round}: floor (psql \\copy + DELETE) ${floorSeconds.toFixed(1)} s, restore ${run.seconds.toFixed(1)} s, ` +
          `peak RSS ${(Math.max(run.peakRss, run.maxRss) / 2 ** 20).toFixed(0)} MB, ratio ${(floorSeconds / run.seconds).toFixed(3)}`,
      ),
    );
    const floorSeconds = summarizeRounds(rounds.map((r) => r.first)).median;
    const jobSeconds = summarizeRounds(rounds.map((r) => r.second.seconds)).median;
    const peakRss = Math.max(...rounds.map((r) => Math.max(r.second.peakRss, r.second.maxRss)));
    const round1 = (value: number) => Math.round(value * 10) / 10;
    return {
      messages,
      floor: { seconds: round1(floorSeconds), rowsPerSecond: Math.round(messages / floorSeconds) },
      job: {
        seconds: round1(jobSeconds),
        rowsPerSecond: Math.round(messages / jobSeconds),
        peakRssMb: round1(peakRss / 2 ** 20),
      },
      ratio: summarizeRounds(rounds.map((r) => r.first / r.second.seconds)),
    };
  } finally {
    await Promise.all([hotDb.end().catch(() => undefined), coldDb.end().catch(() => undefined)]);
  }
}
