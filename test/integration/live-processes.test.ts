/**
 * Live delivery across gateway processes (Promise 9): two real gateway processes on the same
 * two stores, with no channel between them but the databases. A subscriber on each receives
 * every message sent through either process exactly once and in order; the delivery lag is
 * measured (and printed, not asserted: no wall-clock thresholds in tests). A subscriber that
 * disconnects while messages keep arriving, and whose cursor's rows an archival run moves to
 * the cold store meanwhile, sees, over all its connections, exactly the conversation's
 * messages after its first cursor.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/viewer.js';
import { PROJECT_ROOT, type StoreConfig } from '../../src/config.js';
import { MESSAGES_ORDERING } from '../../src/graphql/message/message-sides.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import type { FreshStores } from '../support/databases.js';
import { connectLive, MESSAGE_ADDED, type LiveSubscription } from '../support/live-client.js';
import { freshSmallStores, smallAt } from '../support/small-dataset.js';

const ADMIN = 'live-processes-admin-token-0123456789';
const JWT_SECRET = 'live-processes-jwt-secret-'.padEnd(40, 'x');
const CONVERSATION = toGlobalId('Conversation', 1);
const MESSAGES = 1000;
const SEND = `mutation Send($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { databaseId } }`;
const url = (store: StoreConfig) =>
  `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;
const cursorOf = (id: number, at: Date) => encodeCursor(MESSAGES_ORDERING.name, [at.getTime(), id]);

interface Process {
  readonly child: ChildProcess;
  readonly url: string;
  readonly exited: Promise<number | null>;
}

function startGateway(fresh: FreshStores): Promise<Process> {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join('src', 'main.ts')], {
    cwd: PROJECT_ROOT,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      PORT: '0',
      LOG_LEVEL: 'warn',
      ADMIN_TOKEN: ADMIN,
      JWT_SECRET,
      HOT_DATABASE_URL: url(fresh.hot),
      COLD_DATABASE_URL: url(fresh.cold),
      // runArchival answers when its run ends; on a loaded machine that can take longer than 15 s.
      REQUEST_TIMEOUT_MS: '180000',
      ADDRESS_MAX_REQUESTS: '100',
      ADDRESS_MAX_STATEMENTS: '100',
    },
  });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in [\d.]+ s at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1], exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`)));
  });
}

let fresh: FreshStores;
let hot: pg.Client;
let cold: pg.Client;
let a: Process;
let b: Process;
let ann: string;
let bob: string;

async function send(gateway: Process, token: string, text: string): Promise<number> {
  const response = await fetch(gateway.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query: SEND, variables: { c: CONVERSATION, t: text } }),
  });
  const body = (await response.json()) as any;
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.sendMessage.databaseId;
}

/** The conversation's message ids in key order, over both stores, after (at, id). */
async function storedAfter(at: Date, id: number): Promise<number[]> {
  const query = (table: string, column: string) =>
    `SELECT ${column} AS id, created_at FROM ${table} WHERE conversation_id = 1 AND (created_at, ${column}) > ($1, $2)`;
  const [h, c] = await Promise.all([
    hot.query(query('messages', 'id'), [at, id]),
    cold.query(query('messages_archive', 'original_id'), [at, id]),
  ]);
  const all = new Map<number, number>();
  for (const row of [...h.rows, ...c.rows]) all.set(row.id, new Date(row.created_at).getTime());
  return [...all.entries()].sort((x, y) => x[1] - y[1] || x[0] - y[0]).map(([key]) => key);
}

const idsOf = (results: any[]) => results.map((result) => result.data.messageAdded.node.databaseId as number);

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

beforeAll(async () => {
  fresh = await freshSmallStores();
  hot = new pg.Client(pgConnectionConfig(fresh.hot));
  cold = new pg.Client(pgConnectionConfig(fresh.cold));
  await Promise.all([hot.connect(), cold.connect()]);
  [a, b] = await Promise.all([startGateway(fresh), startGateway(fresh)]);
  [ann, bob] = await Promise.all([signToken(JWT_SECRET, { sub: 1 }), signToken(JWT_SECRET, { sub: 2 })]);
}, 120_000);

afterAll(async () => {
  for (const gateway of [a, b]) {
    if (!gateway) continue;
    gateway.child.kill('SIGTERM');
    await gateway.exited;
  }
  await Promise.all([hot?.end(), cold?.end()]);
  await fresh?.drop();
});

