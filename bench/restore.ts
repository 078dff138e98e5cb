/**
 * Restore benchmark: messages moved back from cold to hot (PostgreSQL) against psql's \copy
 * floor, in paired rounds, at one size or several (to show peak RSS does not grow with rows):
 *
 *   npm run bench:restore [-- --sizes 250000,1000000 --rounds 5]
 */
import 'reflect-metadata';
import { MIN_ROUNDS } from './paired.js';
import { measureRestore } from './restore-measure.js';
import { numberOption, withBenchStores } from './support.js';

const ROUNDS = Math.max(MIN_ROUNDS, numberOption('rounds', MIN_ROUNDS));
const sizesAt = process.argv.indexOf('--sizes');
const SIZES = (sizesAt > 0 ? process.argv[sizesAt + 1] : '250000,1000000').split(',').map(Number);

async function main() {
  const lines: string[] = [];
  let build = true;
  for (const messages of SIZES) {
    await withBenchStores(async (stores) => {
      console.log(`restore of ${messages.toLocaleString()} messages, ${ROUNDS} paired rounds`);
      const result = await measureRestore(stores, { messages, rounds: ROUNDS, build, log: console.log });
      build = false;
      console.log(JSON.stringify(result, null, 2));
      lines.push(
        `| ${messages.toLocaleString()} | ${result.floor.rowsPerSecond.toLocaleString()} | ${result.job.rowsPerSecond.toLocaleString()} | ` +
          `${result.ratio.median.toFixed(2)} (${result.ratio.min.toFixed(2)}-${result.ratio.max.toFixed(2)}${result.ratio.disagrees ? ', ROUNDS DISAGREE' : ''}) | ${result.job.peakRssMb} |`,
      );
    });
  }
  console.log(
    '\n| messages | floor rows/s (psql \\copy + DELETE) | restore rows/s | restore / floor (goal >= 0.5) | peak RSS MB (goal <= 300) |',
  );
  console.log('| --- | --- | --- | --- | --- |');
  for (const line of lines) console.log(line);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
