/**
 * The optimisation loop: one scenario against the gateway (and, if asked, PostGraphile on the
 * same page) on a small data set, with an optional CPU profile of the gateway, in a minute or
 * two instead of the suite's ten.
 *
 *   npm run bench:profile [-- --scenario boundaryPage] [--seconds 8] [--connections 10]
 *                         (scenarios: hotPage, boundaryPage, bigFirstPage, deepPage, prices, nodes, feed, sidebar)
 *                         [--scale 0.05] [--cpu-prof] [--postgraphile]
 *   npm run bench:profile -- --summarise bench/results/profiles/<file>.cpuprofile [--seconds 8]
 *
 * The profile (`--cpu-prof`) is written to bench/results/profiles/ and summarised: self time
 * by function and by package, the heaviest first.
 */
import 'reflect-metadata';
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { signToken } from '../src/auth/viewer.js';
import { PROJECT_ROOT } from '../src/config.js';
import { buildGateway } from './build.js';
import { startBenchCluster } from './cluster.js';
import { buildDataset } from './dataset/build.js';
import { readFixtures } from './dataset/fixtures.js';
import { planDataset } from './dataset/plan.js';
import { askJson } from './http.js';
import { runHarness } from './lifecycle.js';
import { looksLikeData } from './checks.js';
import { runLoad } from './load.js';
import { JWT_SECRET, startGateway, startPeer } from './servers.js';
import { gatewayWorkloads, nestedWorkloads, postgraphileWorkloads, type Workload } from './workloads.js';

const log = (line: string) => console.log(line);
const args = process.argv.slice(2);
const option = (name: string, fallback: string) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const scenario = option('scenario', 'boundaryPage');
const seconds = Number(option('seconds', '8'));
const connections = Number(option('connections', '10'));
const scale = Number(option('scale', '0.05'));
const cpuProf = args.includes('--cpu-prof');
const withPostgraphile = args.includes('--postgraphile');
const PROFILES = path.join(PROJECT_ROOT, 'bench', 'results', 'profiles');

async function main(): Promise<void> {
  await buildGateway(log);
  const cluster = await startBenchCluster(log);
  const plan = planDataset(scale);
  await buildDataset(cluster, plan, log);
  const fixtures = await readFixtures(cluster, plan);
  const headers = { authorization: `Bearer ${await signToken(JWT_SECRET, { sub: 1, role: 'analyst' })}` };
  const viewerToken = await signToken(JWT_SECRET, { sub: fixtures.viewer.id });
  const measure = async (name: string, origin: string, workload: Workload, pid?: number) => {
    const load = (s: number) =>
      runLoad({
        url: origin + workload.path,
        headers: { ...headers, ...workload.headers },
        bodies: workload.bodies,
        connections,
        seconds: s,
        verify: looksLikeData,
      });
    await load(3);
    const before = processJiffies();
    const result = await load(seconds);
    const used = cpuShares(before, processJiffies(), pid, seconds);
    log(
      `${name} | ${workload.title} | ${connections} conn: ${result.requestsPerSecond.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, p99 ${result.p99Ms.toFixed(2)} ms; CPU (cores): ${used}`,
    );
  };

  const workload = [...gatewayWorkloads(fixtures), ...nestedWorkloads('gateway', fixtures, viewerToken)].find(
    (w) => w.id === scenario,
  );
  if (!workload) throw new Error(`unknown scenario ${scenario}`);
  mkdirSync(PROFILES, { recursive: true });
  const before = new Set(readdirSync(PROFILES));
  const gateway = await startGateway(cluster, cpuProf ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES}`] : []);
  await measure('gateway', gateway.origin, workload, gateway.pid);
  await gateway.stop();
  if (cpuProf) {
    const written = readdirSync(PROFILES).filter((file) => !before.has(file));
    // The measured load and its warm-up, and a little of the shutdown after them.
    for (const file of written) summarise(path.join(PROFILES, file), seconds + 3);
  }

  if (withPostgraphile && ['boundaryPage', 'hotPage', 'feed', 'sidebar'].includes(scenario)) {
    const server = await startPeer('postgraphile', cluster);
    const workloads = [
      ...(await postgraphileWorkloads(fixtures, (query) =>
        askJson(`${server.origin}/graphql`, JSON.stringify({ query })),
      )),
      ...nestedWorkloads('postgraphile', fixtures, viewerToken),
    ];
    const same = workloads.find((w) => w.id === scenario);
    if (same) await measure('postgraphile', server.origin, same, server.pid);
    await server.stop();
  }
}

/** utime + stime of every process, by pid, with its command name. */
function processJiffies(): Map<number, { comm: string; jiffies: number; system: number }> {
  const all = new Map<number, { comm: string; jiffies: number; system: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const comm = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      all.set(Number(entry), { comm, jiffies: Number(fields[11]) + Number(fields[12]), system: Number(fields[12]) });
    } catch {
      // gone meanwhile
    }
  }
  return all;
}

/** Cores used over the run: the server, PostgreSQL's processes, this harness (autocannon), the rest. */
function cpuShares(
  before: ReturnType<typeof processJiffies>,
  after: ReturnType<typeof processJiffies>,
  server: number | undefined,
  seconds: number,
): string {
  const groups = new Map<string, number>();
  for (const [pid, { comm, jiffies }] of after) {
    const delta = jiffies - (before.get(pid)?.jiffies ?? 0);
    if (delta <= 0) continue;
    const group =
      pid === server ? 'server' : pid === process.pid ? 'harness' : comm === 'postgres' ? 'postgres' : 'other';
    groups.set(group, (groups.get(group) ?? 0) + delta);
  }
  const system = server === undefined ? 0 : (after.get(server)?.system ?? 0) - (before.get(server)?.system ?? 0);
  return (
    ['server', 'postgres', 'harness', 'other']
      .map((g) => `${g} ${((groups.get(g) ?? 0) / 100 / seconds).toFixed(2)}`)
      .join(', ') + ` (server in the kernel ${(system / 100 / seconds).toFixed(2)})`
  );
}

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
}

/**
 * Self time by function and by package, from a .cpuprofile's samples: only those of the load
 * (the last `window` seconds before the profile ends), not the process's start-up.
 */
function summarise(file: string, window: number): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as {
    nodes: ProfileNode[];
    samples: number[];
    timeDeltas: number[];
    startTime: number;
    endTime: number;
  };
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const from = profile.endTime - window * 1e6;
  let at = profile.startTime;
  let total = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    at += dt;
    if (at < from) return;
    total += dt;
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const where = url.replace(/^file:\/\//, '').replace(`${PROJECT_ROOT}/`, '');
    const key = `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    const pkg =
      /node_modules\/((@[^/]+\/)?[^/]+)/.exec(where)?.[1] ??
      (where.startsWith('dist/')
        ? 'gateway (dist)'
        : where.startsWith('node:')
          ? 'node'
          : functionName.startsWith('(')
            ? functionName
            : where === ''
              ? '(native)'
              : where);
    packages.set(pkg, (packages.get(pkg) ?? 0) + dt);
  });
  const top = (map: Map<string, number>, n: number) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([key, us]) => `  ${((us / total) * 100).toFixed(1).padStart(5)}%  ${key}`)
      .join('\n');
  log(
    `\nprofile ${file} (${(total / 1e6).toFixed(1)} s of load sampled)\nby package:\n${top(packages, 15)}\nby function (self):\n${top(self, 40)}`,
  );
}

const existing = args.indexOf('--summarise');
if (existing >= 0) {
  summarise(path.resolve(args[existing + 1]), seconds + 3);
  process.exit(0);
}
runHarness(main);
