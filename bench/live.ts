/**
 * Live delivery under load (`npm run bench:live`): one gateway process (a child, as deployed),
 * 1,000 subscribers over graphql-ws across 100 conversations (10 each, each a participant), and
 * 50 messages per second sent through the gateway's sendMessage to random conversations.
 *
 * Reports: delivery lag p50/p99/max (from the message's createdAt to its arrival at the
 * subscriber, same host clock), whether every subscriber got every message of its conversation
 * once and in order, the gateway's CPU (share of one core) and RSS, and the statements it sent
 * to the hot store per second, the live feed's apart (from the gateway's own /metrics).
 *
 *   npm run bench:live -- --seconds 30 --subscribers 1000 --conversations 100 --rate 50
 */
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { signToken } from '../src/auth/viewer.js';
import { PROJECT_ROOT, type StoreConfig } from '../src/config.js';
import { toGlobalId } from '../src/graphql/node/global-id.js';
import { pgConnectionConfig } from '../src/stores/pg-pool.js';
import { connectLive, type LiveClient } from '../test/support/live-client.js';
import { numberOption, withBenchStores } from './support.js';

const SECONDS = numberOption('seconds', 30);
const SUBSCRIBERS = numberOption('subscribers', 1000);
const CONVERSATIONS = numberOption('conversations', 100);
const RATE = numberOption('rate', 50);
const PER_CONVERSATION = Math.ceil(SUBSCRIBERS / CONVERSATIONS);
const JWT_SECRET = 'bench-live-jwt-secret-'.padEnd(40, 'x');
const SUBSCRIPTION = `subscription Live($c: ID!) { messageAdded(conversationId: $c) { cursor node { databaseId createdAt sender { username } } } }`;
const SEND = `mutation Send($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { databaseId } }`;

