/**
 * The suite's result document (bench/results/latest.json and its dated copy), and the
 * derivation of the headline ratios and goals from the measurements, in one place so the
 * JSON, the markdown and the chart cannot disagree.
 */
import type { ArchivalResult } from '../archival-measure.js';
import type { RestoreResult } from '../restore-measure.js';
import type { LoadResult } from '../load.js';
import type { PairedResult, ThroughputRounds, WorkloadResult } from '../measure.js';
import type { RatioRounds } from '../paired.js';
import type { BenchOptions } from '../options.js';

export type Implementation = 'gateway' | 'pgFloor' | 'postgraphile' | 'seedStyle';
/** The peers that answer the feed and the sidebar (scenarios 6 and 7). */
export type NestedPeer = 'pgFloor' | 'postgraphile';
export type NestedPage = 'feed' | 'sidebar';
/** The gateway against each nested peer on each nested page, paired rounds at 10 connections. */
export type NestedPairs = Readonly<Record<NestedPage, Readonly<Partial<Record<NestedPeer, ThroughputRounds>>>>>;
/** Statements per request of one gateway scenario, per store. */
export interface StoreStatements {
  readonly hot: number;
  readonly cold: number;
  readonly total: number;
}

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
    /** The gateway's statements per request on scenario 6 (the feed), per store. */
    readonly feed: StoreStatements;
    /** The gateway's statements per request on scenario 7 (the sidebar), per store. */
    readonly sidebar: StoreStatements;
    readonly perScenario: Readonly<Record<Implementation, Readonly<Record<string, Readonly<Record<string, number>>>>>>;
  };
  readonly archival: ArchivalResult & { readonly peakRssMb: number };
  /** Restore (cold back to hot) at two sizes, smaller first; empty when the phase failed. */
  readonly restore: readonly RestoreResult[];
  /** Each ratio: the median of its paired rounds. */
  readonly ratios: Readonly<Record<RatioKey, number>>;
  /** Each ratio's rounds, spread and disagreement flag (null when it was not measured). */
  readonly ratioRounds: Readonly<Record<RatioKey, RatioRounds | null>>;
  /** The gateway against each peer on scenario 2, paired rounds at 10 connections. */
  readonly pagePairs: Readonly<Partial<Record<Exclude<Implementation, 'gateway'>, ThroughputRounds>>>;
  /** The gateway against the floor and PostGraphile on scenarios 6 and 7, paired rounds at 10 connections. */
  readonly nestedPairs: NestedPairs;
  readonly ratioDefinitions: Readonly<Record<RatioKey, string>>;
  readonly goals: readonly Goal[];
  /** Identical answers across implementations: captured before each is measured, compared after every turn. */
  readonly crossChecks: readonly string[];
  readonly notes: readonly string[];
}

export type RatioKey =
  | 'pageVsPostgraphile'
  | 'pageVsPgFloor'
  | 'pageVsSeedStyle'
  | 'feedVsPostgraphile'
  | 'sidebarVsPostgraphile'
  | 'feedVsPgFloor'
  | 'sidebarVsPgFloor'
  | 'deepVsFirstPage'
  | 'archivalVsCopyFloor'
  | 'restoreVsCopyFloor';

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
  feedVsPostgraphile:
    "gateway req/s on scenario 6 (the feed: 20 posts, author, counts, 3 comments with authors) over PostGraphile's equivalent query on its single store, 10 connections, median of paired rounds",
  sidebarVsPostgraphile:
    "gateway req/s on scenario 7 (the viewer's 20 conversations, participants, newest message) over PostGraphile's equivalent query on its single store, 10 connections, median of paired rounds",
  feedVsPgFloor:
    "gateway req/s on scenario 6 over the pg floor's (one statement per store, every level in it), 10 connections, median of paired rounds",
  sidebarVsPgFloor:
    "gateway req/s on scenario 7 over the pg floor's (one statement per store, every level in it), 10 connections, median of paired rounds",
  deepVsFirstPage:
    "gateway p50 latency of the page `depth` rows deep in the big conversation over its first page's, 1 connection, median of paired rounds",
  archivalVsCopyFloor:
    "archival job rows/s over psql's \\copy floor (plus one DELETE), same rows, same run, median of paired rounds",
  restoreVsCopyFloor:
    "restore rows/s over psql's \\copy floor (out of cold into hot, plus one DELETE in cold), the larger size, same rows, same run, median of paired rounds",
};

