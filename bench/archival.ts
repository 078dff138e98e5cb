/**
 * Archival benchmark: 1,000,000 messages moved from hot (PostgreSQL) to cold, measured in the
 * same run against
 *   - the floor: psql's \copy of the same rows out of hot into cold, plus one DELETE;
 *   - the seed's design: row by row (look up original_id, insert one row), then one DELETE by
 *     predicate, timed on a sample and reported per row.
 *
 *   npm run bench:archival [-- --messages 1000000 --sample 20000]
 *
 * Uses the embedded PostgreSQL unless HOT_DATABASE_URL / COLD_DATABASE_URL are set; needs
 * psql on the PATH for the floor. The job runs as the gateway runs it: compiled, on its worker
 * thread, with the 5 s delay before its first hot delete (which dominates small runs).
 */
import 'reflect-metadata';
import { spawn } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import type { StoreConfig } from '../src/config.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { numberOption, withBenchStores } from './support.js';

const MESSAGES = numberOption('messages', 1_000_000);
const SAMPLE = numberOption('sample', 20_000);
const NOW = new Date('2026-11-22T00:00:00.000Z');
const CUTOFF = new Date(NOW.getTime() - 30 * 86_400_000);

async function main() {
  await withBenchStores(async ({ hot, cold }) => {
    const hotDb = new pg.Client(pgConnectionConfig(hot));
    const coldDb = new pg.Client(pgConnectionConfig(cold));
    try {
      await Promise.all([hotDb.connect(), coldDb.connect()]);
      await hotDb.query(`INSERT INTO users (id, username, display_name) SELECT i, 'user' || i, 'User ' || i FROM generate_series(1, 1000) i`);
      await hotDb.query(`INSERT INTO conversations (id, title) SELECT i, 'Conversation ' || i FROM generate_series(1, 2000) i`);

      const seed = async () => {
        await hotDb.query('TRUNCATE messages');
        await coldDb.query('TRUNCATE messages_archive, user_activity, archival_runs');
        await hotDb.query(
          `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
           SELECT i, 1 + i % 2000, 1 + i % 1000, 'message ' || i || ': TSMC guidance looks strong, watching the close', $1::timestamptz - (i || ' seconds')::interval
           FROM generate_series(1, ${MESSAGES}) i`,
          [CUTOFF],
        );
        await hotDb.query('VACUUM ANALYZE messages');
        await coldDb.query('VACUUM ANALYZE messages_archive');
      };

      // The floor: the same rows out of hot and into cold by psql's \copy, then one DELETE.
      await seed();
      const columns = 'original_id, conversation_id, sender_id, content, created_at';
      let started = performance.now();
      await pipePsql(
        hot,
        `\\copy (SELECT id, conversation_id, sender_id, content, created_at FROM messages WHERE created_at < '${CUTOFF.toISOString()}') TO STDOUT`,
        cold,
        `\\copy messages_archive (${columns}) FROM STDIN`,
      );
      await hotDb.query(`DELETE FROM messages WHERE created_at < $1`, [CUTOFF]);
      const floorSeconds = (performance.now() - started) / 1000;
      const moved = Number((await coldDb.query('SELECT count(*) AS n FROM messages_archive')).rows[0].n);
      if (moved !== MESSAGES) throw new Error(`floor moved ${moved} rows, expected ${MESSAGES}`);

      // The gateway's job, in a plain node process running the compiled build, as production
      // runs it (tsx's own loader would add to the RSS measured).
      await seed();
      const job = await runWorker({ hot, cold, now: NOW.toISOString() });
      if (job.messages !== MESSAGES || job.status !== 'SUCCEEDED') throw new Error(`the job moved ${job.messages} messages (${job.status}), expected ${MESSAGES}`);
      const jobSeconds = job.seconds;
      const peakRss = Math.max(job.peakRss, job.maxRss);
      const rssAtStart = job.rssAtStart;

      // The seed's design on a sample: look up each row in cold, insert it alone, then delete by predicate.
      await seed();
      const { rows } = await hotDb.query(`SELECT id, conversation_id, sender_id, content, created_at FROM messages WHERE created_at < $1 ORDER BY id LIMIT ${SAMPLE}`, [CUTOFF]);
      started = performance.now();
      for (const row of rows) {
        const existing = await coldDb.query('SELECT 1 FROM messages_archive WHERE original_id = $1', [row.id]);
        if (existing.rowCount === 0) {
          await coldDb.query(`INSERT INTO messages_archive (${columns}) VALUES ($1, $2, $3, $4, $5)`, [row.id, row.conversation_id, row.sender_id, row.content, row.created_at]);
        }
      }
      await hotDb.query(`DELETE FROM messages WHERE id <= $1 AND created_at < $2`, [rows.at(-1).id, CUTOFF]);
      const seedSeconds = (performance.now() - started) / 1000;

      const rate = (n: number, seconds: number) => n / seconds;
      const result = {
        messages: MESSAGES,
        floor: { seconds: round(floorSeconds), rowsPerSecond: Math.round(rate(MESSAGES, floorSeconds)) },
        job: { seconds: round(jobSeconds), rowsPerSecond: Math.round(rate(MESSAGES, jobSeconds)), peakRssMb: round(peakRss / 2 ** 20), rssAtStartMb: round(rssAtStart / 2 ** 20) },
        seedStyle: { sample: SAMPLE, seconds: round(seedSeconds), rowsPerSecond: Math.round(rate(SAMPLE, seedSeconds)) },
      };
      console.log(JSON.stringify(result, null, 2));
      console.log(`\n| design | rows/s | for ${MESSAGES.toLocaleString()} rows |`);
      console.log('| --- | --- | --- |');
      console.log(`| floor: psql \\copy + one DELETE | ${result.floor.rowsPerSecond.toLocaleString()} | ${result.floor.seconds} s |`);
      console.log(`| gateway archival job | ${result.job.rowsPerSecond.toLocaleString()} | ${result.job.seconds} s |`);
      console.log(`| seed's row-by-row design (${SAMPLE.toLocaleString()}-row sample) | ${result.seedStyle.rowsPerSecond.toLocaleString()} | ${round(MESSAGES / result.seedStyle.rowsPerSecond)} s (extrapolated) |`);
      console.log(`\njob / floor: ${(result.job.rowsPerSecond / result.floor.rowsPerSecond).toFixed(2)} (goal >= 0.5); job / seed style: ${(result.job.rowsPerSecond / result.seedStyle.rowsPerSecond).toFixed(1)}x (goal > 10x); peak RSS ${result.job.peakRssMb} MB (goal < 300)`);
    } finally {
      await Promise.all([hotDb.end().catch(() => undefined), coldDb.end().catch(() => undefined)]);
    }
  });
}

