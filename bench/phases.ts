/**
 * One implementation's turn: its workloads measured in order, then (for the page
 * implementations) the depth chart's points and, when asked, two workloads measured in
 * alternation (measurePaired), while it is the only server running. A failing
 * workload is recorded with its exact error and the turn goes on, so one broken scenario
 * does not hide the others' numbers; the suite exits non-zero at the end.
 */
import type pg from 'pg';
import type { DepthPage } from './dataset/fixtures.js';
import {
  failedWorkload,
  measureLatency,
  measurePaired,
  measureWorkload,
  warmUp,
  type MeasureSettings,
  type PairedResult,
  type Target,
  type WorkloadResult,
} from './measure.js';
import type { DepthPoint } from './report/results.js';
import type { Workload } from './workloads.js';

export interface Turn {
  readonly workloads: WorkloadResult[];
  readonly depth: DepthPoint[];
  pair?: PairedResult;
  /** Message contents of each page workload's first body (and each depth page), for cross-checks. */
  readonly references: Map<string, readonly string[] | undefined>;
  readonly errors: string[];
}

export interface TurnSpec {
  readonly target: Target;
  readonly workloads: readonly Workload[];
  readonly depthPages?: readonly { readonly page: DepthPage; readonly workload: Workload }[];
  readonly settings: MeasureSettings;
  readonly depthSeconds: number;
  /** Two of `workloads` (by id) to measure in alternation after the rest. */
  readonly pair?: {
    readonly firstId: string;
    readonly secondId: string;
    readonly rounds: number;
    readonly seconds: number;
  };
  readonly admin: pg.Client;
  readonly log: (line: string) => void;
}

export async function takeTurn(spec: TurnSpec): Promise<Turn> {
  const { target, log } = spec;
  const turn: Turn = { workloads: [], depth: [], references: new Map(), errors: [] };
  // A fresh process: JIT, pools and plan caches warm up on every workload before any is measured.
  log(`  ${target.implementation}: warming up (${spec.settings.warmupSeconds} s per workload)`);
  await warmUp(
    target,
    [...spec.workloads, ...(spec.depthPages ?? []).map((d) => d.workload)],
    spec.settings.warmupSeconds,
    Math.max(...spec.settings.connections),
  );
  for (const workload of spec.workloads) {
    log(`  ${target.implementation}: ${workload.title} (${workload.bodies.length} bodies)`);
    try {
      const { result, reference } = await measureWorkload(target, workload, spec.settings, spec.admin, log);
      turn.references.set(workload.id, reference);
      turn.workloads.push(result);
    } catch (error) {
      const failed = failedWorkload(target, workload, error);
      log(`  FAILED ${target.implementation} / ${workload.title}: ${failed.error}`);
      turn.errors.push(`${target.implementation} / ${workload.title}: ${failed.error}`);
      turn.workloads.push(failed);
    }
  }
  for (const { page, workload } of spec.depthPages ?? []) {
    try {
      const { result, reference } = await measureLatency(target, workload, spec.depthSeconds);
      turn.references.set(workload.id, reference);
      turn.depth.push({ depth: page.depth, firstRowTier: page.firstRowTier, result });
      log(
        `    ${target.implementation} | depth ${page.depth.toLocaleString()}: p50 ${result.p50Ms.toFixed(2)} ms (${result.requests} requests)`,
      );
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  FAILED ${target.implementation} / depth ${page.depth}: ${message}`);
      turn.errors.push(`${target.implementation} / depth ${page.depth}: ${message}`);
    }
  }
  const pair = spec.pair;
  // Only workloads that were measured without error (a broken one is already reported).
  const measured = (id: string) =>
    turn.workloads.find((w) => w.id === id && w.error === undefined)
      ? spec.workloads.find((w) => w.id === id)
      : undefined;
  const [first, second] = pair ? [measured(pair.firstId), measured(pair.secondId)] : [];
  if (pair && first && second) {
    try {
      turn.pair = await measurePaired(target, first, second, pair.rounds, pair.seconds, log);
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      log(`  FAILED ${target.implementation} / paired ${pair.firstId}, ${pair.secondId}: ${message}`);
      turn.errors.push(`${target.implementation} / paired ${pair.firstId}, ${pair.secondId}: ${message}`);
    }
  }
  return turn;
}
