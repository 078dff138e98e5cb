/**
 * `npm run archive`: one archival run through the running gateway's runArchival mutation,
 * over HTTP with ADMIN_TOKEN, exactly as a cron job would call it. Shows progress while the
 * run works and exits non-zero when it fails.
 *
 *   npm run archive [-- --older-than-days 30] [--dry-run] [--url http://host:4000/graphql]
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
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--older-than-days') {
      olderThanDays = Number(argv[++i]);
      if (!Number.isInteger(olderThanDays) || olderThanDays < 0) throw new UsageError('--older-than-days takes a whole number of days');
    } else if (arg === '--url') url = argv[++i];
    else throw new UsageError(`unknown argument ${arg}`);
  }
  return { olderThanDays, dryRun, url };
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
    const body = (await response.json().catch(() => ({}))) as { data?: any; errors?: { message: string; extensions?: { code?: string } }[] };
    if (body.errors?.length) {
      const [error] = body.errors;
      throw new Error(`${error!.extensions?.code ?? `HTTP ${response.status}`}: ${error!.message}`);
    }
    if (!response.ok || !body.data) throw new Error(`HTTP ${response.status} from ${url}`);
    return body.data;
  };

  console.log(`archival${args.dryRun ? ' (dry run)' : ''}: rows older than ${olderThanDays} days, via ${url}`);
  const started = Date.now();
  const pending = call(`mutation Run($input: RunArchivalInput) { runArchival(input: $input) { ${RUN_FIELDS} } }`, { input: { olderThanDays, dryRun: args.dryRun } });
  let finished = false;
  pending.then(() => (finished = true), () => (finished = true));
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
  const run: Run = (await pending).runArchival;
  console.log(`run ${run.id} ${run.status} in ${((Date.now() - started) / 1000).toFixed(1)} s, cutoff ${run.cutoff}: ${progress(run)}`);
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
