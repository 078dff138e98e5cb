/**
 * Archival benchmark on its own (the full suite, `npm run bench`, runs the same measurement):
 * 1,000,000 messages moved from hot (PostgreSQL) to cold against psql's \copy floor and the
 * seed's row-by-row design, in the same run (see archival-measure.ts).
 *
 *   npm run bench:archival [-- --messages 1000000 --sample 20000 --rounds 5]
 *
 * Uses the embedded PostgreSQL unless HOT_DATABASE_URL / COLD_DATABASE_URL are set; needs
 * psql on the PATH for the floor.
 */
import 'reflect-metadata';
import { measureArchival } from './archival-measure.js';
import { MIN_ROUNDS } from './paired.js';
import { numberOption, withBenchStores } from './support.js';

const MESSAGES = numberOption('messages', 1_000_000);
const SAMPLE = numberOption('sample', 20_000);
const ROUNDS = Math.max(MIN_ROUNDS, numberOption('rounds', MIN_ROUNDS));

async function main() {
  await withBenchStores(async (stores) => {
    const result = await measureArchival(stores, {
      messages: MESSAGES,
      sample: SAMPLE,
      build: true,
      rounds: ROUNDS,
      log: console.log,
    });
    console.log(JSON.stringify(result, null, 2));
    console.log(`\n| design | rows/s | for ${MESSAGES.toLocaleString()} rows |`);
    console.log('| --- | --- | --- |');
    console.log(
      `| floor: psql \\copy + one DELETE | ${result.floor.rowsPerSecond.toLocaleString()} | ${result.floor.seconds} s |`,
    );
    console.log(`| gateway archival job | ${result.job.rowsPerSecond.toLocaleString()} | ${result.job.seconds} s |`);
    console.log(
      `| seed's row-by-row design (${SAMPLE.toLocaleString()}-row sample) | ${result.seedStyle.rowsPerSecond.toLocaleString()} | ${result.seedStyle.extrapolatedSeconds} s (extrapolated) |`,
    );
    console.log(
      `\njob / floor: ${result.ratio.median.toFixed(2)}, median of ${result.rounds.length} paired rounds ` +
        `(${result.ratio.min.toFixed(2)}-${result.ratio.max.toFixed(2)}${result.ratio.disagrees ? ', ROUNDS DISAGREE' : ''}; goal >= 0.5); ` +
        `job / seed style: ${(result.job.rowsPerSecond / result.seedStyle.rowsPerSecond).toFixed(1)}x (goal > 10x); peak RSS ${result.job.peakRssMb} MB (goal <= 300)`,
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
