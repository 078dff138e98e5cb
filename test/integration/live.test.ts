/**
 * Subscription.messageAdded over graphql-ws on one gateway, on the real stores: delivery in
 * order and once, resume from cursors in either store, the refusals (anonymous, other users,
 * bad and expired tokens, bad arguments), the limits (subscriptions per socket and address,
 * flooding, oversized messages, idle and ping timeouts), a slow consumer, and shutdown.
 * The multi-process and resume-under-load cases are in live-processes.test.ts.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchival } from '../../src/archival/job.js';
import { signToken } from '../../src/auth/viewer.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { MESSAGES_ORDERING } from '../../src/graphql/message/message-sides.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import type { FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { connectLive, MESSAGE_ADDED, type LiveClient } from '../support/live-client.js';
import { freshSmallStores, smallAt } from '../support/small-dataset.js';

const CONVERSATION = toGlobalId('Conversation', 1);
const cursorOf = (id: number, at: Date) => encodeCursor(MESSAGES_ORDERING.name, [at.getTime(), id]);
const SEND = `mutation Send($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { databaseId createdAt } }`;

let fresh: FreshStores;
let hot: pg.Client;
let gateway: HttpGateway;
let ann: string;
let bob: string;
let eve: string;
const clients: LiveClient[] = [];

const live = (token?: string) => {
  const client = connectLive(gateway.url, token ? { token } : {});
  clients.push(client);
  return client;
};
const send = async (token: string, text: string) => {
  const { body } = await gateway.post(SEND, { token, variables: { c: CONVERSATION, t: text } });
  expect(body.errors).toBeUndefined();
  return body.data.sendMessage as { databaseId: number; createdAt: string };
};
const ids = (results: any[]) => results.map((result) => result.data.messageAdded.node.databaseId as number);
const metric = async (name: string) => {
  const text = await gateway.metrics.registry.metrics();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`));
  return line ? Number(line.split(' ').at(-1)) : 0;
};

beforeAll(async () => {
  fresh = await freshSmallStores();
  hot = new pg.Client(pgConnectionConfig(fresh.hot));
  await hot.connect();
  gateway = await startHttpGateway(
    { hot: fresh.hot, cold: fresh.cold },
    {
      live: {
        subscriptionsPerConnection: 3,
        subscriptionsPerAddress: 6,
        messagesPerSecond: 20,
        maxMessageBytes: 4096,
        pollIntervalMs: 50,
        idleTimeoutMs: 60_000,
        pingIntervalMs: 60_000,
      },
    },
  );
  [ann, bob, eve] = await Promise.all([
    signToken(HTTP_SECRETS.jwtSecret, { sub: 1 }),
    signToken(HTTP_SECRETS.jwtSecret, { sub: 2 }),
    signToken(HTTP_SECRETS.jwtSecret, { sub: 3 }),
  ]);
});

afterAll(async () => {
  for (const client of clients) client.socket.terminate();
  await gateway?.stop();
  await hot?.end();
  await fresh?.drop();
});

describe('messageAdded', () => {
  it('delivers each message sent after subscribing, once, in order, with its sender', async () => {
    const client = live(ann);
    const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    expect(await client.acknowledged).toBe(true);
    // The subscription is registered once the server has answered its first statement; wait
    // for the feed to follow the conversation before sending.
    await waitFor(() => gateway.gateway.live.sockets === 1);
    await new Promise((resolve) => setTimeout(resolve, 200));
    const sent: number[] = [];
    for (let i = 0; i < 10; i++) sent.push((await send(i % 2 ? bob : ann, `live ${i}`)).databaseId);
    await subscription.received(10);
    expect(ids(subscription.results)).toEqual(sent);
    const first = subscription.results[0].data.messageAdded;
    expect(first.node).toMatchObject({ content: 'live 0', tier: 'HOT', sender: { username: 'ann' } });
    expect(first.cursor).toBe(cursorOf(sent[0], new Date(first.node.createdAt)));
    subscription.complete();
    client.close();
  });

  it('resumes after a cursor: every newer message from both stores first, then the live ones', async () => {
    // Message 10 is in the cold store (1..30), 40 in the hot store.
    for (const [after, at] of [
      [10, smallAt(10)],
      [40, smallAt(40)],
    ] as const) {
      const { rows } = await hot.query<{ id: number }>(
        'SELECT id FROM messages WHERE conversation_id = 1 ORDER BY created_at, id',
      );
      const client = live(bob);
      const subscription = client.subscribe(MESSAGE_ADDED, {
        conversationId: CONVERSATION,
        after: cursorOf(after, at),
      });
      const expected = [
        ...Array.from({ length: 60 - after }, (_, i) => after + 1 + i),
        ...rows.map((r) => r.id).filter((id) => id > 60),
      ];
      await subscription.received(expected.length);
      const extra = await send(ann, `after ${after}`);
      await subscription.received(expected.length + 1);
      expect(ids(subscription.results)).toEqual([...expected, extra.databaseId]);
      expect(subscription.results[0].data.messageAdded.node.tier).toBe(after < 30 ? 'COLD' : 'HOT');
      client.close();
    }
  });

  it('refuses anonymous callers, other users, unknown conversations and bad cursors with typed errors', async () => {
    const anonymous = live();
    const refused = anonymous.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    await refused.done;
    expect(refused.error?.[0].extensions.code).toBe('UNAUTHENTICATED');

    const other = live(eve);
    const cases = [
      [{ conversationId: CONVERSATION }, 'FORBIDDEN'],
      [{ conversationId: toGlobalId('Conversation', 999) }, 'NOT_FOUND'],
      [{ conversationId: CONVERSATION, after: 'not-a-cursor' }, 'INVALID_CURSOR'],
      [{ conversationId: toGlobalId('Post', 1) }, 'BAD_USER_INPUT'],
    ] as const;
    for (const [variables, code] of cases) {
      const subscription = other.subscribe(MESSAGE_ADDED, variables);
      await subscription.done;
      expect(subscription.error?.[0].extensions.code, JSON.stringify(variables)).toBe(code);
    }
    const query = other.subscribe('{ stocks(first: 1) { edges { node { symbol } } } }');
    await query.done;
    expect(query.error?.[0].extensions.code).toBe('BAD_REQUEST');
    const deep = other.subscribe(
      'subscription { messageAdded(conversationId: "x") { node { conversation { messages { edges { node { conversation { messages { edges { node { conversation { messages { edges { node { id } } } } } } } } } } } } } } }',
    );
    await deep.done;
    expect(deep.error?.[0].extensions.code).toBe('MAX_DEPTH_EXCEEDED');
    // The socket stayed open through every refusal.
    expect(other.socket.readyState).toBe(other.socket.OPEN);
    other.close();
    anonymous.close();
  });

  it('closes a socket whose token is invalid with 4401, and ends subscriptions when the token expires', async () => {
    const invalid = live('not.a.token');
    expect(await invalid.acknowledged).toBe(false);
    expect(await invalid.closed).toMatchObject({ code: 4401, reason: expect.stringMatching(/^UNAUTHENTICATED/) });

    const shortLived = await signToken(HTTP_SECRETS.jwtSecret, { sub: 1 }, '2s');
    const client = live(shortLived);
    const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    expect(await client.acknowledged).toBe(true);
    await subscription.done;
    expect(subscription.results.at(-1)?.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
    expect(await client.closed).toMatchObject({ code: 4401 });
  });

  it('limits subscriptions per socket and per address, and keeps serving the ones it accepted', async () => {
    const first = live(ann);
    const accepted = [1, 2, 3].map(() => first.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION }));
    const fourth = first.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    await fourth.done;
    expect(fourth.error?.[0]).toMatchObject({ extensions: { code: 'RATE_LIMITED' } });
    expect(fourth.error?.[0].message).toMatch(/per connection/);

    const second = live(ann);
    [1, 2, 3].map(() => second.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION }));
    await waitFor(async () => (await metric('gateway_live_active_subscriptions')) === 6);
    const third = live(ann);
    const overAddress = third.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    await overAddress.done;
    expect(overAddress.error?.[0].message).toMatch(/per client address/);

    const sent = await send(bob, 'to the accepted ones');
    for (const subscription of accepted) {
      await subscription.received(1);
      expect(ids(subscription.results)).toEqual([sent.databaseId]);
    }
    for (const client of [first, second, third]) client.close();
    await waitFor(async () => (await metric('gateway_live_active_subscriptions')) === 0);
  });

  it('closes a flooding socket (1008) and an oversized message (1009), and serves others meanwhile', async () => {
    const bystander = live(bob);
    const watching = bystander.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    expect(await bystander.acknowledged).toBe(true);
    const heapBefore = process.memoryUsage().heapUsed;

    const flooder = live(ann);
    expect(await flooder.acknowledged).toBe(true);
    // A bounded loop on loopback: far more pings than the 20 per second (burst 40) allowed.
    for (let i = 0; i < 2000 && flooder.socket.readyState === flooder.socket.OPEN; i++) flooder.send({ type: 'ping' });
    expect(await flooder.closed).toMatchObject({ code: 1008, reason: expect.stringMatching(/^RATE_LIMITED/) });

    const big = live(ann);
    expect(await big.acknowledged).toBe(true);
    big.send({ type: 'ping', payload: { junk: 'x'.repeat(8000) } });
    expect((await big.closed).code).toBe(1009);

    await new Promise((resolve) => setTimeout(resolve, 150));
    const sent = await send(ann, 'still served');
    await watching.received(1);
    expect(ids(watching.results)).toEqual([sent.databaseId]);
    // Nothing the flood sent was kept: the heap has not grown by the flood's size (2000 messages).
    expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(64 * 1024 * 1024);
    bystander.close();
  });

  it('ends a slow consumer with SLOW_CONSUMER once its bounded queue overflows', async () => {
    const slowGateway = await startHttpGateway(
      { hot: fresh.hot, cold: fresh.cold },
      { live: { queueLimit: 5, pollIntervalMs: 20 } },
    );
    try {
      const client = connectLive(slowGateway.url, { token: ann });
      clients.push(client);
      const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
      expect(await client.acknowledged).toBe(true);
      await waitFor(() => slowGateway.gateway.live.sockets === 1);
      await new Promise((resolve) => setTimeout(resolve, 200));
      // The client stops reading: the server's writes back up, its queue fills.
      (client.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      const big = 'y'.repeat(3900);
      let dropped = 0;
      for (let round = 0; round < 40 && dropped === 0; round++) {
        await hot.query(
          `INSERT INTO messages (conversation_id, sender_id, content, created_at)
           SELECT 1, 1, $1, clock_timestamp() + make_interval(secs => 1000 + $2 * 1000 + g) FROM generate_series(1, 200) g`,
          [big, round],
        );
        await new Promise((resolve) => setTimeout(resolve, 100));
        const text = await slowGateway.metrics.registry.metrics();
        dropped = Number(/gateway_live_dropped_slow_consumers_total (\d+)/.exec(text)?.[1] ?? 0);
      }
      expect(dropped).toBe(1);
      (client.socket as unknown as { _socket: { resume(): void } })._socket.resume();
      await subscription.done;
      expect(subscription.results.at(-1)?.errors?.[0].extensions.code).toBe('SLOW_CONSUMER');
      // What it did receive was in order and without a gap from its start.
      const received = ids(subscription.results.slice(0, -1));
      expect(received).toEqual([...received].sort((a, b) => a - b));
      client.close();
    } finally {
      await slowGateway.stop();
    }
  });

  it('closes idle sockets (4000) and sockets that stop answering pings', async () => {
    const quick = await startHttpGateway(
      { hot: fresh.hot, cold: fresh.cold },
      { live: { idleTimeoutMs: 300, pingIntervalMs: 200 } },
    );
    try {
      const idle = connectLive(quick.url, { token: ann });
      clients.push(idle);
      expect(await idle.acknowledged).toBe(true);
      expect((await idle.closed).code).toBe(4000);

      const deaf = connectLive(quick.url, { token: ann });
      clients.push(deaf);
      deaf.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
      expect(await deaf.acknowledged).toBe(true);
      (deaf.socket as unknown as { _socket: { pause(): void } })._socket.pause();
      await waitFor(() => quick.gateway.live.sockets === 0);
    } finally {
      await quick.stop();
    }
  });

  it('refuses subscriptions over HTTP, and sockets past the per-address limit at the upgrade', async () => {
    const overHttp = await gateway.post(MESSAGE_ADDED, { token: ann, variables: { conversationId: CONVERSATION } });
    expect(overHttp.status).toBeLessThan(500);
    expect(overHttp.body.errors?.[0].extensions.code).toBe('BAD_REQUEST');

    const narrow = await startHttpGateway({ hot: fresh.hot, cold: fresh.cold }, { live: { socketsPerAddress: 2 } });
    try {
      const open = [connectLive(narrow.url, { token: ann }), connectLive(narrow.url, { token: bob })];
      clients.push(...open);
      for (const client of open) expect(await client.acknowledged).toBe(true);
      const response = await new Promise<{ status: number; body: string }>((resolve) => {
        const third = connectLive(narrow.url, { token: ann });
        clients.push(third);
        third.socket.once('unexpected-response', (_request, res) => {
          let body = '';
          res.on('data', (chunk: Buffer) => (body += chunk.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        });
      });
      expect(response.status).toBe(429);
      expect(JSON.parse(response.body).errors[0].extensions.code).toBe('RATE_LIMITED');
      // The two accepted sockets are still served.
      const subscription = open[0].subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
      await waitFor(async () => /gateway_live_active_subscriptions 1/.test(await narrow.metrics.registry.metrics()));
      expect(subscription.error).toBeUndefined();
      for (const client of open) client.close();
    } finally {
      await narrow.stop();
    }
  });

  it('follows a new message into the cold store when archival moves it before the feed has read it', async () => {
    // A feed that reads every 4 s: archival with olderThanDays 0 runs between the send and the read.
    const slowFeed = await startHttpGateway({ hot: fresh.hot, cold: fresh.cold }, { live: { pollIntervalMs: 4000 } });
    try {
      const client = connectLive(slowFeed.url, { token: ann });
      clients.push(client);
      const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
      expect(await client.acknowledged).toBe(true);
      await waitFor(async () => /gateway_live_active_subscriptions 1/.test(await slowFeed.metrics.registry.metrics()));
      await new Promise((resolve) => setTimeout(resolve, 300));
      const sent = await send(ann, 'archived at once');
      const moved = await runArchival(
        { hot: slowFeed.stores.hot, hotSql: slowFeed.stores.hotSql, cold: fresh.cold, bounds: slowFeed.stores.bounds },
        { olderThanDays: 0, dryRun: false, deleteDelayMs: 0, now: () => new Date(Date.parse(sent.createdAt) + 1) },
      );
      expect(moved.status).toBe('SUCCEEDED');
      const { rows } = await hot.query('SELECT 1 FROM messages WHERE id = $1', [sent.databaseId]);
      expect(rows).toHaveLength(0);
      await subscription.received(1);
      expect(ids(subscription.results)).toEqual([sent.databaseId]);
      expect(subscription.results[0].data.messageAdded.node).toMatchObject({
        tier: 'COLD',
        sender: { username: 'ann' },
      });
      client.close();
    } finally {
      await slowFeed.stop();
    }
  }, 30_000);

  it('closes sockets with 1001 (going away) at shutdown, after the subscriptions complete', async () => {
    const own = await startHttpGateway({ hot: fresh.hot, cold: fresh.cold });
    const client = connectLive(own.url, { token: ann });
    clients.push(client);
    const subscription = client.subscribe(MESSAGE_ADDED, { conversationId: CONVERSATION });
    expect(await client.acknowledged).toBe(true);
    await waitFor(() => own.gateway.live.sockets === 1);
    await own.stop();
    await subscription.done;
    expect(subscription.error).toBeUndefined();
    expect((await client.closed).code).toBe(1001);
  });
});

async function waitFor(condition: () => boolean | Promise<boolean>, attempts = 200): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error('condition not reached');
}
