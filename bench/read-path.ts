/**
 * Read-path benchmark: a 50-edge message page with sender names, over HTTP on loopback,
 * served from hot only, across the hot/cold boundary, and 100,000 rows deep in cold.
 *
 *   npm run bench:read [-- --messages 250000 --seconds 5]
 *
 * Builds its own data set in fresh databases (the embedded PostgreSQL unless
 * HOT_DATABASE_URL / COLD_DATABASE_URL are set): one conversation whose newest 10,000
 * messages are hot and the rest cold, 50 senders. Each scenario runs a closed loop of 1 and
 * then 10 concurrent clients for a fixed time (bounded, loopback only), after a warm-up.
 */
import 'reflect-metadata';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import { toGlobalId } from '../src/graphql/node/global-id.js';
import { encodeCursor } from '../src/graphql/pagination/cursor.js';
import { MESSAGES_ORDERING } from '../src/graphql/message/message-sides.js';
import { createGateway } from '../src/server.js';
import { openStores } from '../src/stores/index.js';
import type { StoreConfig } from '../src/config.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { numberOption, withBenchStores } from './support.js';

const TOTAL = numberOption('messages', 250_000);
const SECONDS = numberOption('seconds', 5);
const HOT = 10_000;
const DEEP = 100_000;
const BASE = Date.UTC(2026, 0, 1);
const STEP_MS = 997; // distinct instants, a few per second

async function main() {
  if (TOTAL < DEEP + HOT + 50) throw new Error(`--messages must be at least ${DEEP + HOT + 50} to hold a page ${DEEP.toLocaleString()} rows deep`);
  await withBenchStores(async ({ hot, cold }) => {
    const cutoff = await seed(hot, cold);
    await measure(hot, cold, cutoff);
  });
}

