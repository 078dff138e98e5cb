/**
 * Archival throughput: `messages` messages moved from hot (PostgreSQL) to cold, measured in
 * the same run, in paired rounds (bench/paired.ts), against
 *   - the floor: psql's \copy of the same rows out of hot into cold, plus one DELETE;
 *   - the seed's design: row by row (look up original_id, insert one row), then one DELETE by
 *     predicate, timed on a sample and reported per row.
 *
 * The job runs as the gateway runs it: compiled (dist/, built by the caller or here), on its
 * worker thread with its heap limit, in a plain node process (bench/archival-worker.mjs)
 * whose peak RSS is what is reported. The hot and cold databases must be fresh and migrated; they are
 * reseeded before each design. Rows are dated 31 days and more before the real clock, so the
 * job's `olderThanDays: 30` moves every one of them.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { PROJECT_ROOT, type StoreConfig } from '../src/config.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { alternate, summarizeRounds, type RatioRounds } from './paired.js';

export interface ArchivalOptions {
  readonly messages: number;
  /** Rows the seed-style design moves (its rate is extrapolated). */
  readonly sample: number;
  /** Run `tsc -p tsconfig.build.json` first (false when the caller just built). */
  readonly build: boolean;
  /** Paired rounds of the floor and the job (at least MIN_ROUNDS for a ratio). */
  readonly rounds: number;
  readonly log?: (line: string) => void;
}

export interface ArchivalResult {
  readonly messages: number;
  readonly floor: { readonly seconds: number; readonly rowsPerSecond: number };
  readonly job: {
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly peakRssMb: number;
    readonly rssAtStartMb: number;
  };
  /** The job's rows/s over the floor's, per paired round, and their median and spread. */
  readonly ratio: RatioRounds;
  readonly rounds: readonly {
    readonly floorSeconds: number;
    readonly jobSeconds: number;
    readonly jobPeakRssMb: number;
  }[];
  readonly seedStyle: {
    readonly sample: number;
    readonly seconds: number;
    readonly rowsPerSecond: number;
    readonly extrapolatedSeconds: number;
  };
}

const DAY_MS = 86_400_000;
const COLUMNS = 'original_id, conversation_id, sender_id, content, created_at';

export async function measureArchival(
  stores: { hot: StoreConfig; cold: StoreConfig },
  options: ArchivalOptions,
): Promise<ArchivalResult> {
  const { messages, sample } = options;
  const log = options.log ?? (() => undefined);
  const cutoff = new Date(Date.now() - 30 * DAY_MS);
  const newest = new Date(cutoff.getTime() - DAY_MS);
  const hotDb = new pg.Client(pgConnectionConfig(stores.hot));
  const coldDb = new pg.Client(pgConnectionConfig(stores.cold));
  try {
    await Promise.all([hotDb.connect(), coldDb.connect()]);
    await hotDb.query(
      `INSERT INTO users (id, username, display_name) SELECT i, 'user' || i, 'User ' || i FROM generate_series(1, 1000) i`,
    );
    await hotDb.query(
      `INSERT INTO conversations (id, title) SELECT i, 'Conversation ' || i FROM generate_series(1, 2000) i`,
    );

    const seed = async () => {
      await hotDb.query('TRUNCATE messages');
      await coldDb.query('TRUNCATE messages_archive, user_activity, archival_runs');
      await hotDb.query(
        `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
         SELECT i, 1 + i % 2000, 1 + i % 1000, 'message ' || i || ': TSMC guidance looks strong, watching the close', $1::timestamptz - (i || ' seconds')::interval
         FROM generate_series(1, ${messages}) i`,
        [newest],
      );
      await hotDb.query('VACUUM ANALYZE messages');
      await coldDb.query('VACUUM ANALYZE messages_archive');
    };

    // The floor: the same rows out of hot and into cold by psql's \copy, then one DELETE.
    const floor = async () => {
      await seed();
      const started = performance.now();
      await pipePsql(
        stores.hot,
        `\\copy (SELECT id, conversation_id, sender_id, content, created_at FROM messages WHERE created_at < '${cutoff.toISOString()}') TO STDOUT`,
        stores.cold,
        `\\copy messages_archive (${COLUMNS}) FROM STDIN`,
      );
      await hotDb.query(`DELETE FROM messages WHERE created_at < $1`, [cutoff]);
      const seconds = (performance.now() - started) / 1000;
      const moved = Number((await coldDb.query('SELECT count(*) AS n FROM messages_archive')).rows[0].n);
      if (moved !== messages) throw new Error(`floor moved ${moved} rows, expected ${messages}`);
      return seconds;
    };
    // The gateway's job, in a plain node process running the compiled build (built once).
    let build = options.build;
    const gatewayJob = async () => {
      await seed();
      const job = await runWorker(stores, build);
      build = false;
      if (job.messages !== messages || job.status !== 'SUCCEEDED')
        throw new Error(`the job moved ${job.messages} messages (${job.status}), expected ${messages}`);
      return job;
    };
    // Paired rounds (bench/paired.ts): floor and job back to back, order swapped every round.
    const rounds = await alternate(options.rounds, floor, gatewayJob, (round, floorSeconds, job) =>
      log(
        `  round ${round}: floor (psql \\copy + DELETE) ${floorSeconds.toFixed(1)} s, gateway job ${job.seconds.toFixed(1)} s, ` +
          `peak RSS ${(Math.max(job.peakRss, job.maxRss) / 2 ** 20).toFixed(0)} MB, ratio ${(floorSeconds / job.seconds).toFixed(3)}`,
      ),
    );
    const floorSeconds = medianOf(rounds.map((r) => r.first));
    const jobSeconds = medianOf(rounds.map((r) => r.second.seconds));
    const peakRss = Math.max(...rounds.map((r) => Math.max(r.second.peakRss, r.second.maxRss)));
    const rssAtStart = Math.max(...rounds.map((r) => r.second.rssAtStart));
    // Job rows/s over floor rows/s for the same rows = floor seconds over job seconds.
    const ratio = summarizeRounds(rounds.map((r) => r.first / r.second.seconds));

    // The seed's design on a sample: look up each row in cold, insert it alone, then delete by predicate.
    await seed();
    const { rows } = await hotDb.query(
      `SELECT id, conversation_id, sender_id, content, created_at FROM messages WHERE created_at < $1 ORDER BY id LIMIT ${sample}`,
      [cutoff],
    );
    const started = performance.now();
    for (const row of rows) {
      const existing = await coldDb.query('SELECT 1 FROM messages_archive WHERE original_id = $1', [row.id]);
      if (existing.rowCount === 0) {
        await coldDb.query(`INSERT INTO messages_archive (${COLUMNS}) VALUES ($1, $2, $3, $4, $5)`, [
          row.id,
          row.conversation_id,
          row.sender_id,
          row.content,
          row.created_at,
        ]);
      }
    }
    await hotDb.query(`DELETE FROM messages WHERE id <= $1 AND created_at < $2`, [rows.at(-1).id, cutoff]);
    const seedSeconds = (performance.now() - started) / 1000;
    log(`  seed-style row by row: ${sample.toLocaleString()} rows in ${seedSeconds.toFixed(1)} s`);

    const seedRate = sample / seedSeconds;
    return {
      messages,
      floor: { seconds: round(floorSeconds), rowsPerSecond: Math.round(messages / floorSeconds) },
      job: {
        seconds: round(jobSeconds),
        rowsPerSecond: Math.round(messages / jobSeconds),
        peakRssMb: round(peakRss / 2 ** 20),
        rssAtStartMb: round(rssAtStart / 2 ** 20),
      },
      ratio,
      rounds: rounds.map((r) => ({
        floorSeconds: round(r.first),
        jobSeconds: round(r.second.seconds),
        jobPeakRssMb: round(Math.max(r.second.peakRss, r.second.maxRss) / 2 ** 20),
      })),
      seedStyle: {
        sample,
        seconds: round(seedSeconds),
        rowsPerSecond: Math.round(seedRate),
        extrapolatedSeconds: round(messages / seedRate),
      },
    };
  } finally {
    await Promise.all([hotDb.end().catch(() => undefined), coldDb.end().catch(() => undefined)]);
  }
}

