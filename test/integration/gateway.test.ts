/**
 * The first slice of the contract end to end on real databases: GraphQL operations through
 * Apollo Server, with the SQL statements each one sent counted from the Prisma clients.
 */
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createArchiveBounds } from '../../src/archival/bounds.js';
import { signToken, type Viewer } from '../../src/auth/viewer.js';
import { createContext, type Stores } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { coldAdapter } from '../../src/stores/cold/index.js';
import { hotAdapter } from '../../src/stores/hot/index.js';
import { storeClients } from '../../src/stores/index.js';
import { countingAdapter, type CountingAdapter } from '../support/counting-adapter.js';
import { freshStores, type FreshStores } from '../support/databases.js';
import { fakeProbe } from '../support/probes.js';
import { hotFixtureClient, type HotFixtureClient } from '../support/hot-fixtures.js';

const secrets = { adminToken: 'test-admin-token-0123456789', jwtSecret: 'test-jwt-secret-'.padEnd(40, 'x') };
const STOCKS = Array.from({ length: 30 }, (_, i) => ({
  symbol: String(1000 + ((i * 7919) % 9000)),
  name: `Company ${i}`,
  market: i % 5 ? 'TWSE' : null,
}));
const USERS = Array.from({ length: 12 }, (_, i) => ({
  username: `user${String.fromCharCode(97 + ((i * 5) % 12))}${i}`,
  displayName: `User ${i}`,
}));

let fresh: FreshStores;
let hotCounter: CountingAdapter;
let coldCounter: CountingAdapter;
let stores: Stores;
let gateway: Gateway;
let fixtures: HotFixtureClient;
const sortedSymbols = [...STOCKS.map((s) => s.symbol)].sort();

beforeAll(async () => {
  fresh = await freshStores();
  fixtures = hotFixtureClient(fresh.hot);
  hotCounter = countingAdapter(hotAdapter(fresh.hot));
  coldCounter = countingAdapter(coldAdapter(fresh.cold));
  const { hot, cold, hotSql, coldSql } = storeClients(hotCounter.factory, coldCounter.factory);
  stores = { hot, cold, hotSql, coldSql, bounds: createArchiveBounds({ hot, cold: cold! }) };
  await fixtures.stock.createMany({ data: STOCKS });
  await fixtures.user.createMany({ data: USERS });
  gateway = await createGateway({ stores, probes: { hot: fakeProbe(), cold: fakeProbe() }, secrets, nodeEnv: 'test' });
  await gateway.apollo.start();
});

afterAll(async () => {
  await gateway?.apollo.stop();
  await Promise.all([
    fixtures?.$disconnect(),
    stores?.hot.$disconnect(),
    stores?.cold?.$disconnect(),
    stores?.hotSql.dispose(),
    stores?.coldSql?.dispose(),
  ]);
  await fresh?.drop();
});

beforeEach(() => {
  hotCounter.reset();
  coldCounter.reset();
});

