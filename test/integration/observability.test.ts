/**
 * What operators see of the gateway as production runs it: request ids, JSON logs that never
 * hold a token, /metrics (requests by operation, errors by code, statements per store,
 * DataLoader batches, breakers, archival), the throttle on failed authentications, and what
 * production mode turns off.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signToken } from '../../src/auth/viewer.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { MAX_OPERATION_NAMES } from '../../src/observability/metrics.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { freshSmallStores } from '../support/small-dataset.js';

const C1 = toGlobalId('Conversation', 1);
const PAGE = `query ChatPage { conversation(id: "${C1}") { messages(first: 40) { edges { node { content sender { displayName } } } } } }`;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let fresh: FreshStores;
let gateway: HttpGateway;
let analyst: string;

const metricsText = async (g: HttpGateway, token?: string) => {
  const response = await fetch(`${g.base}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: response.status, text: await response.text(), type: response.headers.get('content-type') };
};
const sample = (text: string, series: string) =>
  Number(new RegExp(`^${series.replace(/[{}()|[\]\\^$.*+?]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN);

describe.runIf(hotIsPostgres())('observability', () => {
  beforeAll(async () => {
    fresh = await freshSmallStores();
    gateway = await startHttpGateway(fresh, { resilience: { authFailureLimit: 3, authFailureWindowMs: 60_000 } });
    analyst = await gateway.analystToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await fresh?.drop();
  });

  it('gives every request an id, returned in x-request-id and on its one log line', async () => {
    const fresh = await gateway.post(PAGE, { token: analyst });
    const id = fresh.headers.get('x-request-id')!;
    expect(id).toMatch(UUID);
    const echoed = await gateway.post('{ __typename }', { headers: { 'x-request-id': 'edge-7f3a.42' } });
    expect(echoed.headers.get('x-request-id')).toBe('edge-7f3a.42');
    const replaced = await gateway.post('{ __typename }', {
      headers: { 'x-request-id': 'no spaces or <tags> allowed' },
    });
    expect(replaced.headers.get('x-request-id')).toMatch(UUID);

    const line = gateway.logs.lines.find((l) => l.requestId === id)!;
    expect(line).toMatchObject({
      level: 'info',
      msg: 'request',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operation: 'ChatPage',
      service: 'stock-insight-gateway',
    });
    expect(line.ms).toEqual(expect.any(Number));
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('never writes a token to the log', async () => {
    const user = await signToken(HTTP_SECRETS.jwtSecret, { sub: 1 });
    await gateway.post('{ viewer { id } }', { token: user });
    await gateway.post('{ viewer { id } }', { token: HTTP_SECRETS.adminToken });
    await gateway.post('{ viewer { id } }', { token: 'guessed-admin-token-0000' });
    const text = gateway.logs.text();
    for (const secret of [user, analyst, HTTP_SECRETS.adminToken, 'guessed-admin-token-0000', HTTP_SECRETS.jwtSecret])
      expect(text).not.toContain(secret);
    expect(gateway.logs.lines.some((l) => l.msg === 'authentication failed' && l.address)).toBe(true);
  });

  it('serves Prometheus metrics: requests by operation, errors by code, statements per store, batches, breakers', async () => {
    await gateway.post(PAGE, { token: analyst });
    await gateway.post(
      `{ nodes(ids: ["${toGlobalId('Message', 40)}", "${toGlobalId('Message', 41)}", "${toGlobalId('Message', 42)}"]) { id } }`,
      { token: analyst },
    );
    await gateway.post('{ stocks(first: 101) { totalCount } }');
    await gateway.post('{ __schema { types { name } } }');
    const { status, text, type } = await metricsText(gateway);
    expect(status).toBe(200);
    expect(type).toMatch(/^text\/plain/);
    expect(
      sample(text, 'gateway_graphql_request_duration_seconds_count{operation="ChatPage",type="query"}'),
    ).toBeGreaterThanOrEqual(2);
    expect(sample(text, 'gateway_graphql_errors_total{code="BAD_USER_INPUT"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gateway_graphql_errors_total{code="INTROSPECTION_DISABLED"}')).toBe(1);
    expect(sample(text, 'gateway_graphql_errors_total{code="UNAUTHENTICATED"}')).toBeGreaterThanOrEqual(1);
    expect(sample(text, 'gateway_store_statements_total{store="hot",outcome="ok"}')).toBeGreaterThan(0);
    expect(sample(text, 'gateway_store_statements_total{store="cold",outcome="ok"}')).toBeGreaterThan(0);
    expect(sample(text, 'gateway_store_statement_duration_seconds_count{store="hot"}')).toBeGreaterThan(0);
    // Three messages by id: one batch of three.
    expect(sample(text, 'gateway_dataloader_batch_size_count{loader="messageById"}')).toBe(1);
    expect(sample(text, 'gateway_dataloader_batch_size_sum{loader="messageById"}')).toBe(3);
    expect(sample(text, 'gateway_store_breaker_state{store="cold"}')).toBe(0);
    expect(sample(text, 'gateway_http_responses_total{route="graphql",status="200"}')).toBeGreaterThan(0);
    expect(text).toMatch(/^gateway_process_nodejs_heap_size_used_bytes \d+/m);
  });

  it('keeps the operation-name label bounded whatever names clients send', async () => {
    for (let i = 0; i < MAX_OPERATION_NAMES + 50; i++) await gateway.post(`query Op${i} { __typename }`);
    const { text } = await metricsText(gateway);
    const names = new Set(
      [...text.matchAll(/gateway_graphql_request_duration_seconds_count\{operation="([^"]+)"/g)].map((m) => m[1]),
    );
    expect(names.size).toBeLessThanOrEqual(MAX_OPERATION_NAMES + 2);
    expect(names.has('other')).toBe(true);
  });

  it('reports archival: runs and rows moved, the last success and its duration, and the lag past the cutoff', async () => {
    const before = await metricsText(gateway);
    // Every seeded hot message is older than a 0-day cutoff, so the lag shows...
    expect(
      sample(before.text, 'gateway_archival_oldest_hot_row_past_cutoff_seconds{dataset="messages"}'),
    ).toBeGreaterThan(0);
    // ...until archival moves them.
    const run = await gateway.post('mutation { runArchival(input: { olderThanDays: 0 }) { id status } }', {
      token: HTTP_SECRETS.adminToken,
    });
    // The run answers finished, or RUNNING after ARCHIVAL_ANSWER_WAIT_MS and goes on: follow it.
    const { id } = run.body.data.runArchival;
    let ended: { status: string; messages: number };
    for (;;) {
      const polled = await gateway.post(`{ node(id: "${id}") { ... on ArchivalRun { status messages } } }`, {
        token: HTTP_SECRETS.adminToken,
      });
      ended = polled.body.data.node;
      if (ended.status !== 'RUNNING') break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(ended).toEqual({ status: 'SUCCEEDED', messages: 30 });
    // This process counts the run when its worker reports the end, just after the row says so.
    let after = await metricsText(gateway);
    while (!sample(after.text, 'gateway_archival_runs_total{kind="ARCHIVE",status="SUCCEEDED"}')) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      after = await metricsText(gateway);
    }
    expect(sample(after.text, 'gateway_archival_runs_total{kind="ARCHIVE",status="SUCCEEDED"}')).toBe(1);
    expect(sample(after.text, 'gateway_archival_rows_moved_total{kind="ARCHIVE",dataset="messages"}')).toBe(30);
    expect(sample(after.text, 'gateway_archival_last_success_timestamp_seconds') * 1000).toBeGreaterThan(
      Date.now() - 120_000,
    );
    expect(sample(after.text, 'gateway_archival_last_duration_seconds')).toBeGreaterThan(0);
    expect(sample(after.text, 'gateway_archival_oldest_hot_row_past_cutoff_seconds{dataset="messages"}')).toBe(0);
  });

  it('slows down repeated failed authentications from one address with 429, and never anonymous readers', async () => {
    // The limit is 3 per minute; the token test above already failed once.
    for (let i = 0; i < 2; i++)
      expect((await gateway.post('{ __typename }', { token: `wrong-${i}-xxxxxxxxxxxxxxxx` })).status).toBe(401);
    const throttled = await gateway.post('{ __typename }', { token: 'wrong-again-xxxxxxxxxxxxxxxx' });
    expect(throttled.status).toBe(429);
    expect(throttled.body.errors[0].extensions.code).toBe('RATE_LIMITED');
    expect(Number(throttled.headers.get('retry-after'))).toBeGreaterThan(0);
    // Even the right token waits: the throttle must not tell a guess that it was right.
    expect((await gateway.post('{ __typename }', { token: HTTP_SECRETS.adminToken })).status).toBe(429);
    expect((await gateway.post('{ __typename }')).status).toBe(200);
  });
});

describe.runIf(hotIsPostgres())('production mode and its switches', () => {
  let stores: FreshStores;
  const started: HttpGateway[] = [];
  beforeAll(async () => {
    stores = await freshStores();
  });
  afterAll(async () => {
    for (const g of started) await g.stop();
    await stores?.drop();
  });
  const start = async (options: Parameters<typeof startHttpGateway>[1]) => {
    const g = await startHttpGateway(stores, options);
    started.push(g);
    return g;
  };
  const landing = async (g: HttpGateway) => {
    const response = await fetch(g.url, { headers: { accept: 'text/html' } });
    return `${response.headers.get('content-type')}\n${await response.text()}`;
  };

  it('turns off introspection and the Sandbox in production, unless ENABLE_SANDBOX', async () => {
    const production = await start({ nodeEnv: 'production' });
    expect((await production.post('{ __schema { queryType { name } } }')).body.errors[0].extensions.code).toBe(
      'INTROSPECTION_DISABLED',
    );
    expect(await landing(production)).not.toMatch(/text\/html|embeddable-sandbox/);
    const withSandbox = await start({ nodeEnv: 'production', enableSandbox: true });
    expect((await withSandbox.post('{ __schema { queryType { name } } }')).body.data.__schema.queryType.name).toBe(
      'Query',
    );
    expect(await landing(withSandbox)).toMatch(/^text\/html[^]*embeddable-sandbox/);
  });

  it('suggests field names in development only', async () => {
    const development = await start({ nodeEnv: 'development' });
    expect((await development.post('{ stock(symbol: "x") { symbl } }')).body.errors[0].message).toMatch(
      /Did you mean "symbol"\?/,
    );
    const production = await start({ nodeEnv: 'production' });
    const hidden = (await production.post('{ stock(symbol: "x") { symbl } }')).body.errors[0];
    expect(hidden.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(hidden.message).not.toMatch(/Did you mean/);
    expect(hidden.extensions.stacktrace).toBeUndefined();
  });

  it('asks for METRICS_TOKEN on /metrics when one is set', async () => {
    const guarded = await start({ metricsToken: 'metrics-token-0123456789' });
    expect((await metricsText(guarded)).status).toBe(401);
    expect((await metricsText(guarded, 'wrong-token-0123456789')).status).toBe(401);
    expect((await metricsText(guarded, 'metrics-token-0123456789')).status).toBe(200);
  });

  it('serves /metrics on its own loopback listener with METRICS_PORT, and not on the GraphQL port', async () => {
    const separate = await start({ metricsListen: { host: '127.0.0.1', port: 0 } });
    expect((await metricsText(separate)).status).toBe(404);
    const address = separate.gateway.metricsServer?.address();
    if (!address || typeof address === 'string') throw new Error('expected the metrics listener to listen');
    expect(address.address).toBe('127.0.0.1');
    const own = `http://127.0.0.1:${address.port}`;
    const scraped = await fetch(`${own}/metrics`);
    expect(scraped.status).toBe(200);
    expect(await scraped.text()).toMatch(/gateway_http_responses_total|gateway_/);
    expect((await fetch(`${own}/graphql`, { method: 'POST', body: '{}' })).status).toBe(404);
    expect((await fetch(`${own}/healthz`)).status).toBe(404);
  });
});