/**
 * Optionally builds the project, then runs bench/archival-worker.mjs in a plain node process:
 * an archival run (olderThanDays 30), or the restore `restore` names.
 */
export async function runWorker(
  stores: { hot: StoreConfig; cold: StoreConfig },
  build: boolean,
  restore?: { from: string; to: string },
) {
  const run = (command: string, argv: string[], env: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(command, argv, {
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...env },
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.once('error', reject);
      // 'close', not 'exit': stdout may still hold the worker's last line when the process exits.
      child.once('close', (code) =>
        code === 0 ? resolve(out) : reject(new Error(`${command} ${argv.join(' ')} exited with ${code}`)),
      );
    });
  if (build) await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  const nodeFlags = process.env.WORKER_NODE_FLAGS ? process.env.WORKER_NODE_FLAGS.split(' ') : [];
  const out = await run(process.execPath, [...nodeFlags, path.join(PROJECT_ROOT, 'bench', 'archival-worker.mjs')], {
    STORES_JSON: JSON.stringify(stores),
    ...(restore ? { JOB_JSON: JSON.stringify({ kind: 'restore', options: restore }) } : {}),
  });
  return JSON.parse(out.trim().split('\n').at(-1)!) as {
    messages: number;
    status: string;
    seconds: number;
    peakRss: number;
    maxRss: number;
    rssAtStart: number;
  };
}

/** `psql -c <out>` on one store piped into `psql -c <in>` on the other. */
export function pipePsql(from: StoreConfig, out: string, to: StoreConfig, into: string): Promise<void> {
  const psql = (store: StoreConfig, command: string) =>
    spawn(
      'psql',
      [
        '-X',
        '-q',
        '-v',
        'ON_ERROR_STOP=1',
        '-h',
        store.host,
        '-p',
        String(store.port),
        '-U',
        store.user,
        '-d',
        store.database,
        '-c',
        command,
      ],
      {
        env: { ...process.env, PGPASSWORD: store.password },
        stdio: ['pipe', 'pipe', 'inherit'],
      },
    );
  const reader = psql(from, out);
  const writer = psql(to, into);
  reader.stdout.pipe(writer.stdin);
  // A writer that dies first breaks the pipe: its own exit code says why, not EPIPE.
  writer.stdin.on('error', () => undefined);
  const done = (child: ReturnType<typeof psql>, name: string) =>
    new Promise<void>((resolve, reject) => {
      child.once('error', (error) => reject(new Error(`${name}: ${error.message} (is psql on the PATH?)`)));
      child.once('close', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`))));
    });
  return Promise.all([done(reader, 'psql \\copy out'), done(writer, 'psql \\copy in')]).then(() => undefined);
}

function medianOf(values: readonly number[]): number {
  return summarizeRounds(values).median;
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
