/**
 * `npm run archive`: starts one archival run (or a restore) through the running gateway, over
 * HTTP with ADMIN_TOKEN exactly as a cron job would, then follows that run by id until it ends.
 *
 *   npm run archive [-- --older-than-days 30] [--dry-run] [--url http://host:4000/graphql]
 *   npm run archive -- --restore --from 2026-09-01 --to 2026-09-30   (the rollback plan)
 *   npm run archive -- --follow <run id>      follow a run already started
 *   npm run archive -- --cancel <run id>      ask a run to stop at its next batch boundary
 *   [--poll-ms 1000] [--give-up-after 600]    seconds without an answer before giving up
 *
 * The gateway answers the start at once or after a short wait (ARCHIVAL_ANSWER_WAIT_MS); the
 * run goes on in the gateway's worker. The CLI polls node(id) and draws progress (a bar with
 * rows/s and an ETA on a terminal, plain lines otherwise). A dropped connection or a restart of
 * the gateway is retried with backoff, following the same run id; a run whose gateway died
 * ends FAILED ("interrupted") when a gateway starts again, and the CLI reports that.
 *
 * Exit codes: 0 the run SUCCEEDED; 1 it FAILED, the gateway refused (the error code is printed,
 * e.g. ARCHIVAL_IN_PROGRESS) or could not be reached for --give-up-after seconds; 2 bad
 * arguments; 3 the run was CANCELLED. Stopping the CLI (Ctrl-C) leaves the run going.
 */
import { loadConfig } from '../config.js';
import { gatewayClient, GatewayError, TransientError, type Call } from './gateway-client.js';
import { RUN_FIELDS, runView, summary, type RunState, type RunView } from './run-view.js';

class UsageError extends Error {}

interface Args {
  readonly olderThanDays?: number;
  readonly dryRun: boolean;
  readonly url?: string;
  readonly restore?: { readonly from: string; readonly to: string };
  readonly follow?: string;
  readonly cancel?: string;
  readonly pollMs: number;
  readonly giveUpAfterSeconds: number;
}

function parseArgs(argv: string[]): Args {
  let olderThanDays: number | undefined;
  let dryRun = false;
  let url: string | undefined;
  let restore = false;
  let from: string | undefined;
  let to: string | undefined;
  let follow: string | undefined;
  let cancel: string | undefined;
  let pollMs = 1000;
  let giveUpAfterSeconds = 600;
  const day = (value: string | undefined, flag: string) => {
    if (!value || !/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UsageError(`${flag} takes a date as YYYY-MM-DD`);
    return value;
  };
  const whole = (value: string | undefined, flag: string, min: number) => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < min) throw new UsageError(`${flag} takes a whole number from ${min}`);
    return n;
  };
  const id = (value: string | undefined, flag: string) => {
    if (!value) throw new UsageError(`${flag} takes a run id (ArchivalRun.id)`);
    return value;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--restore') restore = true;
    else if (arg === '--from') from = day(argv[++i], '--from');
    else if (arg === '--to') to = day(argv[++i], '--to');
    else if (arg === '--older-than-days') olderThanDays = whole(argv[++i], '--older-than-days', 0);
    else if (arg === '--url') url = argv[++i];
    else if (arg === '--follow') follow = id(argv[++i], '--follow');
    else if (arg === '--cancel') cancel = id(argv[++i], '--cancel');
    else if (arg === '--poll-ms') pollMs = whole(argv[++i], '--poll-ms', 10);
    else if (arg === '--give-up-after') giveUpAfterSeconds = whole(argv[++i], '--give-up-after', 1);
    else throw new UsageError(`unknown argument ${arg}`);
  }
  if (restore && (!from || !to)) throw new UsageError('--restore needs --from and --to');
  if (!restore && (from || to)) throw new UsageError('--from and --to go with --restore');
  if ((follow || cancel) && (restore || dryRun || olderThanDays !== undefined))
    throw new UsageError('--follow and --cancel take a run id and nothing that starts a run');
  return {
    olderThanDays,
    dryRun,
    url,
    restore: restore ? { from: from!, to: to! } : undefined,
    follow,
    cancel,
    pollMs,
    giveUpAfterSeconds,
  };
}

const EXIT = { SUCCEEDED: 0, FAILED: 1, CANCELLED: 3 } as const;

