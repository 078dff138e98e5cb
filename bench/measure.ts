/**
 * Measures one workload on one running implementation:
 *
 *   1. check: a spread sample of the bodies (up to CHECKED), each answer parsed and fully
 *      checked (the scenario is broken, and the run stops, if one fails);
 *   2. warm-up: `warmupSeconds` at the highest connection count, results discarded;
 *   3. `runs` rounds; each round measures every connection count in turn (1, then 10), so
 *      slow drift of the machine spreads over both counts;
 *   4. statements per request (statements.ts), over `statementRequests` sequential requests.
 *
 * For each connection count the run with the higher requests/s is `selected` (its p50/p99
 * come from the same run); every run is kept in `runs`.
 */
import type pg from 'pg';
import { looksLikeData } from './checks.js';
import { alternate, summarizeRounds, type RatioRounds } from './paired.js';
import { askJson, postJson } from './http.js';
import { runLoad, type LoadResult } from './load.js';
import { countStatements, type StatementCount } from './statements.js';
import type { Workload } from './workloads.js';

export interface Target {
  readonly implementation: 'gateway' | 'pgFloor' | 'postgraphile' | 'seedStyle';
  readonly origin: string;
  readonly headers: Readonly<Record<string, string>>;
  /** The databases its statements are counted in, by role (hot, cold, single). */
  readonly databases: Readonly<Record<string, string>>;
}

export interface MeasureSettings {
  readonly seconds: number;
  readonly warmupSeconds: number;
  readonly runs: number;
  readonly connections: readonly number[];
  readonly statementRequests: number;
}

export interface RunResult extends LoadResult {
  readonly run: number;
}

export interface WorkloadResult {
  readonly id: string;
  readonly title: string;
  readonly implementation: Target['implementation'];
  readonly bodies: number;
  readonly answersChecked: number;
  readonly runs: readonly RunResult[];
  /** By connection count: the better of the runs (higher requests/s). */
  readonly selected: Readonly<Record<string, RunResult>>;
  readonly statements: StatementCount | null;
  /** Set when the workload failed (a check or a load run): the exact error, answer included. */
  readonly error?: string;
}

const CHECKED = 25;

/** The target's headers, with the workload's own (the sidebar's viewer token) over them. */
export function headersFor(target: Target, workload: Workload): Readonly<Record<string, string>> {
  return workload.headers ? { ...target.headers, ...workload.headers } : target.headers;
}
/** Pause between the last load run and the statement count. */
const SETTLE_MS = 1_000;

export const SELECTION =
  'for each connection count, the run with the higher requests/s (its p50 and p99 are from that run)';

/** Checks a spread sample of the workload's answers; returns the page contents of bodies[0], if a page. */
async function checkWorkload(
  target: Target,
  workload: Workload,
): Promise<{ checked: number; reference: readonly string[] | undefined }> {
  const url = target.origin + workload.path;
  const step = Math.max(1, Math.floor(workload.bodies.length / CHECKED));
  let reference: readonly string[] | undefined;
  let checked = 0;
  for (let index = 0; index < workload.bodies.length && checked < CHECKED; index += step, checked++) {
    const answer = await askJson(url, workload.bodies[index], headersFor(target, workload));
    const contents = (() => {
      try {
        return workload.check(answer, index);
      } catch (error) {
        throw new Error(
          `${target.implementation} / ${workload.title}: body ${index} failed its check: ${error instanceof Error ? error.message : String(error)}`,
          { cause: error },
        );
      }
    })();
    if (index === 0) reference = contents;
  }
  return { checked, reference };
}

/** Measures the workload; also returns the message contents of its first body's answer (for cross-checks). */
export async function measureWorkload(
  target: Target,
  workload: Workload,
  settings: MeasureSettings,
  admin: pg.Client,
  log: (line: string) => void,
): Promise<{ result: WorkloadResult; reference: readonly string[] | undefined }> {
  const { checked, reference } = await checkWorkload(target, workload);
  const load = (connections: number, seconds: number) =>
    runLoad({
      url: target.origin + workload.path,
      headers: headersFor(target, workload),
      bodies: workload.bodies,
      connections,
      seconds,
      verify: looksLikeData,
    });
  await load(Math.max(...settings.connections), settings.warmupSeconds);

  const runs: RunResult[] = [];
  for (let run = 1; run <= settings.runs; run++) {
    for (const connections of settings.connections) {
      const result = { run, ...(await load(connections, settings.seconds)) };
      runs.push(result);
      log(
        `    ${target.implementation} | ${workload.title} | ${connections} conn | run ${run}: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms`,
      );
    }
  }
  const selected = Object.fromEntries(
    settings.connections.map((connections) => {
      const candidates = runs.filter((r) => r.connections === connections);
      return [
        String(connections),
        candidates.reduce((best, r) => (r.requestsPerSecond > best.requestsPerSecond ? r : best)),
      ];
    }),
  );
  // Requests still in flight when the last run stopped must not land in the count.
  await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  const statements = await countStatements(admin, target.databases, settings.statementRequests, async (i) => {
    const answer = await postJson(
      target.origin + workload.path,
      workload.bodies[i % workload.bodies.length],
      headersFor(target, workload),
    );
    if (answer.status !== 200 || !looksLikeData(answer.text))
      throw new Error(`${target.implementation} / ${workload.title}: ${answer.status} ${answer.text.slice(0, 2000)}`);
  });
  log(
    `    ${target.implementation} | ${workload.title} | statements/request: ${formatPerStore(statements.perRequest)}`,
  );
  return {
    result: {
      id: workload.id,
      title: workload.title,
      implementation: target.implementation,
      bodies: workload.bodies.length,
      answersChecked: checked,
      runs,
      selected,
      statements,
    },
    reference,
  };
}

