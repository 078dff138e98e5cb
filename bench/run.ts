/**
 * The benchmark suite: `npm run bench` (full scale) or `npm run bench -- --quick`.
 *
 *   1. build the gateway (dist/) and start the bench's own PostgreSQL (pg_stat_statements);
 *   2. generate the data set (hot, cold and the single-store copy) and read its fixtures;
 *   3. one implementation at a time, as a child process: the gateway (scenarios 1-7 and the
 *      depth chart), the pg floor (the pages, the feed, the sidebar), the seed-style design
 *      (the pages), PostGraphile 5 (the pages, the feed, the sidebar);
 *   4. paired ratios: the gateway against each peer on the boundary page, and against the floor
 *      and PostGraphile on the feed and the sidebar, in alternating rounds;
 *   5. archival: the job against psql's \copy floor in alternating rounds, on fresh databases;
 *      restore: the same, cold back to hot, at two sizes (a quarter and all of --restore-messages);
 *   6. write bench/results/latest.{json,md,svg} and the dated JSON; print the markdown.
 *
 * Everything started is stopped and removed at the end, on failure and on Ctrl-C. Exits 1
 * when any scenario failed or two implementations disagreed on a page (the results are
 * still written, with the exact errors).
 */
import 'reflect-metadata';
import { execFileSync } from 'node:child_process';
import os from 'node:os';
import { signToken } from '../src/auth/viewer.js';
import { migrate } from '../src/db/migrations.js';
import { withMigrationSession } from '../src/db/stores.js';
import { measureArchival, type ArchivalResult } from './archival-measure.js';
import { measureRestore, type RestoreResult } from './restore-measure.js';
import { buildGateway } from './build.js';
import { startBenchCluster, type BenchCluster } from './cluster.js';
import { buildDataset, SINGLE_STORE_DATABASE, type DatasetSummary } from './dataset/build.js';
import { readFixtures, type Fixtures } from './dataset/fixtures.js';
import { planDataset, totalMessages, type DatasetPlan } from './dataset/plan.js';
import { gitInfo, machineInfo } from './environment.js';
import { askJson } from './http.js';
import { onCleanUp, runHarness } from './lifecycle.js';
import {
  measurePairedThroughput,
  SELECTION,
  type MeasureSettings,
  type Target,
  type ThroughputRounds,
} from './measure.js';
import { parseOptions, type BenchOptions } from './options.js';
import { summarizeRounds } from './paired.js';
import { takeTurn, type Turn } from './phases.js';
import {
  deriveGoals,
  deriveRatioRounds,
  deriveRatios,
  RATIO_DEFINITIONS,
  round,
  statementsPerScenario,
  storeStatements,
  type BenchResults,
  type NestedPairs,
  type NestedPeer,
} from './report/results.js';
import { writeResults } from './report/write.js';
import { JWT_SECRET, startGateway, startPeer, type PeerName } from './servers.js';
import {
  depthWorkload,
  gatewayWorkloads,
  nestedWorkloads,
  pagePeerWorkloads,
  postgraphileWorkloads,
  type Workload,
} from './workloads.js';