async function query(source: string, viewer: Viewer = { kind: 'anonymous' }) {
  const response = await gateway.apollo.executeOperation(
    { query: source },
    { contextValue: createContext(stores, viewer) },
  );
  if (response.body.kind !== 'single') throw new Error('expected a single result');
  return response.body.singleResult as {
    data?: Record<string, any>;
    errors?: readonly { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function data(source: string, viewer?: Viewer) {
  const result = await query(source, viewer);
  expect(result.errors).toBeUndefined();
  return result.data!;
}

async function errorCode(source: string) {
  const result = await query(source);
  expect(result.errors).toHaveLength(1);
  return result.errors![0].extensions?.code;
}

describe('stocks connection', () => {
  it('pages forward to the end, every stock once, one statement per page', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    let pages = 0;
    for (;;) {
      const { stocks } = await data(
        `{ stocks(first: 7${after ? `, after: "${after}"` : ''}) { edges { cursor node { symbol } } pageInfo { hasNextPage hasPreviousPage endCursor } } }`,
      );
      pages++;
      seen.push(...stocks.edges.map((e: any) => e.node.symbol));
      if (!stocks.pageInfo.hasNextPage) break;
      after = stocks.pageInfo.endCursor;
    }
    expect(seen).toEqual(sortedSymbols);
    expect(pages).toBe(Math.ceil(STOCKS.length / 7));
    expect(hotCounter.statements).toHaveLength(pages);
    expect(coldCounter.statements).toHaveLength(0);
  });

  it('pages backward from the end to the start', async () => {
    const seen: string[] = [];
    let before: string | null = null;
    for (;;) {
      const { stocks } = await data(
        `{ stocks(last: 8${before ? `, before: "${before}"` : ''}) { edges { node { symbol } } pageInfo { hasPreviousPage startCursor } } }`,
      );
      seen.unshift(...stocks.edges.map((e: any) => e.node.symbol));
      if (!stocks.pageInfo.hasPreviousPage) break;
      before = stocks.pageInfo.startCursor;
    }
    expect(seen).toEqual(sortedSymbols);
  });

  it('counts only when totalCount is selected', async () => {
    expect((await data('{ stocks(first: 3) { totalCount } }')).stocks.totalCount).toBe(STOCKS.length);
    expect(hotCounter.statements).toHaveLength(2);
    hotCounter.reset();
    await data('{ stocks(first: 3) { edges { node { symbol } } } }');
    expect(hotCounter.statements).toHaveLength(1);
  });

  it('handles the Relay corner cases', async () => {
    const last = STOCKS.find((s) => s.symbol === sortedSymbols.at(-1))!;
    const lastId = (await fixtures.stock.findUniqueOrThrow({ where: { symbol: last.symbol } })).id;
    const afterLast = await data(
      `{ stocks(first: 5, after: "${encodeCursor('stocks:symbol', [last.symbol, lastId])}") { edges { node { symbol } } pageInfo { hasNextPage startCursor endCursor } } }`,
    );
    expect(afterLast.stocks).toEqual({
      edges: [],
      pageInfo: { hasNextPage: false, startCursor: null, endCursor: null },
    });

    const zero = await data(
      '{ stocks(first: 0) { edges { node { symbol } } pageInfo { hasNextPage startCursor endCursor } } }',
    );
    expect(zero.stocks).toEqual({ edges: [], pageInfo: { hasNextPage: true, startCursor: null, endCursor: null } });

    const all = await data(
      '{ stocks(first: 100) { edges { node { symbol } } pageInfo { hasNextPage hasPreviousPage } } }',
    );
    expect(all.stocks.edges).toHaveLength(STOCKS.length);
    expect(all.stocks.pageInfo).toEqual({ hasNextPage: false, hasPreviousPage: false });
  });

  it('continues from the position of a cursor whose row was deleted', async () => {
    const [, second, third] = sortedSymbols;
    const row = await fixtures.stock.create({ data: { symbol: `${second}A`, name: 'Short-lived', market: null } });
    const { stocks } = await data(
      `{ stocks(first: 1, after: "${encodeCursor('stocks:symbol', [row.symbol, row.id])}") { edges { node { symbol } } } }`,
    );
    await fixtures.stock.delete({ where: { id: row.id } });
    const again = await data(
      `{ stocks(first: 1, after: "${encodeCursor('stocks:symbol', [row.symbol, row.id])}") { edges { node { symbol } } } }`,
    );
    expect(stocks.edges[0].node.symbol).toBe(third);
    expect(again.stocks.edges[0].node.symbol).toBe(third);
  });

  it('refuses bad arguments with typed errors', async () => {
    expect(await errorCode('{ stocks(first: 101) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await errorCode('{ stocks(first: -1) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await errorCode('{ stocks(first: 1, last: 1) { edges { cursor } } }')).toBe('BAD_USER_INPUT');
    expect(await errorCode('{ stocks(after: "garbage") { edges { cursor } } }')).toBe('INVALID_CURSOR');
    expect(
      await errorCode(`{ stocks(after: "${encodeCursor('users:username', ['usera0', 1])}") { edges { cursor } } }`),
    ).toBe('INVALID_CURSOR');
  });
});

describe('users, viewer and nodes', () => {
  it('finds a user by username and orders users by username', async () => {
    expect((await data('{ user(username: "usera0") { username displayName databaseId } }')).user).toMatchObject({
      username: 'usera0',
      displayName: 'User 0',
    });
    expect((await data('{ user(username: "nobody") { username } }')).user).toBeNull();
    const { users } = await data('{ users(first: 100) { edges { node { username } } totalCount } }');
    expect(users.edges.map((e: any) => e.node.username)).toEqual(USERS.map((u) => u.username).sort());
    expect(users.totalCount).toBe(USERS.length);
  });

  it('resolves the viewer of a user or analyst token, and nobody otherwise', async () => {
    const someone = await fixtures.user.findUniqueOrThrow({ where: { username: 'usera0' } });
    const selectViewer = '{ viewer { username createdAt } }';
    expect((await data(selectViewer, { kind: 'user', userId: someone.id })).viewer).toEqual({
      username: 'usera0',
      createdAt: someone.createdAt.toISOString(),
    });
    expect((await data(selectViewer, { kind: 'analyst', userId: someone.id })).viewer.username).toBe('usera0');
    expect((await data(selectViewer, { kind: 'anonymous' })).viewer).toBeNull();
    expect((await data(selectViewer, { kind: 'admin' })).viewer).toBeNull();
  });

  it('resolves nodes of mixed types in order, null where nothing matches, one batch per type in one statement', async () => {
    const user = await fixtures.user.findUniqueOrThrow({ where: { username: 'usera0' } });
    const stock = await fixtures.stock.findUniqueOrThrow({ where: { symbol: sortedSymbols[0] } });
    const ids = [
      toGlobalId('Stock', stock.id),
      toGlobalId('User', 999_999),
      toGlobalId('User', user.id),
      toGlobalId('Stock', stock.id),
    ];
    hotCounter.reset();
    const { nodes } = await data(
      `{ nodes(ids: ${JSON.stringify(ids)}) { __typename id ... on Stock { symbol } ... on User { username } } }`,
    );
    expect(nodes).toEqual([
      { __typename: 'Stock', id: ids[0], symbol: stock.symbol },
      null,
      { __typename: 'User', id: ids[2], username: 'usera0' },
      { __typename: 'Stock', id: ids[0], symbol: stock.symbol },
    ]);
    // One batch per type, asked for in the same turn: sent as one statement (stores/sql/coalesce.ts).
    expect(hotCounter.statements).toHaveLength(1);
    const { node } = await data(`{ node(id: "${toGlobalId('User', user.id)}") { id ... on User { databaseId } } }`);
    expect(node).toEqual({ id: toGlobalId('User', user.id), databaseId: user.id });
    expect(await errorCode('{ node(id: "not-an-id") { id } }')).toBe('BAD_USER_INPUT');
  });
});

describe('over HTTP', () => {
  let url: string;
  let base: string;

  beforeAll(async () => {
    // A second gateway instance that listens, over the same stores.
    const listening = await createGateway({
      stores,
      probes: { hot: fakeProbe(['m1'], ['m1']), cold: fakeProbe([], ['m1']) },
      secrets,
      nodeEnv: 'test',
    });
    url = await listening.listen(0, '127.0.0.1');
    base = `http://127.0.0.1:${(listening.httpServer.address() as AddressInfo).port}`;
    return () => listening.stop(1000);
  });

  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });

  it('answers a query, and reads the viewer from a bearer token', async () => {
    const user = await fixtures.user.findUniqueOrThrow({ where: { username: 'usera0' } });
    const response = await post(
      { query: '{ viewer { username } stocks(first: 1) { totalCount } }' },
      { authorization: `Bearer ${await signToken(secrets.jwtSecret, { sub: user.id })}` },
    );
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      data: { viewer: { username: 'usera0' }, stocks: { totalCount: STOCKS.length } },
    });
  });

  it('answers 401 UNAUTHENTICATED to a token it cannot verify', async () => {
    const response = await post({ query: '{ viewer { username } }' }, { authorization: 'Bearer not.a.jwt' });
    expect(response.status).toBe(401);
    expect(((await response.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('blocks a CSRF-able GET without a preflight header', async () => {
    const response = await fetch(`${url}?query=${encodeURIComponent('{ stocks { totalCount } }')}`);
    expect(response.status).toBe(400);
    const allowed = await fetch(`${url}?query=${encodeURIComponent('{ stocks { totalCount } }')}`, {
      headers: { 'apollo-require-preflight': 'true' },
    });
    expect(allowed.status).toBe(200);
  });

  it('reports health always and readiness per store (503 while a store has pending migrations)', async () => {
    expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${base}/readyz`);
    expect(ready.status).toBe(503);
    const body = (await ready.json()) as any;
    expect(body.ready).toBe(false);
    expect(body.stores.hot).toMatchObject({ ready: true, reachable: true, pendingMigrations: [] });
    expect(body.stores.hot.latencyMs).toEqual(expect.any(Number));
    expect(body.stores.cold).toMatchObject({ ready: false, reachable: true, pendingMigrations: ['m1'] });
  });

  it('refuses an oversized body with 413 and malformed JSON with 400', async () => {
    expect((await post({ query: `{ stocks { totalCount } } #${'x'.repeat(1_100_000)}` })).status).toBe(413);
    const malformed = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"query":',
    });
    expect(malformed.status).toBe(400);
  });
});