/** Messages 1..TOTAL one STEP_MS apart; the newest HOT are hot, the rest archived. */
async function seed(hotStore: StoreConfig, coldStore: StoreConfig): Promise<Date> {
  const started = performance.now();
  const hot = new pg.Client(pgConnectionConfig(hotStore));
  const cold = new pg.Client(pgConnectionConfig(coldStore));
  await Promise.all([hot.connect(), cold.connect()]);
  const coldCount = TOTAL - HOT;
  const cutoff = new Date(BASE + (coldCount + 1) * STEP_MS);
  await hot.query(`INSERT INTO users (id, username, display_name) SELECT i, 'user' || i, 'User ' || i FROM generate_series(1, 50) i`);
  await hot.query(`INSERT INTO conversations (id, title) VALUES (1, 'Benchmark')`);
  await hot.query(`INSERT INTO conversation_participants (conversation_id, user_id) SELECT 1, i FROM generate_series(1, 50) i`);
  const at = `to_timestamp((${BASE} + i::bigint * ${STEP_MS}) / 1000.0)`;
  await cold.query(
    `INSERT INTO messages_archive (original_id, conversation_id, sender_id, content, created_at)
     SELECT i, 1, 1 + i % 50, 'message number ' || i || ' about TSMC and the market today', ${at} FROM generate_series(1, ${coldCount}) i`,
  );
  await hot.query(
    `INSERT INTO messages (id, conversation_id, sender_id, content, created_at)
     SELECT i, 1, 1 + i % 50, 'message number ' || i || ' about TSMC and the market today', ${at} FROM generate_series(${coldCount + 1}, ${TOTAL}) i`,
  );
  await cold.query(`INSERT INTO archival_runs (status, cutoff, started_at, finished_at, messages) VALUES ('SUCCEEDED', $1, now(), now(), $2)`, [cutoff, coldCount]);
  await Promise.all([hot.query('ANALYZE'), cold.query('ANALYZE')]);
  await Promise.all([hot.end(), cold.end()]);
  console.log(`seeded ${TOTAL.toLocaleString()} messages (${HOT.toLocaleString()} hot) in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  return cutoff;
}

async function measure(hotStore: StoreConfig, coldStore: StoreConfig, cutoff: Date) {
  const stores = openStores({ hot: hotStore, cold: coldStore }, { hot: [], cold: [] });
  const gateway = await createGateway({
    stores,
    probes: stores.probes,
    secrets: { adminToken: 'bench-admin-token-0123456789', jwtSecret: 'b'.repeat(40) },
    production: true,
    logError: (id, error) => console.error(id, error),
  });
  const url = await gateway.listen(0, '127.0.0.1');
  const port = (gateway.httpServer.address() as AddressInfo).port;
  // Message n sits at position TOTAL - n in the connection (newest first).
  const cursorAt = (position: number) => {
    const id = TOTAL - position + 1;
    return encodeCursor(MESSAGES_ORDERING.name, [BASE + id * STEP_MS, id]);
  };
  const page = (after?: string) =>
    JSON.stringify({
      query: `query Page($id: ID!, $after: String) { conversation(id: $id) { messages(first: 50, after: $after) { edges { node { content createdAt tier sender { displayName } } } pageInfo { hasNextPage endCursor } } } }`,
      variables: { id: toGlobalId('Conversation', 1), after: after ?? null },
    });
  const scenarios = [
    { name: 'first page (hot only)', body: page(), expect: 'HOT' },
    { name: 'across the boundary', body: page(cursorAt(HOT - 25)), expect: 'COLD' },
    { name: `${DEEP.toLocaleString()} rows deep (cold)`, body: page(cursorAt(DEEP)), expect: 'COLD' },
  ];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 16 });
  const post = (body: string) =>
    new Promise<{ status: number; text: string }>((resolve, reject) => {
      const request = http.request(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST', agent, headers: { 'content-type': 'application/json', authorization: 'Bearer bench-admin-token-0123456789' } },
        (response) => {
          let text = '';
          response.setEncoding('utf8');
          response.on('data', (chunk) => (text += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, text }));
        },
      );
      request.on('error', reject);
      request.end(body);
    });

  console.log(`gateway (production mode) at ${url}; cutoff ${cutoff.toISOString()}; ${SECONDS} s per run\n`);
  console.log('| scenario | clients | req/s | p50 ms | p99 ms |');
  console.log('| --- | --- | --- | --- | --- |');
  const p50s = new Map<string, number>();
  for (const scenario of scenarios) {
    const check = await post(scenario.body);
    if (check.status !== 200 || !check.text.includes(scenario.expect) || check.text.includes('"errors"')) {
      throw new Error(`${scenario.name}: unexpected answer ${check.status} ${check.text.slice(0, 300)}`);
    }
    await load(post, scenario.body, 10, 1); // warm-up
    for (const clients of [1, 10]) {
      const result = await load(post, scenario.body, clients, SECONDS);
      if (clients === 1) p50s.set(scenario.name, result.p50);
      console.log(`| ${scenario.name} | ${clients} | ${result.rps.toFixed(0)} | ${result.p50.toFixed(2)} | ${result.p99.toFixed(2)} |`);
    }
  }
  const [first, , deep] = scenarios.map((s) => p50s.get(s.name)!);
  console.log(`\ndeep / first page p50 (1 client): ${(deep! / first!).toFixed(2)} (goal <= 1.5)`);
  agent.destroy();
  await gateway.stop(1000);
  await stores.disconnect();
}

/** A closed loop of `clients` concurrent requests for `seconds`; latencies in ms. */
async function load(post: (body: string) => Promise<{ status: number }>, body: string, clients: number, seconds: number) {
  const latencies: number[] = [];
  const deadline = performance.now() + seconds * 1000;
  let failures = 0;
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (performance.now() < deadline) {
        const started = performance.now();
        const { status } = await post(body);
        if (status !== 200) failures++;
        latencies.push(performance.now() - started);
      }
    }),
  );
  if (failures > 0) throw new Error(`${failures} requests failed`);
  latencies.sort((a, b) => a - b);
  const quantile = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))]!;
  return { rps: latencies.length / seconds, p50: quantile(0.5), p99: quantile(0.99) };
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
