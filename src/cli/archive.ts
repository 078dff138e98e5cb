/**
 * `npm run archive`: one archival run through the running gateway's runArchival mutation,
 * over HTTP with ADMIN_TOKEN, exactly as a cron job would call it. Shows progress while the
 * run works and exits non-zero when it fails.
 *
 *   npm run archive [-- --older-than-days 30] [--dry-run] [--url http://host:4000/graphql]
 *   npm run archive -- --restore --from 2026-09-01 --to 2026-09-30   (the rollback plan)
 *
 * Exit codes: 0 the run succeeded; 1 it failed or the gateway refused (the error code is
 * printed, e.g. ARCHIVAL_IN_PROGRESS); 2 bad arguments.
 */
import { loadConfig } from '../config.js';

const RUN_FIELDS = 'id status dryRun cutoff startedAt finishedAt messages posts comments stockPrices error';

interface Run {
  readonly id: string;
  readonly status: string;
  readonly dryRun: boolean;
  readonly cutoff: string;
  readonly messages: number;
  readonly posts: number;
  readonly comments: number;
  readonly stockPrices: number;
  readonly error: string | null;
}

class UsageError extends Error {}

function parseArgs(argv: string[]) {
  let olderThanDays: number | undefined;
  let dryRun = false;
  let url: string | undefined;
  let restore = false;
  let from: string | undefined;
  let to: string | undefined;
  const day = (value: string | undefined, flag: string) => {
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${flag} takes a date as YYYY-MM-DD`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--restore') restore = true;
    else if (arg === '--from') from = day(argv[++i], '--from');
    else if (arg === '--to') to = day(argv[++i], '--to');
    else if (arg === '--older-than-days') {
      olderThanDays = Number(argv[++i]);
      if (!Number.isInteger(olderThanDays) || olderThanDays < 0)
        throw new UsageError('--older-than-days takes a whole number of days');
    } else if (arg === '--url') url = argv[++i];
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (restore && (!from || !to)) throw new UsageError('--restore needs --from and --to');
  if (!restore && (from || to)) throw new UsageError('--from and --to go with --restore');
  return { olderThanDays, dryRun, url, restore: restore ? { from: from!, to: to! } : undefined };
}

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const args = parseArgs(argv);
  const url = args.url ?? config.gatewayUrl;
  const olderThanDays = args.olderThanDays ?? config.archivalOlderThanDays;
  const call = async (query: string, variables: Record<string, unknown> = {}) => {
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${config.adminToken}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json().catch(() => ({}))) as {
      data?: any;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    if (body.errors?.length) {
      const [error] = body.errors;
      throw new Error(`${error.extensions?.code ?? `HTTP ${response.status}`}: ${error.message}`);
    }
    if (!response.ok || !body.data) throw new Error(`HTTP ${response.status} from ${url}`);
    return body.data;
  };

  const started = Date.now();
  let pending: Promise<{ run: Run }>;
  if (args.restore) {
    console.log(`restore: rows of ${args.restore.from} to ${args.restore.to} back to the hot store, via ${url}`);
    pending = call(
      `mutation Restore($from: Date!, $to: Date!) { run: restoreArchive(from: $from, to: $to) { ${RUN_FIELDS} } }`,
      args.restore,
    );
  } else {
    console.log(`archival${args.dryRun ? ' (dry run)' : ''}: rows older than ${olderThanDays} days, via ${url}`);
    pending = call(`mutation Run($input: RunArchivalInput) { run: runArchival(input: $input) { ${RUN_FIELDS} } }`, {
      input: { olderThanDays, dryRun: args.dryRun },
    });
  }
  let finished = false;
  pending.then(
    () => (finished = true),
    () => (finished = true),
  );
  let shown = '';
  while (!finished) {
    await Promise.race([pending.catch(() => undefined), new Promise((resolve) => setTimeout(resolve, 1000))]);
    if (finished) break;
    const data = await call(`{ archivalRuns(first: 1) { edges { node { ${RUN_FIELDS} } } } }`).catch(() => undefined);
    const run: Run | undefined = data?.archivalRuns.edges[0]?.node;
    if (run?.status === 'RUNNING') {
      const line = progress(run);
      if (line !== shown) console.log(`  ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s  ${line}`);
      shown = line;
    }
  }
  const { run } = await pending;
  console.log(
    `run ${run.id} ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s, cutoff ${run.cutoff}: ${progress(run)}`,
  );
  return run.status === 'SUCCEEDED' ? 0 : 1;
}

function progress(run: Run): string {
  return `messages ${run.messages}, posts ${run.posts}, comments ${run.comments}, stock prices ${run.stockPrices}`;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`archive: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