/** A result for a workload that failed before or while it was measured. */
export function failedWorkload(target: Target, workload: Workload, error: unknown): WorkloadResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    id: workload.id,
    title: workload.title,
    implementation: target.implementation,
    bodies: workload.bodies.length,
    answersChecked: 0,
    runs: [],
    selected: {},
    statements: null,
    error: message,
  };
}

/**
 * Warms a freshly started server up: every workload in turn, `seconds` each, at
 * `connections`; results discarded, failures too (a broken workload is reported when it is
 * measured, with its answer).
 */
export async function warmUp(
  target: Target,
  workloads: readonly Workload[],
  seconds: number,
  connections: number,
): Promise<void> {
  for (const workload of workloads) {
    await runLoad({
      url: target.origin + workload.path,
      headers: headersFor(target, workload),
      bodies: workload.bodies,
      connections,
      seconds,
      verify: () => true,
    }).catch(() => undefined);
  }
}

export interface PairedRound {
  readonly round: number;
  readonly first: LoadResult;
  readonly second: LoadResult;
  /** second's p50 over first's. */
  readonly ratio: number;
}

export interface PairedResult extends RatioRounds {
  readonly firstId: string;
  readonly secondId: string;
  readonly seconds: number;
  readonly rounds: readonly PairedRound[];
  /** The median of the rounds' ratios (= median). */
  readonly medianRatio: number;
}

/**
 * `second` against `first` at one connection, in `rounds` paired rounds of one `seconds`-long
 * run of each (bench/paired.ts: back to back, order swapped every round). The median of the
 * rounds' ratios is the result, and every round is kept.
 */
export async function measurePaired(
  target: Target,
  first: Workload,
  second: Workload,
  rounds: number,
  seconds: number,
  log: (line: string) => void,
): Promise<PairedResult> {
  const load = (workload: Workload, s: number) =>
    runLoad({
      url: target.origin + workload.path,
      headers: headersFor(target, workload),
      bodies: workload.bodies,
      connections: 1,
      seconds: s,
      verify: looksLikeData,
    });
  await load(first, 1);
  await load(second, 1);
  const pairs = await alternate(
    rounds,
    () => load(first, seconds),
    () => load(second, seconds),
    (round, a, b) =>
      log(
        `    ${target.implementation} | paired round ${round}: ${first.id} p50 ${a.p50Ms.toFixed(2)} ms, ${second.id} p50 ${b.p50Ms.toFixed(2)} ms, ratio ${(b.p50Ms / a.p50Ms).toFixed(3)}`,
      ),
  );
  const results: PairedRound[] = pairs.map((pair, index) => ({
    round: index + 1,
    first: pair.first,
    second: pair.second,
    ratio: pair.second.p50Ms / pair.first.p50Ms,
  }));
  const summary = summarizeRounds(results.map((r) => r.ratio));
  return {
    ...summary,
    firstId: first.id,
    secondId: second.id,
    seconds,
    rounds: results,
    medianRatio: summary.median,
  };
}

/** The depth chart's point: one run at one connection, after a short warm-up; with the page's contents. */
export async function measureLatency(
  target: Target,
  workload: Workload,
  seconds: number,
): Promise<{ result: LoadResult; reference: readonly string[] | undefined }> {
  const { reference } = await checkWorkload(target, workload);
  const load = (s: number) =>
    runLoad({
      url: target.origin + workload.path,
      headers: headersFor(target, workload),
      bodies: workload.bodies,
      connections: 1,
      seconds: s,
      verify: looksLikeData,
    });
  await load(1);
  return { result: await load(seconds), reference };
}

function formatPerStore(perRequest: Readonly<Record<string, number>>): string {
  return Object.entries(perRequest)
    .map(([store, n]) => `${store} ${n}`)
    .join(', ');
}

export interface Side {
  readonly target: Target;
  readonly workload: Workload;
}

export interface ThroughputRounds extends RatioRounds {
  readonly connections: number;
  readonly seconds: number;
  readonly rounds: readonly { readonly gateway: LoadResult; readonly peer: LoadResult }[];
}

/** Gateway req/s over the peer's, on the same page, in `rounds` paired rounds. */
export async function measurePairedThroughput(
  gateway: Side,
  peer: Side,
  options: {
    readonly rounds: number;
    readonly seconds: number;
    readonly connections: number;
    readonly warmupSeconds: number;
  },
  log: (line: string) => void,
): Promise<ThroughputRounds> {
  const load = (side: Side, seconds: number) =>
    runLoad({
      url: side.target.origin + side.workload.path,
      headers: headersFor(side.target, side.workload),
      bodies: side.workload.bodies,
      connections: options.connections,
      seconds,
      verify: looksLikeData,
    });
  await load(gateway, options.warmupSeconds);
  await load(peer, options.warmupSeconds);
  const rounds = await alternate(
    options.rounds,
    () => load(gateway, options.seconds),
    () => load(peer, options.seconds),
    (round, g, p) =>
      log(
        `    paired round ${round}: gateway ${g.requestsPerSecond.toFixed(0)} req/s, ${peer.target.implementation} ${p.requestsPerSecond.toFixed(0)} req/s, ratio ${(g.requestsPerSecond / p.requestsPerSecond).toFixed(3)}`,
      ),
  );
  const summary = summarizeRounds(rounds.map((r) => r.first.requestsPerSecond / r.second.requestsPerSecond));
  return {
    ...summary,
    connections: options.connections,
    seconds: options.seconds,
    rounds: rounds.map((r) => ({ gateway: r.first, peer: r.second })),
  };
}
