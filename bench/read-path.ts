/**
 * Read-path benchmark on its own: the gateway's 50-edge message page with sender names over
 * HTTP, served from hot only, across the hot/cold boundary, and its first page against a
 * page deep in the big conversation. The full suite (`npm run bench`) measures the same and
 * more; this is the quick loop while working on the read path.
 *
 *   npm run bench:read [-- --scale 0.1 --seconds 5]
 *
 * Same machinery as the suite: the bench's own PostgreSQL, the suite's data set at the given
 * scale (0.1: 152,000 messages, a page 50,000 rows deep), the compiled gateway as a child
 * process in production mode, autocannon at 1 and 10 connections, each run twice.
 */
import 'reflect-metadata';
import { signToken } from '../src/auth/viewer.js';
import { buildGateway } from './build.js';
import { startBenchCluster } from './cluster.js';
import { buildDataset } from './dataset/build.js';
import { readFixtures } from './dataset/fixtures.js';
import { planDataset } from './dataset/plan.js';
import { onCleanUp, runHarness } from './lifecycle.js';
import { takeTurn } from './phases.js';
import { JWT_SECRET, startGateway } from './servers.js';
import { numberOption } from './support.js';
import { gatewayWorkloads } from './workloads.js';

const SCALE = numberOption('scale', 0.1);
const SECONDS = numberOption('seconds', 5);

async function main(): Promise<number> {
  await buildGateway(console.log);
  const cluster = await startBenchCluster(console.log);
  const plan = planDataset(SCALE);
  await buildDataset(cluster, plan, console.log);
  const fixtures = await readFixtures(cluster, plan);
  const admin = await cluster.admin();
  onCleanUp('close the harness connection', () => admin.end());
  const server = await startGateway(cluster);
  const turn = await takeTurn({
    target: {
      implementation: 'gateway',
      origin: server.origin,
      headers: { authorization: `Bearer ${await signToken(JWT_SECRET, { sub: 1, role: 'analyst' })}` },
      databases: { hot: cluster.hot.database, cold: cluster.cold.database },
    },
    workloads: gatewayWorkloads(fixtures).filter((w) =>
      ['hotPage', 'boundaryPage', 'bigFirstPage', 'deepPage'].includes(w.id),
    ),
    settings: { seconds: SECONDS, warmupSeconds: 2, runs: 2, connections: [1, 10], statementRequests: 100 },
    depthSeconds: SECONDS,
    pair: { firstId: 'bigFirstPage', secondId: 'deepPage', rounds: 4, seconds: Math.min(SECONDS, 3) },
    admin,
    log: console.log,
  });
  console.log('\n| scenario | clients | req/s | p50 ms | p99 ms | statements/request (hot, cold) |');
  console.log('| --- | --- | --- | --- | --- | --- |');
  for (const result of turn.workloads) {
    for (const [connections, run] of Object.entries(result.selected)) {
      const s = result.statements?.perRequest ?? {};
      console.log(
        `| ${result.title} | ${connections} | ${run.requestsPerSecond.toFixed(0)} | ${run.p50Ms.toFixed(2)} | ${run.p99Ms.toFixed(2)} | ${s.hot}, ${s.cold} |`,
      );
    }
  }
  const ratio = turn.pair?.medianRatio ?? Number.NaN;
  console.log(
    `\npage ${plan.big.depth.toLocaleString()} rows deep / first page, p50 at 1 client, median of ${turn.pair?.rounds.length ?? 0} alternating rounds: ${ratio.toFixed(2)} (goal <= 1.2)`,
  );
  for (const error of turn.errors) console.error(`FAILED ${error}`);
  return turn.errors.length > 0 ? 1 : 0;
}

runHarness(main);