describe('two gateway processes on the same stores', () => {
  it(`deliver each of ${MESSAGES} messages, sent through either, once and in order to a subscriber on each`, async () => {
    const after = cursorOf(60, smallAt(60));
    const clients = [connectLive(a.url, { token: ann }), connectLive(b.url, { token: bob })];
    const lags: number[][] = [[], []];
    const subscriptions = clients.map((client, i) => {
      const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION, after });
      subscription.onResult = (result) =>
        lags[i].push(Date.now() - Date.parse(result.data.messageAdded.node.createdAt));
      return subscription;
    });
    for (const client of clients) expect(await client.acknowledged).toBe(true);

    // Four senders at once, alternating processes and users: appends race on the conversation.
    let next = 0;
    await Promise.all(
      [0, 1, 2, 3].map(async (lane) => {
        while (next < MESSAGES) {
          const n = next++;
          await send(n % 2 ? b : a, lane % 2 ? bob : ann, `message ${n}`);
        }
      }),
    );
    await Promise.all(subscriptions.map((subscription) => waitReceived(subscription, MESSAGES)));
    const expected = await storedAfter(smallAt(60), 60);
    expect(expected).toHaveLength(MESSAGES);
    for (const subscription of subscriptions) expect(idsOf(subscription.results)).toEqual(expected);

    for (const [i, name] of ['A', 'B'].entries()) {
      const sorted = [...lags[i]].sort((x, y) => x - y);
      console.log(
        `delivery lag on process ${name} over ${sorted.length} messages: p50 ${percentile(sorted, 50)} ms, p99 ${percentile(sorted, 99)} ms, max ${sorted.at(-1)} ms`,
      );
    }
    for (const client of clients) client.close();
  }, 180_000);

  it('resume after disconnects while messages keep arriving, across an archival run moving the older rows', async () => {
    const start = { id: 40, at: smallAt(40) };
    let sending = true;
    const sentIds: number[] = [];
    let sendFailures = 0;
    const sender = (async () => {
      while (sending) {
        // A send refused on a loaded machine (a store timeout) is retried; the expected set is
        // read from the stores, so whether it was stored or not changes nothing asserted.
        try {
          sentIds.push(await send(sentIds.length % 2 ? a : b, ann, `during ${sentIds.length}`));
        } catch {
          sendFailures += 1;
        }
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    })();

    const seen: { id: number; cursor: string }[] = [];
    const follow = async (gateway: Process, after: string, until: (id: number) => boolean) => {
      const client = connectLive(gateway.url, { token: bob });
      const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION, after });
      let stop!: () => void;
      const stopped = new Promise<void>((resolve) => (stop = resolve));
      let open = true;
      subscription.onResult = (result) => {
        if (!open) return;
        expect(result.errors).toBeUndefined();
        const edge = result.data.messageAdded;
        seen.push({ id: edge.node.databaseId, cursor: edge.cursor });
        if (until(edge.node.databaseId)) {
          // What arrives after this point was never seen: the socket goes away at once.
          open = false;
          client.socket.terminate();
          stop();
        }
      };
      let timer: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `no progress: ${seen.length} seen (last ${seen.at(-1)?.id}), ${sentIds.length} sent, ${sendFailures} sends failed, subscription ${JSON.stringify(subscription.error ?? subscription.results.at(-1)?.errors ?? null)}`,
              ),
            ),
          120_000,
        );
      });
      await Promise.race([stopped, subscription.done, stuck]).finally(() => clearTimeout(timer));
      expect(open, JSON.stringify(subscription.results.at(-1)?.errors ?? subscription.error ?? null)).toBe(false);
      return seen.at(-1)!.cursor;
    };

    // 1. Through A, from message 40 (hot) to message 50, then gone.
    let cursor = await follow(a, cursorOf(start.id, start.at), (id) => id === 50);
    // 2. Meanwhile archival moves every message older than 30 days (41..60 included) to cold.
    const run = await fetch(a.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${ADMIN}` },
      body: JSON.stringify({ query: 'mutation { runArchival(input: { olderThanDays: 30 }) { status } }' }),
    }).then((response) => response.json() as Promise<any>);
    expect(run.errors).toBeUndefined();
    for (let i = 0; i < 1200; i++) {
      const { rows } = await hot.query(
        `SELECT count(*)::int AS n FROM messages WHERE conversation_id = 1 AND id <= 60`,
      );
      if (rows[0].n === 0) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const { rows: moved } = await cold.query(`SELECT count(*)::int AS n FROM messages_archive WHERE original_id > 50`);
    expect(moved[0].n).toBe(10);
    // 3. Through B from message 50's cursor (its row now cold), until 40 live messages more.
    const mark = sentIds.length + 20;
    cursor = await follow(b, cursor, (id) => sentIds.length > mark && id >= sentIds[mark]);
    // 4. Through A again from there, until the sender has stopped and its last message arrived.
    // Step 3 can end on the sender's last message (its answer came back, then the feed handed
    // it out before the sender's next send): one more message, sent after the sender stopped,
    // gives this connection at least one to receive, and is the newest by construction.
    sending = false;
    await sender;
    const final = await send(a, ann, 'after the sender stopped');
    const last = (await storedAfter(start.at, start.id)).at(-1)!;
    expect(last).toBe(final);
    await follow(a, cursor, (id) => id === last);

    const expected = await storedAfter(start.at, start.id);
    expect(seen.map((s) => s.id)).toEqual(expected);
    expect(new Set(seen.map((s) => s.id)).size).toBe(seen.length);
    console.log(
      `resume: ${seen.length} messages over 3 connections (${sentIds.length} sent meanwhile, ${sendFailures} sends refused), none missed, none twice`,
    );
  }, 300_000);
});

async function waitReceived(subscription: LiveSubscription, n: number): Promise<void> {
  await Promise.race([
    subscription.received(n),
    new Promise((_, reject) =>
      setTimeout(() => reject(new Error(`received ${subscription.results.length} of ${n}`)), 60_000),
    ),
  ]);
}