/** Builds the project and runs bench/archival-worker.mjs in a plain node process. */
async function runWorker(stores: { hot: StoreConfig; cold: StoreConfig; now: string }) {
  const run = (command: string, argv: string[], env: Record<string, string> = {}) =>
    new Promise<string>((resolve, reject) => {
      const child = spawn(command, argv, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
      let out = '';
      child.stdout.on('data', (chunk) => (out += chunk));
      child.once('exit', (code) => (code === 0 ? resolve(out) : reject(new Error(`${command} ${argv.join(' ')} exited with ${code}`))));
    });
  await run('npx', ['tsc', '-p', 'tsconfig.build.json']);
  const nodeFlags = process.env.WORKER_NODE_FLAGS ? process.env.WORKER_NODE_FLAGS.split(' ') : [];
  const out = await run(process.execPath, [...nodeFlags, path.join('bench', 'archival-worker.mjs')], { STORES_JSON: JSON.stringify(stores) });
  return JSON.parse(out.trim().split('\n').at(-1)!) as { messages: number; status: string; seconds: number; peakRss: number; maxRss: number; rssAtStart: number };
}

/** `psql -c <out>` on one store piped into `psql -c <in>` on the other. */
function pipePsql(from: StoreConfig, out: string, to: StoreConfig, into: string): Promise<void> {
  const psql = (store: StoreConfig, command: string) =>
    spawn('psql', ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', store.host, '-p', String(store.port), '-U', store.user, '-d', store.database, '-c', command], {
      env: { ...process.env, PGPASSWORD: store.password },
      stdio: ['pipe', 'pipe', 'inherit'],
    });
  const reader = psql(from, out);
  const writer = psql(to, into);
  reader.stdout.pipe(writer.stdin);
  const done = (child: ReturnType<typeof psql>, name: string) =>
    new Promise<void>((resolve, reject) => child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`${name} exited with ${code}`)))));
  return Promise.all([done(reader, 'psql \\copy out'), done(writer, 'psql \\copy in')]).then(() => undefined);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
