/**
 * The suite's command line. `--quick` picks a small data set and short runs (the whole suite,
 * archival included, in well under 10 minutes on 2 cores); without it, the full scale.
 * Each setting below can be overridden (the runs per scenario, 2, and the connection counts,
 * 1 and 10, are fixed); an unknown or malformed option is an error.
 *
 *   npm run bench [-- --quick] [--scale 0.5] [--seconds 10] [--warmup 5] [--depth-seconds 5]
 *                 [--statement-requests 300] [--archival-messages 1000000] [--archival-sample 20000]
 *                 [--restore-messages 1000000] [--pair-rounds 6]
 */
import { MIN_ROUNDS } from './paired.js';

export interface BenchOptions {
  readonly mode: 'quick' | 'full';
  /** Data set scale: 1 is the full size. */
  readonly scale: number;
  /** Length of each measured load run. */
  readonly seconds: number;
  readonly warmupSeconds: number;
  /** Length of each depth-chart run (1 connection). */
  readonly depthSeconds: number;
  /**
   * Paired rounds behind every ratio (bench/paired.ts), at least MIN_ROUNDS: the deep page against
   * the first page (runs of depthSeconds), the gateway against each peer (runs of `seconds`), the
   * archival job against its floor.
   */
  readonly pairRounds: number;
  /** Sequential requests per statement count. */
  readonly statementRequests: number;
  readonly archivalMessages: number;
  readonly archivalSample: number;
  /** The larger of the restore's two sizes; the smaller is a quarter of it (peak RSS must not grow). */
  readonly restoreMessages: number;
  readonly runs: number;
  readonly connections: readonly number[];
}

const PRESETS: Record<BenchOptions['mode'], Omit<BenchOptions, 'mode'>> = {
  quick: {
    scale: 0.1,
    seconds: 3,
    warmupSeconds: 2,
    depthSeconds: 2,
    pairRounds: 5,
    statementRequests: 100,
    archivalMessages: 200_000,
    archivalSample: 5_000,
    restoreMessages: 200_000,
    runs: 2,
    connections: [1, 10],
  },
  full: {
    scale: 1,
    seconds: 10,
    warmupSeconds: 5,
    depthSeconds: 5,
    pairRounds: 6,
    statementRequests: 300,
    archivalMessages: 1_000_000,
    archivalSample: 20_000,
    restoreMessages: 1_000_000,
    runs: 2,
    connections: [1, 10],
  },
};

const NUMERIC: Record<string, keyof Omit<BenchOptions, 'mode' | 'connections'>> = {
  '--scale': 'scale',
  '--seconds': 'seconds',
  '--warmup': 'warmupSeconds',
  '--depth-seconds': 'depthSeconds',
  '--pair-rounds': 'pairRounds',
  '--statement-requests': 'statementRequests',
  '--archival-messages': 'archivalMessages',
  '--archival-sample': 'archivalSample',
  '--restore-messages': 'restoreMessages',
};

export function parseOptions(argv: readonly string[]): BenchOptions {
  const mode = argv.includes('--quick') ? 'quick' : 'full';
  const options: Record<string, unknown> = { mode, ...PRESETS[mode] };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    if (flag === '--quick') continue;
    const key = NUMERIC[flag];
    if (!key) throw new Error(`unknown option ${flag} (known: --quick, ${Object.keys(NUMERIC).join(', ')})`);
    const given = Number(argv[++i]);
    const value = key === 'scale' ? given : Math.round(given);
    if (!Number.isFinite(value) || value <= 0)
      throw new Error(`${flag} needs a positive ${key === 'scale' ? 'number' : 'whole number'}`);
    options[key] = value;
  }
  if ((options.pairRounds as number) < MIN_ROUNDS)
    throw new Error(`--pair-rounds must be at least ${MIN_ROUNDS}: a ratio from fewer rounds has no meaningful spread`);
  return options as unknown as BenchOptions;
}
