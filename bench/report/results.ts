/**
 * The suite's result document (bench/results/latest.json and its dated copy), and the
 * derivation of the headline ratios and goals from the measurements, in one place so the
 * JSON, the markdown and the chart cannot disagree.
 */
import type { ArchivalResult } from '../archival-measure.js';
import type { LoadResult } from '../load.js';
import type { PairedResult, ThroughputRounds, WorkloadResult } from '../measure.js';
import type { RatioRounds } from '../paired.js';
import type { BenchOptions } from '../options.js';

export type Implementation = 'gateway' | 'pgFloor' | 'postgraphile' | 'seedStyle';

export interface DepthPoint {
  readonly depth: number;
  readonly firstRowTier: 'HOT' | 'COLD';
  readonly result: LoadResult;
}

export interface BenchResults {
  readonly schemaVersion: 1;
  readonly generatedAt: string;
  readonly wallSeconds: number;
  readonly options: BenchOptions;
  readonly machine: Readonly<Record<string, string | number>>;
  readonly git: { readonly commit: string; readonly dirty: boolean };
  readonly dataset: Readonly<Record<string, unknown>> & {
    readonly summary: string;
    readonly depth: number;
    readonly generationSeconds: number;
  };
  readonly selection: string;
  readonly gateway: readonly WorkloadResult[];
  readonly peers: Readonly<Record<Exclude<Implementation, 'gateway'>, readonly WorkloadResult[]>>;
  readonly depthChart: {
    readonly connections: 1;
    readonly seconds: number;
    readonly depths: readonly number[];
    readonly series: Readonly<Record<'gateway' | 'pgFloor' | 'seedStyle', readonly DepthPoint[]>>;
    readonly note: string;
  };
  /** Scenario 3's two pages in alternation: every round, and the median ratio (ratios.deepVsFirstPage). */
  readonly deepVsFirstPagePaired: PairedResult | null;
  readonly statements: {
    /** Hot + cold statements per request, gateway, scenario 2. */
    readonly stitchedPage: number;
    /** Cold statements per request, gateway, scenario 1. */
    readonly hotOnlyPageCold: number;
    readonly perScenario: Readonly<Record<Implementation, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
  };
  readonly archival: ArchivalResult & { readonly peakRssMb: number };
  /** Each ratio: the median of its paired rounds. */
  readonly ratios: Readonly<Record<RatioKey, number>>;
  /** Each ratio's rounds, spread and disagreement flag (null when it was not measured). */
  readonly ratioRounds: Readonly<Record<RatioKey, RatioRounds | null>>;
  /** The gateway against each peer on scenario 2, paired rounds at 10 connections. */
  readonly pagePairs: Readonly<Partial<Record<Exclude<Implementation, 'gateway'>, ThroughputRounds>>>;
  readonly ratioDefinitions: Readonly<Record<RatioKey, string>>;
  readonly goals: readonly Goal[];
  /** Identical answers across implementations: captured before each is measured, compared after every turn. */
  readonly crossChecks: readonly string[];
  readonly notes: readonly string[];
}

export type RatioKey =
  'pageVsPostgraphile' | 'pageVsPgFloor' | 'pageVsSeedStyle' | 'deepVsFirstPage' | 'archivalVsCopyFloor';

export interface Goal {
  readonly key: string;
  readonly goal: string;
  readonly value: number;
  readonly met: boolean;
}

export const RATIO_DEFINITIONS: Record<RatioKey, string> = {
  pageVsPostgraphile:
    "gateway req/s on scenario 2 (across the boundary) over PostGraphile's on the same page of its single store, 10 connections, median of paired rounds",
  pageVsPgFloor:
    "gateway req/s on scenario 2 over the pg floor's on the same page, 10 connections, median of paired rounds",
  pageVsSeedStyle:
    "gateway req/s on scenario 2 over the seed-style design's on the same page, 10 connections, median of paired rounds",
  deepVsFirstPage:
    "gateway p50 latency of the page `depth` rows deep in the big conversation over its first page's, 1 connection, median of paired rounds",
  archivalVsCopyFloor:
    "archival job rows/s over psql's \\copy floor (plus one DELETE), same rows, same run, median of paired rounds",
};

export interface PairedRatios {
  readonly pages: Partial<Record<Exclude<Implementation, 'gateway'>, RatioRounds>>;
  readonly deepVsFirstPage?: RatioRounds;
  readonly archival: RatioRounds;
}

/** Every ratio is the median of its paired rounds (bench/paired.ts); NaN (goal unmet) when they did not run. */
export function deriveRatioRounds(paired: PairedRatios): Record<RatioKey, RatioRounds | null> {
  return {
    pageVsPostgraphile: paired.pages.postgraphile ?? null,
    pageVsPgFloor: paired.pages.pgFloor ?? null,
    pageVsSeedStyle: paired.pages.seedStyle ?? null,
    deepVsFirstPage: paired.deepVsFirstPage ?? null,
    archivalVsCopyFloor: Number.isFinite(paired.archival.median) ? paired.archival : null,
  };
}

export function deriveRatios(rounds: Record<RatioKey, RatioRounds | null>): Record<RatioKey, number> {
  return Object.fromEntries(
    Object.entries(rounds).map(([key, value]) => [key, round(value ? value.median : Number.NaN)]),
  ) as Record<RatioKey, number>;
}

export function statementsPerScenario(results: readonly WorkloadResult[]): Record<string, Record<string, number>> {
  return Object.fromEntries(
    results.map((r) => [
      r.id,
      { ...(r.statements?.perRequest ?? {}), total: r.statements?.totalPerRequest ?? Number.NaN },
    ]),
  );
}

export function deriveGoals(
  ratios: Record<RatioKey, number>,
  statements: BenchResults['statements'],
  archival: BenchResults['archival'],
): Goal[] {
  const goal = (key: string, value: number, op: '>=' | '<=' | '=', target: number): Goal => ({
    key,
    goal: `${op} ${target}`,
    value,
    met: op === '>=' ? value >= target : op === '<=' ? value <= target : value === target,
  });
  return [
    goal('ratios.pageVsPostgraphile', ratios.pageVsPostgraphile, '>=', 1.0),
    goal('ratios.deepVsFirstPage', ratios.deepVsFirstPage, '<=', 1.2),
    goal('ratios.archivalVsCopyFloor', ratios.archivalVsCopyFloor, '>=', 0.5),
    goal('archival.peakRssMb', archival.peakRssMb, '<=', 300),
    goal('statements.hotOnlyPageCold', statements.hotOnlyPageCold, '=', 0),
    goal('statements.stitchedPage', statements.stitchedPage, '<=', 4),
  ];
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