export interface PairedRatios {
  readonly pages: Partial<Record<Exclude<Implementation, 'gateway'>, RatioRounds>>;
  readonly nested: NestedPairs;
  readonly deepVsFirstPage?: RatioRounds;
  readonly archival: RatioRounds;
  readonly restore?: RatioRounds;
}

/** Every ratio is the median of its paired rounds (bench/paired.ts); NaN (goal unmet) when they did not run. */
export function deriveRatioRounds(paired: PairedRatios): Record<RatioKey, RatioRounds | null> {
  return {
    pageVsPostgraphile: paired.pages.postgraphile ?? null,
    pageVsPgFloor: paired.pages.pgFloor ?? null,
    pageVsSeedStyle: paired.pages.seedStyle ?? null,
    feedVsPostgraphile: paired.nested.feed.postgraphile ?? null,
    sidebarVsPostgraphile: paired.nested.sidebar.postgraphile ?? null,
    feedVsPgFloor: paired.nested.feed.pgFloor ?? null,
    sidebarVsPgFloor: paired.nested.sidebar.pgFloor ?? null,
    deepVsFirstPage: paired.deepVsFirstPage ?? null,
    archivalVsCopyFloor: Number.isFinite(paired.archival.median) ? paired.archival : null,
    restoreVsCopyFloor: paired.restore && Number.isFinite(paired.restore.median) ? paired.restore : null,
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

/** A scenario's statements per request as `{ hot, cold, total }` (NaN where it was not measured). */
export function storeStatements(perScenario: Record<string, Record<string, number>>, id: string): StoreStatements {
  const counted = perScenario[id];
  return {
    hot: counted?.hot ?? Number.NaN,
    cold: counted?.cold ?? Number.NaN,
    total: counted?.total ?? Number.NaN,
  };
}

/**
 * The goals of issues 11 and 13, from this run's figures. Statements per request: at most 2
 * per store (a page and its nested page) plus 1 per loader type, the bounds' cache counted as
 * one (a refresh every BOUNDS_TTL_MS adds a fraction of a statement). The feed's loader types:
 * like counts and comment counts (authors come joined to their rows); the sidebar's: the
 * viewer, the conversations' participant ids, the participants.
 */
export function deriveGoals(
  ratios: Record<RatioKey, number>,
  statements: BenchResults['statements'],
  archival: BenchResults['archival'],
  restore: readonly RestoreResult[] = [],
): Goal[] {
  const goal = (key: string, value: number, op: '>=' | '<=' | '=', target: number): Goal => ({
    key,
    goal: `${op} ${target}`,
    value,
    met: op === '>=' ? value >= target : op === '<=' ? value <= target : value === target,
  });
  const restorePeaks = restore.map((r) => r.job.peakRssMb);
  const [smaller, larger] = [restorePeaks[0] ?? Number.NaN, restorePeaks.at(-1) ?? Number.NaN];
  return [
    goal('ratios.pageVsPostgraphile', ratios.pageVsPostgraphile, '>=', 1.5),
    goal('ratios.pageVsPgFloor', ratios.pageVsPgFloor, '>=', 0.8),
    goal('ratios.feedVsPostgraphile', ratios.feedVsPostgraphile, '>=', 1.0),
    goal('ratios.sidebarVsPostgraphile', ratios.sidebarVsPostgraphile, '>=', 1.0),
    goal('ratios.deepVsFirstPage', ratios.deepVsFirstPage, '<=', 1.1),
    goal('ratios.archivalVsCopyFloor', ratios.archivalVsCopyFloor, '>=', 0.5),
    goal('archival.peakRssMb', archival.peakRssMb, '<=', 300),
    goal('ratios.restoreVsCopyFloor', ratios.restoreVsCopyFloor, '>=', 0.5),
    goal('restore.peakRssMb', Math.max(smaller, larger), '<=', 300),
    // Flat: the larger run (4x the rows) peaks within 10% of the smaller one.
    goal('restore.peakRssGrowth', round(larger / smaller), '<=', 1.1),
    goal('statements.hotOnlyPageCold', statements.hotOnlyPageCold, '=', 0),
    goal('statements.stitchedPage', statements.stitchedPage, '<=', 4),
    goal('statements.feed.total', statements.feed.total, '<=', 2 * 2 + 2 + 1),
    goal('statements.sidebar.total', statements.sidebar.total, '<=', 2 * 2 + 3 + 1),
  ];
}

export function round(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(value * factor) / factor;
}