const url = (store: StoreConfig) =>
  `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;

async function seed(hot: pg.Client): Promise<void> {
  const users = CONVERSATIONS * PER_CONVERSATION;
  await hot.query(
    `INSERT INTO users (id, username, display_name) SELECT g, 'user' || g, 'User ' || g FROM generate_series(1, $1) g`,
    [users],
  );
  await hot.query(
    `INSERT INTO conversations (id, title) SELECT g, 'Conversation ' || g FROM generate_series(1, $1) g`,
    [CONVERSATIONS],
  );
  await hot.query(
    `INSERT INTO conversation_participants (conversation_id, user_id)
     SELECT ((g - 1) / $2) + 1, g FROM generate_series(1, $1) g`,
    [users, PER_CONVERSATION],
  );
  await hot.query(`SELECT setval(pg_get_serial_sequence('users', 'id'), $1)`, [users + 1]);
}

let stopping = false;

function startGateway(stores: { hot: StoreConfig; cold: StoreConfig }) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: '0',
      // The ready line is an info log line in production.
      LOG_LEVEL: 'info',
      ADMIN_TOKEN: 'bench-live-admin-token-0123456789',
      METRICS_TOKEN: 'bench-live-metrics-token-0123456789',
      JWT_SECRET,
      HOT_DATABASE_URL: url(stores.hot),
      COLD_DATABASE_URL: url(stores.cold),
      ADDRESS_MAX_REQUESTS: '1000',
      ADDRESS_MAX_STATEMENTS: '1000',
      LIVE_MAX_SOCKETS_PER_ADDRESS: String(SUBSCRIBERS + 10),
      LIVE_MAX_SUBSCRIPTIONS_PER_ADDRESS: String(SUBSCRIBERS + 10),
    },
  });
  let output = '';
  return new Promise<{ child: typeof child; url: string }>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in [\d.]+ s at (http:\/\/\S+?)[\s"(]/.exec(output);
      if (match) resolve({ child, url: match[1] });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code, signal) => {
      const error = new Error(`gateway exited with ${code ?? signal}:\n${output.slice(-4000)}`);
      if (stopping) return;
      reject(error);
      console.error(error.message);
    });
  });
}

/** utime + stime of a process, in seconds. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function rssMb(pid: number): number {
  const line = readFileSync(`/proc/${pid}/status`, 'utf8')
    .split('\n')
    .find((l) => l.startsWith('VmRSS:'))!;
  return Number(line.split(/\s+/)[1]) / 1024;
}

async function metrics(gatewayUrl: string): Promise<Map<string, number>> {
  const text = await fetch(gatewayUrl.replace('/graphql', '/metrics'), {
    headers: { authorization: 'Bearer bench-live-metrics-token-0123456789' },
  }).then((r) => r.text());
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#') || line.trim() === '') continue;
    const space = line.lastIndexOf(' ');
    values.set(line.slice(0, space), Number(line.slice(space + 1)));
  }
  return values;
}

const hotStatements = (m: Map<string, number>) =>
  [...m.entries()]
    .filter(([name]) => name.startsWith('gateway_store_statements_total{') && name.includes('store="hot"'))
    .reduce((sum, [, value]) => sum + value, 0);

function percentile(sorted: readonly number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

await withBenchStores(async (stores) => {
  const hot = new pg.Client(pgConnectionConfig(stores.hot));
  await hot.connect();
  await seed(hot);
  const gateway = await startGateway(stores);
  const pid = gateway.child.pid!;
  console.log(`gateway pid ${pid} at ${gateway.url}`);
  try {
    const tokens = await Promise.all(
      Array.from({ length: CONVERSATIONS * PER_CONVERSATION }, (_, i) => signToken(JWT_SECRET, { sub: i + 1 })),
    );
    const idle = await metrics(gateway.url);
    const lags: number[] = [];
    const received = new Map<number, number[]>(); // subscriber -> ids
    const clients: LiveClient[] = [];
    let measuring = false;
    let started = 0;
    // The worst lag of each second of the run: a stall shows where it happened.
    const worstBySecond: number[] = [];
    for (let i = 0; i < SUBSCRIBERS; i++) {
      const conversation = Math.floor(i / PER_CONVERSATION) + 1;
      const client = connectLive(gateway.url, { token: tokens[i] });
      clients.push(client);
      const ids: number[] = [];
      received.set(i, ids);
      const subscription = client.subscribe(SUBSCRIPTION, { c: toGlobalId('Conversation', conversation) });
      subscription.onResult = (result) => {
        if (result.errors) throw new Error(JSON.stringify(result.errors));
        ids.push(result.data.messageAdded.node.databaseId);
        if (!measuring) return;
        const lag = Date.now() - Date.parse(result.data.messageAdded.node.createdAt);
        lags.push(lag);
        const second = Math.floor((Date.now() - started) / 1000);
        worstBySecond[second] = Math.max(worstBySecond[second] ?? 0, lag);
      };
      if (i % 100 === 99) await Promise.all(clients.slice(-100).map((c) => c.acknowledged));
    }
    await Promise.all(clients.map((c) => c.acknowledged));
    // Every subscription registered with the feed (one first read per conversation).
    for (let i = 0; i < 400; i++) {
      const m = await metrics(gateway.url);
      if ((m.get('gateway_live_active_subscriptions') ?? 0) >= SUBSCRIBERS) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 1000));
    console.log(
      `${SUBSCRIBERS} subscribers on ${CONVERSATIONS} conversations; sending ${RATE} messages/s for ${SECONDS} s`,
    );

    const before = await metrics(gateway.url);
    const cpuBefore = cpuSeconds(pid);
    started = Date.now();
    measuring = true;
    const sent = new Map<number, number[]>(); // conversation -> ids
    let sends = 0;
    let peakRss = 0;
    const inflight: Promise<void>[] = [];
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, rssMb(pid))), 500);
    while (Date.now() - started < SECONDS * 1000) {
      const due = Math.floor(((Date.now() - started) / 1000) * RATE);
      while (sends < due) {
        const n = sends++;
        const conversation = (n % CONVERSATIONS) + 1;
        const sender = (conversation - 1) * PER_CONVERSATION + (n % PER_CONVERSATION);
        inflight.push(
          fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens[sender]}` },
            body: JSON.stringify({
              query: SEND,
              variables: { c: toGlobalId('Conversation', conversation), t: `m${n}` },
            }),
          })
            .then((r) => r.json() as Promise<any>)
            .then((body) => {
              if (body.errors) throw new Error(JSON.stringify(body.errors));
              const list = sent.get(conversation) ?? [];
              list.push(body.data.sendMessage.databaseId);
              sent.set(conversation, list);
            }),
        );
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await Promise.all(inflight);
    const elapsed = (Date.now() - started) / 1000;
    const cpu = (cpuSeconds(pid) - cpuBefore) / elapsed;
    const after = await metrics(gateway.url);
    // Let the last deliveries arrive.
    await new Promise((r) => setTimeout(r, 2000));
    measuring = false;
    clearInterval(sampler);

    const { rows } = await hot.query<{ conversation_id: number; id: number }>(
      'SELECT conversation_id, id FROM messages ORDER BY conversation_id, created_at, id',
    );
    const stored = new Map<number, number[]>();
    for (const row of rows) stored.set(row.conversation_id, [...(stored.get(row.conversation_id) ?? []), row.id]);
    let exact = 0;
    for (const [i, ids] of received) {
      const conversation = Math.floor(i / PER_CONVERSATION) + 1;
      if (JSON.stringify(ids) === JSON.stringify(stored.get(conversation) ?? [])) exact += 1;
    }
    const sorted = [...lags].sort((x, y) => x - y);
    const feedStatements =
      (after.get('gateway_live_feed_statements_total') ?? 0) - (before.get('gateway_live_feed_statements_total') ?? 0);
    const allHot = hotStatements(after) - hotStatements(before);
    const result = {
      date: new Date().toISOString(),
      subscribers: SUBSCRIBERS,
      conversations: CONVERSATIONS,
      ratePerSecond: RATE,
      seconds: Math.round(elapsed * 10) / 10,
      messagesSent: sends,
      deliveries: sorted.length,
      subscribersExact: exact,
      lagMs: { p50: percentile(sorted, 50), p99: percentile(sorted, 99), max: sorted.at(-1) },
      worstLagMsBySecond: worstBySecond,
      gateway: {
        cpuShareOfOneCore: Math.round(cpu * 1000) / 1000,
        rssMbEnd: Math.round(rssMb(pid)),
        rssMbPeak: Math.round(peakRss),
        heapUsedMbBeforeSubscribers: Math.round(
          (idle.get('gateway_process_nodejs_heap_size_used_bytes') ?? 0) / 1024 / 1024,
        ),
        heapUsedMbEnd: Math.round((after.get('gateway_process_nodejs_heap_size_used_bytes') ?? 0) / 1024 / 1024),
      },
      loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
      hotStatementsPerSecond: {
        feed: Math.round((feedStatements / elapsed) * 10) / 10,
        all: Math.round((allHot / elapsed) * 10) / 10,
        perMessageSent: Math.round((allHot / Math.max(1, sends)) * 100) / 100,
      },
    };
    console.log(JSON.stringify(result, null, 2));
    writeFileSync(
      path.join(PROJECT_ROOT, 'bench', 'results', 'live-latest.json'),
      `${JSON.stringify(result, null, 2)}\n`,
    );
    for (const client of clients) client.socket.terminate();
  } finally {
    stopping = true;
    gateway.child.kill('SIGTERM');
    await new Promise((r) => gateway.child.once('exit', r));
    await hot.end();
  }
});
