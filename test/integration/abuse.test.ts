/**
 * Hostile requests against the gateway as production runs it (over HTTP, real stores): depth
 * and alias bombs, huge first/last, cycling fragments, malformed and foreign cursors and ids,
 * wrong variable types, oversized bodies and variables, GET mutations, missing CSRF headers,
 * bad tokens. Every one is generated (a seeded generator, so a failure reproduces), and every
 * one must be refused with its own typed code, never a 5xx, never a stack trace or a driver
 * message; afterwards the gateway still answers normal queries.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SignJWT } from 'jose';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { MESSAGES_ORDERING } from '../../src/graphql/message/message-sides.js';
import { PRICES_ORDERING } from '../../src/graphql/price/price-sides.js';
import { hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { freshSmallStores, smallAt } from '../support/small-dataset.js';

interface Hostile {
  readonly name: string;
  /** Sends the request; resolves to its status and body text. */
  readonly send: (gateway: HttpGateway) => Promise<{ status: number; text: string }>;
  /** The codes it may be refused with (the first error's extensions.code). */
  readonly codes: readonly string[];
}

/** mulberry32: a small seeded generator, so every run sends the same requests. */
function random(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const text = (length: number, alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_=+/.') =>
    Array.from({ length }, () => alphabet[int(0, alphabet.length - 1)]).join('');
  return { next, int, text };
}

const rng = random(20261201);
const C1 = toGlobalId('Conversation', 1);

const postJson =
  (body: unknown, headers: Record<string, string> = {}) =>
  async (g: HttpGateway) => {
    const response = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${HTTP_SECRETS.adminToken}`, ...headers },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: response.status, text: await response.text() };
  };
const query = (source: string, variables?: Record<string, unknown>) =>
  postJson({ query: source, ...(variables ? { variables } : {}) });
const raw =
  (init: RequestInit, path = '') =>
  async (g: HttpGateway) => {
    const response = await fetch(path ? g.base + path : g.url, init);
    return { status: response.status, text: await response.text() };
  };

function hostileRequests(): Hostile[] {
  const requests: Hostile[] = [];
  const add = (name: string, send: Hostile['send'], ...codes: string[]) => requests.push({ name, send, codes });

  // Depth bombs: chains of relations, with first: 1 so that depth, not cost, is what they hit.
  const chain = ['posts(first: 1) { edges { node { author { ', '} } } }'];
  for (let levels = 3; levels <= 22; levels++) {
    add(
      `depth bomb of ${levels} post/author levels`,
      query(`{ user(username: "ann") { ${chain[0].repeat(levels)} username ${chain[1].repeat(levels)} } }`),
      'MAX_DEPTH_EXCEEDED',
      'MAX_TOKENS_EXCEEDED',
    );
  }
  // Alias bombs.
  for (let i = 0; i < 20; i++) {
    const count = rng.int(16, 300);
    const field = ['__typename', 'viewer { id }', 'stocks(first: 1) { totalCount }', 'user(username: "ann") { id }'][
      i % 4
    ];
    add(
      `${count} aliases`,
      query(`{ ${Array.from({ length: count }, (_, j) => `a${j}: ${field}`).join(' ')} }`),
      'MAX_ALIASES_EXCEEDED',
      'MAX_TOKENS_EXCEEDED',
    );
  }
  // Huge or negative first/last, as literals and as variables.
  for (const size of [101, 500, 1000, 10_000, 2 ** 31 - 1, -1, -1000]) {
    for (const arg of ['first', 'last']) {
      add(
        `${arg}: ${size} literal`,
        query(`{ stocks(${arg}: ${size}) { edges { node { symbol } } } }`),
        'BAD_USER_INPUT',
        'MAX_COST_EXCEEDED',
      );
      add(
        `${arg}: ${size} variable`,
        query(`query($n: Int) { posts(${arg}: $n) { edges { node { title } } } }`, { n: size }),
        'BAD_USER_INPUT',
        'MAX_COST_EXCEEDED',
      );
    }
  }
  // Count bombs: each totalCount is a full count on every store it spans.
  for (const count of [10, 12, 15])
    add(
      `${count} aliased post counts`,
      query(`{ ${Array.from({ length: count }, (_, j) => `c${j}: posts { totalCount }`).join(' ')} }`),
      'MAX_COST_EXCEEDED',
    );
  add(
    'a message count per conversation',
    query('{ viewer { conversations(first: 20) { edges { node { messages { totalCount } } } } } }'),
    'MAX_COST_EXCEEDED',
  );
  add('first beyond Int', query('{ stocks(first: 99999999999) { totalCount } }'), 'GRAPHQL_VALIDATION_FAILED');
  add(
    'first: 100 nested three deep',
    query(
      '{ posts(first: 100) { edges { node { comments(first: 100) { edges { node { author { posts(first: 100) { totalCount } } } } } } } } }',
    ),
    'MAX_COST_EXCEEDED',
  );
  for (let n = 0; n < 6; n++) {
    add(
      `nodes with ${6000 + n * 1000} ids`,
      query('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
        ids: Array.from({ length: 6000 + n * 1000 }, (_, i) => toGlobalId('Message', i + 1)),
      }),
      'MAX_COST_EXCEEDED',
      'VARIABLES_TOO_LARGE',
    );
  }
  // Fragments that cycle.
  add(
    'a fragment spreading itself',
    query('{ ...A } fragment A on Query { viewer { id } ...A }'),
    'GRAPHQL_VALIDATION_FAILED',
  );
  for (let length = 2; length <= 8; length++) {
    const names = Array.from({ length }, (_, i) => `F${i}`);
    const fragments = names.map((name, i) => `fragment ${name} on User { id ...${names[(i + 1) % length]} }`).join(' ');
    add(`a cycle of ${length} fragments`, query(`{ viewer { ...F0 } } ${fragments}`), 'GRAPHQL_VALIDATION_FAILED');
  }
  // Malformed and foreign cursors.
  const page = (cursor: string) =>
    query(
      `query($c: String) { conversation(id: "${C1}") { messages(first: 5, after: $c) { edges { node { id } } } } }`,
      { c: cursor },
    );
  for (let i = 0; i < 15; i++) add(`random cursor ${i}`, page(rng.text(rng.int(1, 60))), 'INVALID_CURSOR');
  for (const payload of [
    '[]',
    '{}',
    '[1]',
    '[2,"conversation.messages:createdAt",[1,1]]',
    '[1,"conversation.messages:createdAt",["x",1]]',
    '[1,"conversation.messages:createdAt",[1e300,1]]',
    '[1,"conversation.messages:createdAt",[1,-5]]',
    '[1,"conversation.messages:createdAt",[1,1.5]]',
    'null',
    '"text"',
  ]) {
    add(`cursor of ${payload}`, page(Buffer.from(payload).toString('base64url')), 'INVALID_CURSOR');
  }
  for (const ordering of [
    'stocks:symbol',
    'posts:createdAt',
    'post.comments:createdAt',
    'archivalRuns:startedAt',
    'searchMessages:createdAt',
  ]) {
    add(`a cursor of ${ordering}`, page(encodeCursor(ordering, [smallAt(40).getTime(), 40])), 'INVALID_CURSOR');
  }
  add('an oversized cursor', page('A'.repeat(5000)), 'INVALID_CURSOR');
  // Well-formed cursors whose keys no store can hold: they used to reach a SQL cast.
  for (const at of [Date.parse('9999-12-31T23:59:59.999Z') + 1, 8.64e15, -62_135_596_800_001])
    add(`a cursor at ${at} ms`, page(encodeCursor(MESSAGES_ORDERING.name, [at, 40])), 'INVALID_CURSOR');
  add(
    'a cursor with an id past Int',
    page(encodeCursor(MESSAGES_ORDERING.name, [smallAt(40).getTime(), 2 ** 40])),
    'INVALID_CURSOR',
  );
  const prices = (cursor: string) =>
    query(
      'query($c: String) { stock(symbol: "2330") { prices(first: 5, after: $c) { edges { node { tradeDate } } } } }',
      { c: cursor },
    );
  for (const day of ['2026-02-30', '2026-04-31', '0000-01-01', '2026-13-01'])
    add(`a price cursor on ${day}`, prices(encodeCursor(PRICES_ORDERING.name, [day, 1])), 'INVALID_CURSOR');
  add(
    'a stocks cursor with an id past Int',
    query('query($c: String) { stocks(first: 1, after: $c) { edges { cursor } } }', {
      c: encodeCursor('stocks:symbol', ['2330', 1e300]),
    }),
    'INVALID_CURSOR',
  );
  const valid = encodeCursor(MESSAGES_ORDERING.name, [smallAt(40).getTime(), 40]);
  for (let i = 0; i < 5; i++) {
    const at = rng.int(0, valid.length - 1);
    const tampered = valid.slice(0, at) + (valid[at] === 'A' ? 'B' : 'A') + valid.slice(at + 1);
    add(`a tampered cursor ${i}`, page(tampered), 'INVALID_CURSOR');
  }
  // Malformed and foreign ids.
  for (let i = 0; i < 12; i++)
    add(
      `random node id ${i}`,
      query('query($id: ID!) { node(id: $id) { id } }', { id: rng.text(rng.int(1, 40)) }),
      'BAD_USER_INPUT',
    );
  for (const type of ['Stock', 'Post', 'User', 'Message']) {
    add(
      `a ${type} id for a conversation`,
      query(`{ conversation(id: "${toGlobalId(type as 'Stock', 1)}") { id } }`),
      'BAD_USER_INPUT',
    );
  }
  for (const id of [
    toGlobalId('Nothing' as 'Message', 1),
    toGlobalId('Message', -1),
    toGlobalId('Message', 0),
    Buffer.from('Message:1.5').toString('base64url'),
    Buffer.from('Message:99999999999999999999').toString('base64url'),
  ]) {
    add(`node id ${id}`, query(`{ node(id: "${id}") { id } }`), 'BAD_USER_INPUT');
  }
  // Wrong variable types and missing variables.
  const typed = [
    ['query($n: Int) { stocks(first: $n) { totalCount } }', { n: 'ten' }],
    ['query($n: Int) { stocks(first: $n) { totalCount } }', { n: 1.5 }],
    ['query($n: Int) { stocks(first: $n) { totalCount } }', { n: { $gt: 1 } }],
    ['query($id: ID!) { node(id: $id) { id } }', {}],
    ['query($id: ID!) { node(id: $id) { id } }', { id: null }],
    ['query($id: ID!) { node(id: $id) { id } }', { id: ['a', 'b'] }],
    ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: [null] }],
    ['query($d: Date!) { stock(symbol: "2330") { prices(from: $d) { totalCount } } }', { d: '2026-13-45' }],
    ['query($d: Date!) { stock(symbol: "2330") { prices(from: $d) { totalCount } } }', { d: 20261201 }],
    [
      'mutation($p: [StockPriceInput!]!) { recordStockPrices(prices: $p) }',
      { p: [{ symbol: '2330', tradeDate: '2026-10-01', open: 'cheap' }] },
    ],
    ['mutation($p: [StockPriceInput!]!) { recordStockPrices(prices: $p) }', { p: [{ symbol: '2330' }] }],
    ['mutation($i: RunArchivalInput) { runArchival(input: $i) { id } }', { i: { olderThanDays: 'never' } }],
  ] as const;
  for (const [source, variables] of typed)
    add(`wrong variables for ${source.slice(0, 40)}`, query(source, variables), 'BAD_USER_INPUT');
  // Oversized bodies and variables.
  for (const size of [1_100_000, 2_000_000, 5_000_000])
    add(`a ${size}-byte body`, query(`{ __typename } #${'x'.repeat(size)}`), 'PAYLOAD_TOO_LARGE');
  add(
    'an oversized body without content-length',
    raw({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: new Blob(['{"query":"{ __typename }","x":"' + 'y'.repeat(1_200_000) + '"}']).stream(),
      duplex: 'half',
    }),
    'PAYLOAD_TOO_LARGE',
  );
  for (const size of [300_000, 600_000, 900_000])
    add(
      `${size} bytes of variables`,
      query('query($x: String!) { user(username: $x) { id } }', { x: 'x'.repeat(size) }),
      'VARIABLES_TOO_LARGE',
    );
  // Token and directive bombs.
  for (let i = 0; i < 5; i++)
    add(`${1000 + i * 500} tokens`, query(`{ ${'__typename '.repeat(1001 + i * 500)} }`), 'MAX_TOKENS_EXCEEDED');
  for (const count of [26, 50, 150]) {
    add(
      `${count * 2} directives`,
      query(`{ ${'... @skip(if: false) @include(if: true) { __typename } '.repeat(count)} }`),
      'MAX_DIRECTIVES_EXCEEDED',
      'MAX_TOKENS_EXCEEDED',
    );
  }
  // GET mutations and missing CSRF headers.
  const get = (source: string, headers: Record<string, string> = {}) =>
    raw(
      { headers: { authorization: `Bearer ${HTTP_SECRETS.adminToken}`, ...headers } },
      `/graphql?query=${encodeURIComponent(source)}`,
    );
  for (const mutation of [
    'mutation { createPost(title: "t", body: "b") { id } }',
    'mutation { runArchival { id } }',
    'mutation { likePost(postId: "x") { id } }',
    `mutation { sendMessage(conversationId: "${C1}", content: "hi") { id } }`,
  ]) {
    add(`GET ${mutation.slice(0, 30)}`, get(mutation, { 'apollo-require-preflight': 'true' }), 'METHOD_NOT_ALLOWED');
  }
  for (const source of ['{ stocks { totalCount } }', '{ viewer { id } }', '{ __typename }'])
    add(`GET without a preflight header: ${source}`, get(source), 'CSRF_PREVENTED');
  for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x']) {
    add(
      `POST as ${type}`,
      raw({ method: 'POST', headers: { 'content-type': type }, body: '{"query":"{ __typename }"}' }),
      'CSRF_PREVENTED',
      'BAD_REQUEST',
    );
  }
  // Malformed requests.
  add('malformed JSON', postJson('{"query":'), 'BAD_REQUEST');
  add('a JSON array (batching is off)', postJson([{ query: '{ __typename }' }]), 'BAD_REQUEST');
  add('no query', postJson({}), 'BAD_REQUEST');
  add('a number for a query', postJson({ query: 42 }), 'BAD_REQUEST');
  add('variables as a string', postJson({ query: '{ __typename }', variables: 'x' }), 'BAD_REQUEST');
  add(
    'an unknown operation name',
    postJson({ query: 'query A { __typename }', operationName: 'B' }),
    'OPERATION_RESOLUTION_FAILURE',
  );
  add(
    'two operations without a name',
    postJson({ query: 'query A { __typename } query B { __typename }' }),
    'OPERATION_RESOLUTION_FAILURE',
  );
  add(
    'a persisted query',
    postJson({ extensions: { persistedQuery: { version: 1, sha256Hash: 'a'.repeat(64) } } }),
    'PERSISTED_QUERY_NOT_SUPPORTED',
  );
  for (let i = 0; i < 10; i++)
    add(
      `syntax garbage ${i}`,
      query(rng.text(rng.int(1, 80), '{}()[]:!$@#"\\ abc')),
      'GRAPHQL_PARSE_FAILED',
      'GRAPHQL_VALIDATION_FAILED',
    );
  add('an unknown field', query('{ stockz { totalCount } }'), 'GRAPHQL_VALIDATION_FAILED');
  add('introspection in production', query('{ __schema { types { name } } }'), 'INTROSPECTION_DISABLED');
  add(
    'a type by introspection in production',
    query('{ __type(name: "Message") { fields { name } } }'),
    'INTROSPECTION_DISABLED',
  );
  for (const method of ['PUT', 'DELETE', 'PATCH']) add(`${method} /graphql`, raw({ method }), 'METHOD_NOT_ALLOWED');
  add('an unknown path', raw({}, '/graphql/../../etc/passwd'), 'NOT_FOUND');
  // Bad tokens (this gateway allows many failures; throttling has its own test).
  const jwt = (claims: Record<string, unknown>, secret = HTTP_SECRETS.jwtSecret, alg = 'HS256') =>
    new SignJWT(claims).setProtectedHeader({ alg }).sign(new TextEncoder().encode(secret));
  const withToken = (token: () => Promise<string> | string) => async (g: HttpGateway) => {
    const response = await fetch(g.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${await token()}` },
      body: '{"query":"{ viewer { id } }"}',
    });
    return { status: response.status, text: await response.text() };
  };
  for (let i = 0; i < 6; i++)
    add(
      `a random token ${i}`,
      withToken(() => rng.text(rng.int(8, 64))),
      'UNAUTHENTICATED',
    );
  add(
    'a JWT without exp',
    withToken(() => jwt({ sub: '1' })),
    'UNAUTHENTICATED',
  );
  add(
    'an expired JWT',
    withToken(() => jwt({ sub: '1', exp: 1_000_000 })),
    'UNAUTHENTICATED',
  );
  add(
    'a JWT signed with another key',
    withToken(() => jwt({ sub: '1', exp: 9_999_999_999 }, 'another-secret-that-is-long-enough-000')),
    'UNAUTHENTICATED',
  );
  add(
    'a JWT with alg none',
    withToken(
      () =>
        `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from('{"sub":"1","exp":9999999999}').toString('base64url')}.`,
    ),
    'UNAUTHENTICATED',
  );
  add(
    'a JWT with an unknown role',
    withToken(() => jwt({ sub: '1', role: 'root', exp: 9_999_999_999 })),
    'UNAUTHENTICATED',
  );
  add(
    'a malformed Authorization header',
    async (g) => {
      const response = await fetch(g.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: 'Basic YWRtaW46YWRtaW4=' },
        body: '{"query":"{ __typename }"}',
      });
      return { status: response.status, text: await response.text() };
    },
    'UNAUTHENTICATED',
  );
  // Bad values in arguments.
  add(
    'an empty search',
    query(`{ searchMessages(conversationId: "${C1}", query: "   ") { totalCount } }`),
    'BAD_USER_INPUT',
  );
  add(
    'an oversized search',
    query(`query($q: String!) { searchMessages(conversationId: "${C1}", query: $q) { totalCount } }`, {
      q: 'x'.repeat(500),
    }),
    'BAD_USER_INPUT',
  );
  add(
    'a reversed price range',
    query('{ stock(symbol: "2330") { prices(from: "2026-10-10", to: "2026-10-01") { totalCount } } }'),
    'BAD_USER_INPUT',
  );
  add('first and last together', query('{ stocks(first: 1, last: 1) { totalCount } }'), 'BAD_USER_INPUT');
  add('archival of -1 days', query('mutation { runArchival(input: { olderThanDays: -1 }) { id } }'), 'BAD_USER_INPUT');
  return requests;
}

const LEAKS = [
  /\bat \S+ \(/,
  /node_modules/,
  /SELECT|INSERT|DELETE FROM/i,
  /prisma/i,
  /127\.0\.0\.1:\d+/,
  /ECONNREFUSED/,
];

let fresh: FreshStores;
let gateway: HttpGateway;

describe.runIf(hotIsPostgres())('hostile requests', () => {
  beforeAll(async () => {
    fresh = await freshSmallStores();
    gateway = await startHttpGateway(fresh, { resilience: { authFailureLimit: 1000 } });
  });

  afterAll(async () => {
    await gateway?.stop();
    await fresh?.drop();
  });

  it('refuses every one of at least 200 with its typed code, no 5xx, and no internals in the answer', async () => {
    const requests = hostileRequests();
    expect(requests.length).toBeGreaterThanOrEqual(200);
    const outcomes: { name: string; status: number; code: unknown; leak?: string }[] = [];
    // Eight at a time: the gateway must also stay up under a burst of them.
    for (let i = 0; i < requests.length; i += 8) {
      await Promise.all(
        requests.slice(i, i + 8).map(async (request) => {
          const { status, text } = await request.send(gateway);
          let code: unknown;
          try {
            code = JSON.parse(text).errors?.[0]?.extensions?.code;
          } catch {
            code = `unparsable: ${text.slice(0, 80)}`;
          }
          const leak = LEAKS.find((pattern) => pattern.test(text))?.source;
          outcomes.push({ name: request.name, status, code, ...(leak ? { leak } : {}) });
          if (!request.codes.includes(code as string) || status >= 500 || leak) {
            throw new Error(
              `${request.name}: ${status} ${String(code)}${leak ? ` (leaks ${leak})` : ''}; expected ${request.codes.join(' or ')}: ${text.slice(0, 300)}`,
            );
          }
        }),
      );
    }
    expect(outcomes.filter((o) => o.status >= 500)).toEqual([]);
    // Each kind of abuse met its own refusal.
    expect(new Set(outcomes.map((o) => o.code))).toEqual(
      new Set([
        'MAX_DEPTH_EXCEEDED',
        'MAX_ALIASES_EXCEEDED',
        'MAX_COST_EXCEEDED',
        'MAX_TOKENS_EXCEEDED',
        'MAX_DIRECTIVES_EXCEEDED',
        'PAYLOAD_TOO_LARGE',
        'VARIABLES_TOO_LARGE',
        'INTROSPECTION_DISABLED',
        'CSRF_PREVENTED',
        'METHOD_NOT_ALLOWED',
        'INVALID_CURSOR',
        'BAD_USER_INPUT',
        'GRAPHQL_VALIDATION_FAILED',
        'GRAPHQL_PARSE_FAILED',
        'BAD_REQUEST',
        'OPERATION_RESOLUTION_FAILURE',
        'PERSISTED_QUERY_NOT_SUPPORTED',
        'NOT_FOUND',
        'UNAUTHENTICATED',
      ]),
    );
  });

  it('still answers normal queries afterwards, and logged no internal error', async () => {
    const { status, body } = await gateway.post(
      `{ conversation(id: "${C1}") { messages(first: 40) { edges { node { tier sender { displayName } } } } } }`,
      { token: await gateway.analystToken() },
    );
    expect(status).toBe(200);
    expect(body.errors).toBeUndefined();
    expect(new Set(body.data.conversation.messages.edges.map((e: any) => e.node.tier))).toEqual(
      new Set(['HOT', 'COLD']),
    );
    expect((await fetch(`${gateway.base}/readyz`)).status).toBe(200);
    expect(gateway.logs.lines.filter((line) => line.level === 'error')).toEqual([]);
  });
});