async function main(argv: string[]): Promise<number> {
  const config = loadConfig();
  const args = parseArgs(argv);
  const url = args.url ?? config.gatewayUrl;
  const call = gatewayClient(url, config.adminToken);
  const view = runView(process.stdout);
  const retrying = withRetries(view, args);

  if (args.cancel) {
    const { run } = await call<{ run: RunState }>(
      `mutation ($id: ID!) { run: cancelArchivalRun(id: $id) { ${RUN_FIELDS} } }`,
      {
        id: args.cancel,
      },
    );
    view.note(`run ${run.id}: cancel requested; it stops at its next batch boundary (status ${run.status})`);
    return 0;
  }
  const first = args.follow
    ? await retrying(() => runById(call, args.follow!))
    : await start(call, args, view, retrying);
  process.once('SIGINT', () => {
    view.note(`stopped following run ${first.id}; it goes on (npm run archive -- --follow ${first.id})`);
    process.exit(130);
  });
  const run = await follow(call, first, args, view, retrying);
  const seconds = (Date.parse(run.finishedAt ?? new Date().toISOString()) - Date.parse(run.startedAt)) / 1000;
  view.note(
    `run ${run.id} ${run.status} in ${seconds.toFixed(1)} s, ${run.kind === 'RESTORE' ? 'range from' : 'cutoff'} ${run.cutoff}: ${summary(run)}${run.error ? `\n  error: ${run.error}` : ''}`,
  );
  return run.status in EXIT ? EXIT[run.status as keyof typeof EXIT] : 1;
}

/**
 * Starts the run. Should the connection drop before the answer, the run may have started all
 * the same: the newest run, if it is not the one that was newest before and is of this kind,
 * is taken as this one. (Another caller's run started at the same moment would be taken for it:
 * the lock lets one of the two through, and following that one is the best this CLI can do.)
 */
async function start(call: Call, args: Args, view: RunView, retrying: Retrying): Promise<RunState> {
  const newest = async (): Promise<RunState | undefined> => {
    const data = await call<{ archivalRuns: { edges: { node: RunState }[] } }>(
      `{ archivalRuns(first: 1) { edges { node { ${RUN_FIELDS} } } } }`,
    );
    return data.archivalRuns.edges[0]?.node;
  };
  const before = (await retrying(newest))?.id;
  const kind = args.restore ? 'RESTORE' : 'ARCHIVE';
  let pending: Promise<{ run: RunState }>;
  if (args.restore) {
    view.note(`restore: rows of ${args.restore.from} to ${args.restore.to} back to the hot store`);
    pending = call<{ run: RunState }>(
      `mutation ($from: Date!, $to: Date!) { run: restoreArchive(from: $from, to: $to) { ${RUN_FIELDS} } }`,
      args.restore,
    );
  } else {
    const olderThanDays = args.olderThanDays ?? loadConfig().archivalOlderThanDays;
    view.note(`archival${args.dryRun ? ' (dry run)' : ''}: rows older than ${olderThanDays} days`);
    pending = call<{ run: RunState }>(
      `mutation ($input: RunArchivalInput) { run: runArchival(input: $input) { ${RUN_FIELDS} } }`,
      {
        input: { olderThanDays, dryRun: args.dryRun },
      },
    );
  }
  try {
    const { run } = await pending;
    view.note(
      `run ${run.id} started ${run.startedAt}${run.rowsToMove !== null ? `, about ${run.rowsToMove.toLocaleString('en-US')} rows to move` : ''}`,
    );
    return run;
  } catch (error) {
    if (!(error instanceof TransientError)) throw error;
    view.note(`the start's answer was lost (${error.message}); looking for the run`);
    const found = await retrying(newest);
    if (!found || found.id === before || found.kind !== kind)
      throw new GatewayError('NOT_STARTED', `no run started (${error.message})`);
    view.note(`run ${found.id} found, started ${found.startedAt}`);
    return found;
  }
}

async function runById(call: Call, id: string): Promise<RunState> {
  const { node } = await call<{ node: RunState | null }>(
    `query ($id: ID!) { node(id: $id) { ... on ArchivalRun { ${RUN_FIELDS} } } }`,
    { id },
  );
  if (!node?.id) throw new GatewayError('NOT_FOUND', `no archival run has the id ${id}`);
  return node;
}

/** Polls the run by id until it is no longer RUNNING. */
async function follow(call: Call, first: RunState, args: Args, view: RunView, retrying: Retrying): Promise<RunState> {
  let run = first;
  view.show(run);
  while (run.status === 'RUNNING') {
    await sleep(args.pollMs);
    run = await retrying(() => runById(call, run.id));
    view.show(run);
  }
  return run;
}

type Retrying = <T>(attempt: () => Promise<T>) => Promise<T>;

/** Retries transient failures with doubling waits (0.25 s to 10 s) until giveUpAfterSeconds pass. */
function withRetries(view: RunView, args: Args): Retrying {
  return async (attempt) => {
    let wait = 250;
    let lostAt: number | undefined;
    for (;;) {
      try {
        const result = await attempt();
        if (lostAt !== undefined) view.note(`reconnected after ${((Date.now() - lostAt) / 1000).toFixed(1)} s`);
        return result;
      } catch (error) {
        if (!(error instanceof TransientError)) throw error;
        if (lostAt === undefined) {
          lostAt = Date.now();
          view.note(`lost the gateway (${error.message}); retrying`);
        }
        if (Date.now() - lostAt > args.giveUpAfterSeconds * 1000)
          throw new GatewayError('UNREACHABLE', `no answer for ${args.giveUpAfterSeconds} s: ${error.message}`);
        await sleep(wait);
        wait = Math.min(wait * 2, 10_000);
      }
    }
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`archive: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