const log = (line: string) => console.log(line);

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const started = performance.now();
  const phases: Record<string, number> = {};
  const phase = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
    const t0 = performance.now();
    log(`\n== ${name}`);
    const result = await work();
    phases[name] = round((performance.now() - t0) / 1000, 1);
    return result;
  };
  log(`benchmark suite, ${options.mode} mode: scale ${options.scale}, ${options.seconds} s runs`);
  requirePsql();
  // What is measured is what is built now; a commit made during the run must not be credited.
  const git = gitInfo();
  const loadAverages: Record<string, number> = { start: os.loadavg()[0] };

  await phase('build', () => buildGateway(log));
  const cluster = await phase('PostgreSQL', () => startBenchCluster(log));
  const plan = planDataset(options.scale);
  const dataset = await phase('data set', () => buildDataset(cluster, plan, log));
  const fixtures = await readFixtures(cluster, plan);
  const admin = await cluster.admin();
  onCleanUp('close the harness connection', () => admin.end());

  const settings: MeasureSettings = {
    seconds: options.seconds,
    warmupSeconds: options.warmupSeconds,
    runs: options.runs,
    connections: options.connections,
    statementRequests: options.statementRequests,
  };
  const headers = { authorization: `Bearer ${await signToken(JWT_SECRET, { sub: 1, role: 'analyst' })}` };
  // The sidebar's viewer: a user's own token (the gateway checks it takes part in each conversation).
  const viewerToken = await signToken(JWT_SECRET, { sub: fixtures.viewer.id });
  const twoStores = { hot: cluster.hot.database, cold: cluster.cold.database };
  const turnOf = (
    implementation: Target['implementation'],
    origin: string,
    databases: Record<string, string>,
    extra: Omit<Parameters<typeof takeTurn>[0], 'target' | 'settings' | 'depthSeconds' | 'admin' | 'log'>,
  ) =>
    takeTurn({
      target: { implementation, origin, headers, databases },
      settings,
      depthSeconds: options.depthSeconds,
      admin,
      log,
      ...extra,
    });
  const depthPages = (implementation: 'gateway' | 'pgFloor' | 'seedStyle') =>
    fixtures.depths.map((page) => ({ page, workload: depthWorkload(implementation, page, fixtures.bigConversation) }));

  const gateway = await phase('gateway', async () => {
    const server = await startGateway(cluster);
    try {
      return await turnOf('gateway', server.origin, twoStores, {
        workloads: [...gatewayWorkloads(fixtures), ...nestedWorkloads('gateway', fixtures, viewerToken)],
        depthPages: depthPages('gateway'),
        pair: {
          firstId: 'bigFirstPage',
          secondId: 'deepPage',
          rounds: options.pairRounds,
          seconds: options.depthSeconds,
        },
      });
    } finally {
      await server.stop();
    }
  });
  // A peer that cannot start is reported, and the rest of the run goes on.
  const peer = (name: PeerName, work: (origin: string) => Promise<Turn>) =>
    phase(name, async () => {
      let server: Awaited<ReturnType<typeof startPeer>>;
      try {
        server = await startPeer(name, cluster);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  FAILED to start ${name}: ${message}`);
        return {
          workloads: [],
          depth: [],
          references: new Map(),
          errors: [`${name}: could not start: ${message}`],
        } satisfies Turn;
      }
      try {
        return await work(server.origin);
      } finally {
        await server.stop();
      }
    });
  const pgFloor = await peer('pgFloor', (origin) =>
    turnOf('pgFloor', origin, twoStores, {
      workloads: [...pagePeerWorkloads('pgFloor', fixtures), ...nestedWorkloads('pgFloor', fixtures, viewerToken)],
      depthPages: depthPages('pgFloor'),
    }),
  );
  const seedStyle = await peer('seedStyle', (origin) =>
    turnOf('seedStyle', origin, twoStores, {
      workloads: pagePeerWorkloads('seedStyle', fixtures),
      depthPages: depthPages('seedStyle'),
    }),
  );
  const postgraphile = await peer('postgraphile', async (origin) => {
    const workloads = await postgraphileWorkloads(fixtures, (query) =>
      askJson(`${origin}/graphql`, JSON.stringify({ query })),
    );
    return turnOf(
      'postgraphile',
      origin,
      { single: SINGLE_STORE_DATABASE },
      { workloads: [...workloads, ...nestedWorkloads('postgraphile', fixtures, viewerToken)] },
    );
  });

  // Every page ratio from paired rounds: the gateway and one peer running side by side, measured
  // back to back (bench/paired.ts), so that neither side carries the machine's drift alone.
  const pagePairs = await phase('paired ratios', () =>
    measurePagePairs(cluster, fixtures, options, viewerToken, (implementation, origin, databases) => ({
      implementation,
      origin,
      headers,
      databases,
    })),
  );

  loadAverages.afterServing = os.loadavg()[0]!;
  const archivalErrors: string[] = [];
  const archival = await phase('archival', () => runArchival(cluster, options)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    log(`  FAILED archival: ${message}`);
    archivalErrors.push(`archival: ${message}`);
    return unmeasuredArchival(options);
  });
  const restore = await phase('restore', () => runRestoreSizes(cluster, options)).catch((error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    log(`  FAILED restore: ${message}`);
    archivalErrors.push(`restore: ${message}`);
    return [];
  });
  loadAverages.end = os.loadavg()[0]!;

  const turns = { gateway, pgFloor, seedStyle, postgraphile };
  const crossChecks = crossCheck(turns, fixtures);
  const errors = [
    ...Object.values(turns).flatMap((turn) => turn.errors),
    ...pagePairs.errors,
    ...archivalErrors,
    ...crossChecks.filter((line) => line.startsWith('MISMATCH')),
  ];
  const results = assemble({
    options,
    plan,
    dataset,
    fixtures,
    cluster,
    git,
    turns,
    pagePairs: pagePairs.results,
    nestedPairs: pagePairs.nested,
    archival,
    restore,
    crossChecks,
    phases,
    loadAverages,
    wallSeconds: (performance.now() - started) / 1000,
  });
  const written = writeResults(results);
  log(`\n${written.text}`);
  log(`results: ${written.json} (and ${written.dated}, ${written.markdown}, ${written.svg})`);
  if (errors.length > 0) {
    log(`\n${errors.length} failure(s):\n${errors.map((e) => `- ${e}`).join('\n')}`);
    return 1;
  }
  return 0;
}

/** The archival floor runs psql: without it, say so before the run rather than 15 minutes into it. */
function requirePsql(): void {
  try {
    execFileSync('psql', ['--version'], { stdio: 'ignore' });
  } catch {
    throw new Error("psql is not on the PATH: the archival floor runs psql's \\copy (install the PostgreSQL client)");
  }
}

/** A failed archival phase: every figure NaN (null in the JSON), its goals unmet. */
function unmeasuredArchival(options: BenchOptions): ArchivalResult {
  const nan = Number.NaN;
  return {
    messages: options.archivalMessages,
    floor: { seconds: nan, rowsPerSecond: nan },
    job: { seconds: nan, rowsPerSecond: nan, peakRssMb: nan, rssAtStartMb: nan },
    ratio: summarizeRounds([]),
    rounds: [],
    seedStyle: { sample: options.archivalSample, seconds: nan, rowsPerSecond: nan, extrapolatedSeconds: nan },
  };
}

const PEERS: readonly PeerName[] = ['pgFloor', 'seedStyle', 'postgraphile'];
/** The peers that answer the feed and the sidebar (the seed-style design has no feed). */
const NESTED_PEERS: readonly NestedPeer[] = ['pgFloor', 'postgraphile'];

/**
 * The gateway against each peer on scenario 2 (the boundary page), and against the floor and
 * PostGraphile on scenarios 6 and 7 (the feed, the sidebar), at 10 connections, in paired
 * rounds, both servers running (only the one being measured is loaded). A peer that cannot
 * start or fails is reported, and the others are still measured.
 */
async function measurePagePairs(
  cluster: BenchCluster,
  fixtures: Fixtures,
  options: BenchOptions,
  viewerToken: string,
  targetOf: (implementation: Target['implementation'], origin: string, databases: Record<string, string>) => Target,
): Promise<{ results: Partial<Record<PeerName, ThroughputRounds>>; nested: NestedPairs; errors: string[] }> {
  const results: Partial<Record<PeerName, ThroughputRounds>> = {};
  const nested: {
    feed: Partial<Record<NestedPeer, ThroughputRounds>>;
    sidebar: Partial<Record<NestedPeer, ThroughputRounds>>;
  } = { feed: {}, sidebar: {} };
  const errors: string[] = [];
  const find = (workloads: readonly Workload[], id: string, who: string): Workload => {
    const found = workloads.find((w) => w.id === id);
    if (!found) throw new Error(`${who} has no ${id} workload`);
    return found;
  };
  const pairSettings = {
    rounds: options.pairRounds,
    seconds: options.seconds,
    connections: 10,
    warmupSeconds: options.warmupSeconds,
  };
  const gatewayServer = await startGateway(cluster);
  try {
    const gatewayTarget = targetOf('gateway', gatewayServer.origin, {
      hot: cluster.hot.database,
      cold: cluster.cold.database,
    });
    const gatewayAll = [...gatewayWorkloads(fixtures), ...nestedWorkloads('gateway', fixtures, viewerToken)];
    const gateway = (id: string) => ({ target: gatewayTarget, workload: find(gatewayAll, id, 'the gateway') });
    for (const name of PEERS) {
      const isNested = (NESTED_PEERS as readonly string[]).includes(name);
      log(
        `  gateway against ${name}: ${options.pairRounds} paired rounds of ${options.seconds} s, 10 connections` +
          (isNested ? ', on the boundary page, the feed and the sidebar' : ', on the boundary page'),
      );
      try {
        const server = await startPeer(name, cluster);
        try {
          const workloads =
            name === 'postgraphile'
              ? await postgraphileWorkloads(fixtures, (query) =>
                  askJson(`${server.origin}/graphql`, JSON.stringify({ query })),
                )
              : pagePeerWorkloads(name, fixtures);
          const databases: Record<string, string> =
            name === 'postgraphile'
              ? { single: SINGLE_STORE_DATABASE }
              : { hot: cluster.hot.database, cold: cluster.cold.database };
          const target = targetOf(name, server.origin, databases);
          results[name] = await measurePairedThroughput(
            gateway('boundaryPage'),
            { target, workload: find(workloads, 'boundaryPage', name) },
            pairSettings,
            log,
          );
          if (isNested) {
            const peerName = name as NestedPeer;
            const own = nestedWorkloads(peerName, fixtures, viewerToken);
            for (const page of ['feed', 'sidebar'] as const) {
              log(`    ${page}:`);
              try {
                nested[page][peerName] = await measurePairedThroughput(
                  gateway(page),
                  { target, workload: find(own, page, name) },
                  pairSettings,
                  log,
                );
              } catch (error) {
                const message = error instanceof Error ? error.message : String(error);
                log(`  FAILED gateway against ${name} on the ${page}: ${message}`);
                errors.push(`paired ratio against ${name} on the ${page}: ${message}`);
              }
            }
          }
        } finally {
          await server.stop();
        }
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        log(`  FAILED gateway against ${name}: ${message}`);
        errors.push(`paired ratio against ${name}: ${message}`);
      }
    }
  } finally {
    await gatewayServer.stop();
  }
  return { results, nested, errors };
}

/** `work` on fresh, migrated hot and cold databases of the bench cluster, dropped afterwards. */
async function withFreshStores<T>(
  cluster: BenchCluster,
  work: (stores: { hot: ReturnType<BenchCluster['store']>; cold: ReturnType<BenchCluster['store']> }) => Promise<T>,
): Promise<T> {
  const names = { hot: 'bench_archival_hot', cold: 'bench_archival_cold' };
  const stores = { hot: cluster.store('hot', names.hot), cold: cluster.store('cold', names.cold) };
  try {
    for (const store of [stores.hot, stores.cold]) {
      await cluster.createDatabase(store.database);
      await withMigrationSession(store, migrate);
    }
    return await work(stores);
  } finally {
    for (const store of [stores.hot, stores.cold]) await cluster.dropDatabase(store.database).catch(() => undefined);
  }
}

/** Restore at a quarter of --restore-messages and at all of it, each on fresh databases. */
async function runRestoreSizes(cluster: BenchCluster, options: BenchOptions): Promise<RestoreResult[]> {
  const results: RestoreResult[] = [];
  for (const messages of [Math.round(options.restoreMessages / 4), options.restoreMessages]) {
    log(`  restore of ${messages.toLocaleString()} messages`);
    results.push(
      await withFreshStores(cluster, (stores) =>
        measureRestore(stores, { messages, rounds: options.pairRounds, build: false, log }),
      ),
    );
  }
  return results;
}

/** Archival on fresh, migrated databases of the bench cluster. */
async function runArchival(cluster: BenchCluster, options: BenchOptions) {
  return withFreshStores(cluster, async (stores) => {
    log(
      `  ${options.archivalMessages.toLocaleString()} messages, seed-style sample ${options.archivalSample.toLocaleString()}`,
    );
    return measureArchival(stores, {
      messages: options.archivalMessages,
      sample: options.archivalSample,
      build: false,
      rounds: options.pairRounds,
      log,
    });
  });
}

/** Every implementation must return the same messages for the same page. */
function crossCheck(
  turns: Record<'gateway' | 'pgFloor' | 'seedStyle' | 'postgraphile', Turn>,
  fixtures: Fixtures,
): string[] {
  const lines: string[] = [];
  const compare = (key: string, what: string, implementations: (keyof typeof turns)[], unit = 'messages') => {
    const reference = turns.gateway.references.get(key);
    if (!reference) return lines.push(`not checked: ${what} (the gateway gave no answer)`);
    const differing = implementations.filter((name) => {
      const other = turns[name].references.get(key);
      return other !== undefined && JSON.stringify(other) !== JSON.stringify(reference);
    });
    const compared = implementations.filter((name) => turns[name].references.get(key) !== undefined);
    lines.push(
      differing.length === 0
        ? `same answer: ${what}: gateway and ${compared.join(', ')} return the same ${reference.length} ${unit} in the same order`
        : `MISMATCH: ${what}: ${differing.join(', ')} differ from the gateway`,
    );
  };
  compare('hotPage', `first page of conversation ${fixtures.conversations[0]}`, [
    'pgFloor',
    'seedStyle',
    'postgraphile',
  ]);
  compare('boundaryPage', `boundary page of conversation ${fixtures.boundary[0].conversationId}`, [
    'pgFloor',
    'seedStyle',
    'postgraphile',
  ]);
  compare('feed', 'the feed', ['pgFloor', 'postgraphile'], 'posts (titles, authors, counts, first comments)');
  compare(
    'sidebar',
    `the sidebar of user ${fixtures.viewer.id}`,
    ['pgFloor', 'postgraphile'],
    'conversations (titles, participants, newest message)',
  );
  for (const page of fixtures.depths)
    compare(`depth-${page.depth}`, `big conversation at depth ${page.depth.toLocaleString()}`, [
      'pgFloor',
      'seedStyle',
    ]);
  return lines;
}

interface AssembleInput {
  readonly options: BenchOptions;
  readonly plan: DatasetPlan;
  readonly dataset: DatasetSummary;
  readonly fixtures: Fixtures;
  readonly cluster: BenchCluster;
  readonly git: BenchResults['git'];
  readonly turns: Record<'gateway' | 'pgFloor' | 'seedStyle' | 'postgraphile', Turn>;
  readonly pagePairs: Partial<Record<PeerName, ThroughputRounds>>;
  readonly nestedPairs: NestedPairs;
  readonly archival: Awaited<ReturnType<typeof runArchival>>;
  readonly restore: RestoreResult[];
  readonly crossChecks: string[];
  readonly phases: Record<string, number>;
  /** 1-minute load averages: the suite alone keeps about 2 busy; more means something else ran. */
  readonly loadAverages: Record<string, number>;
  readonly wallSeconds: number;
}

function assemble(input: AssembleInput): BenchResults {
  const { options, plan, dataset, fixtures, turns } = input;
  const peers = {
    pgFloor: turns.pgFloor.workloads,
    postgraphile: turns.postgraphile.workloads,
    seedStyle: turns.seedStyle.workloads,
  };
  const perScenario = {
    gateway: statementsPerScenario(turns.gateway.workloads),
    pgFloor: statementsPerScenario(peers.pgFloor),
    postgraphile: statementsPerScenario(peers.postgraphile),
    seedStyle: statementsPerScenario(peers.seedStyle),
  };
  const statements = {
    stitchedPage: perScenario.gateway.boundaryPage?.total ?? Number.NaN,
    hotOnlyPageCold: perScenario.gateway.hotPage?.cold ?? Number.NaN,
    feed: storeStatements(perScenario.gateway, 'feed'),
    sidebar: storeStatements(perScenario.gateway, 'sidebar'),
    perScenario,
  };
  const archival = { ...input.archival, peakRssMb: input.archival.job.peakRssMb };
  const ratioRounds = deriveRatioRounds({
    pages: input.pagePairs,
    nested: input.nestedPairs,
    deepVsFirstPage: turns.gateway.pair,
    archival: input.archival.ratio,
    restore: input.restore.at(-1)?.ratio,
  });
  const ratios = deriveRatios(ratioRounds);
  const prices = dataset.hot.stockPrices + dataset.cold.stockPrices;
  const days = prices / plan.stocks;
  return {
    schemaVersion: 1,
    generatedAt: new Date().toISOString(),
    wallSeconds: round(input.wallSeconds, 1),
    options,
    machine: {
      ...machineInfo(input.cluster.version),
      ...Object.fromEntries(Object.entries(input.loadAverages).map(([k, v]) => [`loadAverage1m.${k}`, round(v, 2)])),
    },
    git: input.git,
    dataset: {
      summary:
        `${plan.users.toLocaleString('en-US')} users; ${plan.regularMessages.toLocaleString('en-US')} messages over ${plan.conversations.toLocaleString('en-US')} conversations ` +
        `plus ${fixtures.bigConversation.messages.toLocaleString('en-US')} in one big conversation, over ${plan.spanDays} days ` +
        `(${dataset.hot.messages.toLocaleString('en-US')} hot, ${dataset.cold.messages.toLocaleString('en-US')} cold; cutoff ${plan.cutoff.toISOString().slice(0, 10)}); ` +
        `${(dataset.hot.posts + dataset.cold.posts).toLocaleString('en-US')} posts with ${(dataset.hot.comments + dataset.cold.comments).toLocaleString('en-US')} comments and ${(dataset.hot.likes + dataset.cold.likes).toLocaleString('en-US')} likes; ` +
        `the sidebar's viewer (user ${fixtures.viewer.id}) in ${fixtures.viewer.conversations} conversations; ${plan.stocks.toLocaleString('en-US')} stocks × ${days} trading days = ${prices.toLocaleString('en-US')} prices; ` +
        `the single store holds all ${dataset.singleStore.messages.toLocaleString('en-US')} messages; deep page ${plan.big.depth.toLocaleString('en-US')} rows`,
      scale: plan.scale,
      anchor: plan.anchor.toISOString(),
      cutoff: plan.cutoff.toISOString(),
      users: plan.users,
      conversations: plan.conversations,
      messages: {
        total: totalMessages(plan),
        regular: plan.regularMessages,
        hot: dataset.hot.messages,
        cold: dataset.cold.messages,
      },
      bigConversation: { ...fixtures.bigConversation, depth: plan.big.depth },
      depth: plan.big.depth,
      posts: { hot: dataset.hot.posts, cold: dataset.cold.posts },
      comments: { hot: dataset.hot.comments, cold: dataset.cold.comments },
      likes: { hot: dataset.hot.likes, cold: dataset.cold.likes },
      participants: dataset.hot.participants,
      viewer: fixtures.viewer,
      stocks: plan.stocks,
      stockPrices: {
        hot: dataset.hot.stockPrices,
        cold: dataset.cold.stockPrices,
        tradingDaysPerStock: days,
        pagesOf100PerStock: Math.ceil(days / 100),
      },
      userActivityRows: dataset.cold.userActivity,
      singleStore: dataset.singleStore,
      rotation: {
        conversations: fixtures.conversations.length,
        boundaryPages: fixtures.boundary.length,
        pricePages: fixtures.pricePages.length,
        nodeSets: fixtures.nodeSets.length,
      },
      generationSeconds: round(dataset.generationSeconds, 1),
    },
    selection: SELECTION,
    gateway: turns.gateway.workloads,
    peers,
    depthChart: {
      connections: 1,
      seconds: options.depthSeconds,
      depths: fixtures.depths.map((page) => page.depth),
      series: { gateway: turns.gateway.depth, pgFloor: turns.pgFloor.depth, seedStyle: turns.seedStyle.depth },
      note:
        `Each point: one ${options.depthSeconds} s run at 1 connection after a 1 s warm-up; the seed-style design is bounded by that run length ` +
        '(deep offsets give it few requests: the count is beside each value).',
    },
    deepVsFirstPagePaired: turns.gateway.pair ?? null,
    statements,
    archival,
    restore: input.restore,
    ratios,
    ratioRounds,
    pagePairs: input.pagePairs,
    nestedPairs: input.nestedPairs,
    ratioDefinitions: RATIO_DEFINITIONS,
    goals: deriveGoals(ratios, statements, archival, input.restore),
    crossChecks: input.crossChecks,
    notes: [
      `Phases (s): ${Object.entries(input.phases)
        .map(([name, seconds]) => `${name} ${seconds}`)
        .join(', ')}.`,
      `1-minute load average: ${Object.entries(input.loadAverages)
        .map(([k, v]) => `${k} ${v.toFixed(2)}`)
        .join(', ')} (the suite itself keeps about 2 cores busy; more means other work shared the machine).`,
      'Every server runs alone, as a child process on the same machine as PostgreSQL and autocannon (loopback), sharing its cores; the gateway from dist/ in production mode, the peers under tsx.',
      "The gateway is asked as an analyst (one signed JWT, verified once and then served from the gateway's cache of verified tokens, as in production); the peers check no token. The gateway writes its one JSON log line per request (production's default level, info) to a pipe the harness drains; the peers log nothing. The floor also skips GraphQL, the conversation's existence check and the archive bounds (it trusts that hot rows are newer than cold rows, true of this static data set).",
      'PostGraphile 5.1.5: the Amber preset, the pg adaptor (pool of 20), grafserv on node:http, GraphiQL, explain and watch off, nothing else tuned; Promise.withResolvers polyfilled for Node 20. Its page has no tier field (one store). Its cursors come from PostGraphile itself.',
      "The feed and the sidebar (scenarios 6 and 7): the gateway runs the issue's queries (the sidebar with the viewer's own user token); the floor answers the same bodies with one SQL statement per store holding every level (LATERAL per-parent windows, correlated counts), plus a hot users lookup only for rows read from the cold store, and trusts that a hot post's comments and likes are hot; PostGraphile runs the equivalent queries on its single store (allPosts with totalCount for the counts; the viewer's conversations through userByRowId and the users_conversations computed column, newest first), aliased to the gateway's field names. The seed-style design has no feed and is not measured on them.",
      "Seed-style: the seed's offset paging, with the cold query given the offset the seed forgets (plus the hot count it needs), so that it returns the same page; one sender query per message, one after another.",
      "Statements per request include periodic work (the gateway refreshes its archive bounds from the hot store at most every 2 s), spread over the sequential requests of the count: see each scenario's byStatement in the JSON.",
      "pg_stat_statements (with track_planning) stays loaded during every measurement; its cost is per statement, so it weighs more on the implementations that send more statements per page (the gateway 3, PostGraphile 1, the seed-style design 53). Latency percentiles come from every response's own duration (autocannon's histogram, in whole ms, is also in the JSON).",
    ],
  };
}

runHarness(main);
