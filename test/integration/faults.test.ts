/**
 * Stores that fail, on real servers: the hot and the cold store each on a PostgreSQL server of
 * its own (two embedded clusters), stopped in the middle of the suite and started again, and a
 * store that stops answering (a stalled TCP proxy in front of it).
 *
 * While the cold store is down, queries answer with the hot part of each page and
 * COLD_STORE_UNAVAILABLE on the path of the incomplete connection, pageInfo claims more rows,
 * the circuit breaker opens (readiness says so) and archival refuses to start; when it is back,
 * full answers return without restarting the gateway. While the hot store is down, typed
 * HOT_STORE_UNAVAILABLE errors. A slow store cannot pile up requests: each one answers
 * within the statement timeout, typed, and once the breaker is open, at once.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RESILIENCE, loadConfig, type StoreConfig, type StoreTuning } from '../../src/config.js';
import { startEmbedded, type EmbeddedCluster } from '../../src/db/embedded.js';
import { migrate } from '../../src/db/migrations.js';
import { withMigrationSession } from '../../src/db/stores.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { hotIsPostgres } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { SMALL_MESSAGES, seedSmallDataset } from '../support/small-dataset.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const QUERY_TIMEOUT_MS = 1000;
const RESILIENCE = { ...DEFAULT_RESILIENCE, breakerFailureThreshold: 3, breakerResetMs: 300, requestTimeoutMs: 10_000 };
const C1 = toGlobalId('Conversation', 1);
const PAGE = `{ conversation(id: "${C1}") { messages(first: 40) { edges { node { databaseId tier sender { displayName } } } pageInfo { hasNextPage endCursor } } } }`;
const HOT_ONLY_PAGE = `{ conversation(id: "${C1}") { messages(first: 10) { edges { node { databaseId tier } } pageInfo { hasNextPage } } } }`;

interface Server {
  cluster: EmbeddedCluster;
  readonly dataDir: string;
  readonly port: number;
}

const tuning = (): StoreTuning => {
  const base = loadConfig({ NODE_ENV: 'test' }).stores;
  if (base.mode !== 'embedded') throw new Error('unreachable');
  return { ...base.hotTuning, pool: { ...base.hotTuning.pool, max: 5 }, queryTimeoutMs: QUERY_TIMEOUT_MS };
};

async function startServer(dataDir: string, port = 0): Promise<Server> {
  const cluster = await startEmbedded({ dataDir, port, hotTuning: tuning(), coldTuning: tuning() });
  return { cluster, dataDir, port: cluster.port };
}

async function restart(server: Server): Promise<void> {
  server.cluster = (await startServer(server.dataDir, server.port)).cluster;
}

async function eventually<T>(check: () => Promise<T | undefined>, what: string, deadlineMs = 30_000): Promise<T> {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const readiness = async (g: HttpGateway) => {
  const response = await fetch(`${g.base}/readyz`);
  return { status: response.status, body: (await response.json()) as any };
};
const codes = (body: any) => (body.errors ?? []).map((e: any) => e.extensions.code);

describe.runIf(hotIsPostgres())('stores that fail', () => {
  const folders: string[] = [];
  let hotServer: Server;
  let coldServer: Server;
  let hot: StoreConfig;
  let cold: StoreConfig;
  let gateway: HttpGateway;
  let token: string;

  beforeAll(async () => {
    const folder = () => {
      const dir = mkdtempSync(path.join(tmpdir(), 'stock-insight-faults-'));
      chmodSync(dir, 0o755);
      folders.push(dir);
      return dir;
    };
    [hotServer, coldServer] = await Promise.all([startServer(folder()), startServer(folder())]);
    hot = hotServer.cluster.hot;
    cold = coldServer.cluster.cold;
    for (const store of [hot, cold]) await withMigrationSession(store, migrate);
    const hotDb = new pg.Client(pgConnectionConfig(hot));
    const coldDb = new pg.Client(pgConnectionConfig(cold));
    await Promise.all([hotDb.connect(), coldDb.connect()]);
    await seedSmallDataset(hotDb, coldDb);
    await Promise.all([hotDb.end(), coldDb.end()]);
    gateway = await startHttpGateway({ hot, cold }, { resilience: RESILIENCE });
    token = await gateway.analystToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await Promise.allSettled([hotServer?.cluster.stop(), coldServer?.cluster.stop()]);
    for (const dir of folders) rmSync(dir, { recursive: true, force: true });
  });

  const page = async (query = PAGE) => gateway.post(query, { token });

  it('answers in full while both stores are up', async () => {
    const { status, body } = await page();
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(body.data.conversation.messages.edges).toHaveLength(40);
    expect((await readiness(gateway)).status).toBe(200);
  });

  it('serves the hot part of each page while the cold store is down, and says the page is incomplete', async () => {
    await coldServer.cluster.stop();

    const { status, body } = await page();
    expect(status).toBe(200);
    const { edges, pageInfo } = body.data.conversation.messages;
    // Exactly the hot rows, newest first: the first 30 rows of the complete page.
    expect(edges.map((e: any) => e.node.databaseId)).toEqual(
      Array.from({ length: SMALL_MESSAGES.total - SMALL_MESSAGES.cold }, (_, i) => SMALL_MESSAGES.total - i),
    );
    expect(edges.every((e: any) => e.node.tier === 'HOT' && e.node.sender.displayName)).toBe(true);
    expect(pageInfo.hasNextPage).toBe(true);
    expect(body.errors).toEqual([
      expect.objectContaining({ path: ['conversation', 'messages'], extensions: { code: 'COLD_STORE_UNAVAILABLE' } }),
    ]);

    // A page the hot store fills on its own never needed the cold store.
    const hotOnly = await page(HOT_ONLY_PAGE);
    expect(hotOnly.body.errors).toBeUndefined();
    expect(hotOnly.body.data.conversation.messages.edges).toHaveLength(10);

    // Records by id: the hot one resolves, the cold one fails alone.
    const nodes = await page(`{ nodes(ids: ["${toGlobalId('Message', 50)}", "${toGlobalId('Message', 5)}"]) { id } }`);
    expect(nodes.body.data.nodes).toEqual([{ id: toGlobalId('Message', 50) }, null]);
    expect(nodes.body.errors).toEqual([
      expect.objectContaining({ path: ['nodes', 1], extensions: { code: 'COLD_STORE_UNAVAILABLE' } }),
    ]);

    // An exact count cannot be given.
    const count = await page(`{ conversation(id: "${C1}") { messages { totalCount } } }`);
    expect(codes(count.body)).toContain('COLD_STORE_UNAVAILABLE');

    // The feed: the hot post, and the error for the rest.
    const feed = await page('{ posts(first: 5) { edges { node { databaseId tier } } pageInfo { hasNextPage } } }');
    expect(feed.body.data.posts.edges).toEqual([{ node: { databaseId: 2, tier: 'HOT' } }]);
    expect(feed.body.data.posts.pageInfo.hasNextPage).toBe(true);
    expect(codes(feed.body)).toEqual(['COLD_STORE_UNAVAILABLE']);

    // Nested pages read together: each parent keeps its own safe hot rows and its own error.
    const byAuthor = await page(
      '{ users(first: 2) { edges { node { username posts(first: 5) { edges { node { databaseId } } pageInfo { hasNextPage } } } } } }',
    );
    const authors = byAuthor.body.data.users.edges.map((e: any) => e.node);
    expect(authors.map((u: any) => [u.username, u.posts.edges.map((e: any) => e.node.databaseId)])).toEqual([
      ['ann', []],
      ['bob', [2]],
    ]);
    expect(authors.every((u: any) => u.posts.pageInfo.hasNextPage)).toBe(true);
    expect(byAuthor.body.errors).toEqual(
      [0, 1].map((i) =>
        expect.objectContaining({
          path: ['users', 'edges', i, 'node', 'posts'],
          extensions: { code: 'COLD_STORE_UNAVAILABLE' },
        }),
      ),
    );
  });

  it('opens the cold breaker: readiness says so, statements fail fast, archival refuses to start', async () => {
    const ready = await eventually(async () => {
      await page();
      const r = await readiness(gateway);
      return r.body.stores.cold.breaker !== 'closed' ? r : undefined;
    }, 'the cold breaker to open');
    expect(ready.status).toBe(503);
    expect(ready.body.stores.hot).toMatchObject({ ready: true, breaker: 'closed' });
    expect(ready.body.stores.cold).toMatchObject({ ready: false, reachable: false });

    const metrics = await (await fetch(`${gateway.base}/metrics`)).text();
    expect(metrics).toMatch(/gateway_store_statements_total\{store="cold",outcome="rejected"\} [1-9]/);
    expect(metrics).toMatch(/gateway_store_breaker_state\{store="cold"\} [12]/);

    const archival = await gateway.post('mutation { runArchival(input: { olderThanDays: 0 }) { id } }', {
      token: HTTP_SECRETS.adminToken,
    });
    expect(codes(archival.body)).toEqual(['COLD_STORE_UNAVAILABLE']);
  });

  it('answers in full again once the cold store is back, without a restart', async () => {
    await restart(coldServer);
    await eventually(
      async () => ((await readiness(gateway)).status === 200 ? true : undefined),
      'readiness after the cold store returned',
    );
    const { body } = await page();
    expect(body.errors).toBeUndefined();
    expect(body.data.conversation.messages.edges).toHaveLength(40);
    expect(body.data.conversation.messages.edges.at(-1).node.tier).toBe('COLD');
  });

  it('fails with HOT_STORE_UNAVAILABLE while the hot store is down, and recovers when it is back', async () => {
    await hotServer.cluster.stop();
    const { status, body } = await page();
    expect(status).toBe(200);
    expect(body.data).toEqual({ conversation: null });
    expect(codes(body)).toEqual(['HOT_STORE_UNAVAILABLE']);
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|prisma/i);
    const stocks = await page('{ stocks(first: 1) { edges { node { symbol } } } }');
    expect(codes(stocks.body)).toEqual(['HOT_STORE_UNAVAILABLE']);
    await eventually(
      async () => ((await readiness(gateway)).body.stores.hot.breaker !== 'closed' ? true : undefined),
      'the hot breaker to open',
    );

    await restart(hotServer);
    await eventually(
      async () => ((await readiness(gateway)).status === 200 ? true : undefined),
      'readiness after the hot store returned',
    );
    const again = await page();
    expect(again.body.errors).toBeUndefined();
    expect(again.body.data.conversation.messages.edges).toHaveLength(40);
  });

  describe('a cold store that stops answering', () => {
    let proxy: TcpProxy;
    let slow: HttpGateway;

    beforeAll(async () => {
      proxy = await startTcpProxy({ host: cold.host, port: cold.port });
      slow = await startHttpGateway({ hot, cold: { ...cold, port: proxy.port } }, { resilience: RESILIENCE });
    });
    afterAll(async () => {
      proxy?.resume();
      await slow?.stop();
      await proxy?.close();
    });

    it('cannot pile up requests: each answers typed within the statement timeout, then at once', async () => {
      expect((await slow.post(PAGE, { token })).body.errors).toBeUndefined();
      proxy.stall();
      const statements = async () => {
        const text = await (await fetch(`${slow.base}/metrics`)).text();
        const count = (outcome: string) =>
          Number(
            new RegExp(`gateway_store_statements_total\\{store="cold",outcome="${outcome}"\\} (\\d+)`).exec(
              text,
            )?.[1] ?? 0,
          );
        return {
          unavailable: count('unavailable'),
          rejected: count('rejected'),
          timeouts: /REQUEST_TIMEOUT/.test(text),
        };
      };
      const wave = async () => {
        const answers = await Promise.all(Array.from({ length: 30 }, () => slow.post(PAGE, { token })));
        for (const { status, body } of answers) {
          expect(status).toBe(200);
          expect(codes(body)).toEqual(['COLD_STORE_UNAVAILABLE']);
          expect(body.data.conversation.messages.edges).toHaveLength(SMALL_MESSAGES.total - SMALL_MESSAGES.cold);
        }
      };
      // The first wave's page statements all wait out their timeout, and open the breaker...
      // (a reload of the cached archive bounds may add one statement to either wave)
      await wave();
      const first = await statements();
      expect(first).toMatchObject({ rejected: 0, timeouts: false });
      expect(first.unavailable).toBeGreaterThanOrEqual(30);
      // ...which turns the next wave away without a statement reaching the store.
      await wave();
      const second = await statements();
      expect(second).toMatchObject({ unavailable: first.unavailable, timeouts: false });
      expect(second.rejected).toBeGreaterThanOrEqual(30);

      proxy.resume();
      await eventually(
        async () => ((await readiness(slow)).status === 200 ? true : undefined),
        'readiness after the store answered again',
      );
      expect((await slow.post(PAGE, { token })).body.errors).toBeUndefined();
    });

    it('answers 504 REQUEST_TIMEOUT when a request outlives REQUEST_TIMEOUT_MS, and stays up', async () => {
      // A request deadline shorter than the statement timeout: the request gives up first.
      const impatient = await startHttpGateway(
        { hot, cold: { ...cold, port: proxy.port } },
        { resilience: { ...RESILIENCE, requestTimeoutMs: 300 } },
      );
      try {
        expect((await impatient.post(PAGE, { token })).body.errors).toBeUndefined();
        proxy.stall();
        const { status, body } = await impatient.post(PAGE, { token });
        expect(status).toBe(504);
        expect(codes(body)).toEqual(['REQUEST_TIMEOUT']);
        proxy.resume();
        await eventually(
          async () => ((await impatient.post(PAGE, { token })).body.errors === undefined ? true : undefined),
          'a full answer after the stall',
        );
      } finally {
        proxy.resume();
        await impatient.stop();
      }
    });
  });
});
