/**
 * The compiled build as a user meets it: `node dist/main.js` on a fresh embedded cluster (demo
 * data, then a second start that reuses it), queried over HTTP and stopped with SIGTERM; and
 * each start-up failure ending in one clear line and a non-zero exit.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEVELOPMENT_ADMIN_TOKEN, PROJECT_ROOT, type StoreConfig } from '../../src/config.js';
import { pgConnectionConfig } from '../../src/stores/pg-pool.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS } from '../support/http-gateway.js';
import { healthy, sendRaw } from '../support/raw-http.js';
import { freshSmallStores } from '../support/small-dataset.js';
import { slowCorpus, transportCorpus } from '../support/transport-corpus.js';

const MAIN = path.join(PROJECT_ROOT, 'dist', 'main.js');
/** Only what a shell would pass; never the test run's own store URLs. */
const BASE_ENV = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', NODE_ENV: 'development' };

beforeAll(() => {
  const build = spawnSync('npx', ['tsc', '-p', 'tsconfig.build.json'], { cwd: PROJECT_ROOT, encoding: 'utf8' });
  expect(build.stderr + build.stdout).not.toMatch(/error TS/);
  expect(build.status).toBe(0);
});

interface Started {
  readonly child: ChildProcess;
  readonly url: string;
  readonly output: () => string;
  readonly exited: Promise<number | null>;
}

/** Starts the compiled gateway and resolves once its banner names the URL. */
function startGateway(env: Record<string, string>): Promise<Started> {
  const child = spawn(process.execPath, [MAIN], { cwd: PROJECT_ROOT, env: { ...BASE_ENV, PORT: '0', ...env } });
  let output = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = /ready in [\d.]+ s at (http:\/\/\S+)/.exec(output);
      if (match) resolve({ child, url: match[1], output: () => output, exited });
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    void exited.then((code) => reject(new Error(`gateway exited with ${code} before it was ready:\n${output}`)));
  });
}

/** Runs the compiled gateway expecting it to fail; returns its exit code and stderr lines. */
function failedStart(env: Record<string, string>) {
  const result = spawnSync(process.execPath, [MAIN], {
    cwd: PROJECT_ROOT,
    env: { ...BASE_ENV, PORT: '0', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: result.status, lines: result.stderr.split('\n').filter(Boolean) };
}

const graphqlPost = (url: string, query: string) =>
  fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) }).then(
    (r) => r.json() as Promise<any>,
  );

describe('the compiled gateway on the embedded PostgreSQL', () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-start-'));
  chmodSync(dataDir, 0o755);
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('starts fresh with demo data, answers, and stops cleanly on SIGTERM', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir });
    expect(gateway.output()).toMatch(/loading demo data/);
    expect(gateway.output()).toMatch(/admin: +\S+/);
    const answer = await graphqlPost(gateway.url, '{ stocks(first: 5) { edges { node { symbol name } } } }');
    expect(answer.data.stocks.edges).toHaveLength(5);
    const ready = await fetch(gateway.url.replace('/graphql', '/readyz'));
    expect(ready.status).toBe(200);
    // Archival runs on a worker thread of the compiled build.
    const run = await fetch(gateway.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${DEVELOPMENT_ADMIN_TOKEN}` },
      body: JSON.stringify({ query: 'mutation { runArchival(input: { dryRun: true }) { status dryRun messages } }' }),
    }).then((r) => r.json() as Promise<any>);
    expect(run.data.runArchival).toMatchObject({ status: 'SUCCEEDED', dryRun: true });
    expect(run.data.runArchival.messages).toBeGreaterThan(0);

    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
    expect(existsSync(path.join(dataDir, 'pg', 'postmaster.pid'))).toBe(false);
    // initdb and the 200,000-message demo take most of it; on a loaded 2-core machine, well over a minute.
  }, 180_000);

  it('reuses the data on a second start', async () => {
    const gateway = await startGateway({ DATA_DIR: dataDir });
    expect(gateway.output()).not.toMatch(/loading demo data|initialising/);
    const answer = await graphqlPost(
      gateway.url,
      '{ stocks(first: 100) { totalCount } users(first: 1) { totalCount } }',
    );
    expect(answer.data).toEqual({ stocks: { totalCount: 50 }, users: { totalCount: 200 } });
    gateway.child.kill('SIGINT');
    expect(await gateway.exited).toBe(0);
  });
});

describe.runIf(hotIsPostgres())('the compiled gateway in production, under load', () => {
  let fresh: FreshStores;
  const url = (store: StoreConfig) =>
    `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;

  beforeAll(async () => {
    fresh = await freshSmallStores();
  });
  afterAll(() => fresh?.drop());

  it('finishes in-flight requests on SIGTERM, answers new ones 503, and exits without hanging', async () => {
    const admin = 'production-admin-token-0123456789';
    const gateway = await startGateway({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: admin,
      JWT_SECRET: 'production-jwt-secret-'.padEnd(40, 'x'),
      METRICS_TOKEN: 'production-metrics-token-0123456789',
      // The twelve clients below all come from loopback.
      ADDRESS_MAX_REQUESTS: '64',
      HOT_DATABASE_URL: url(fresh.hot),
      COLD_DATABASE_URL: url(fresh.cold),
      SHUTDOWN_TIMEOUT_MS: '5000',
    });
    // Production logs are JSON lines, the banner among them.
    expect(
      gateway
        .output()
        .split('\n')
        .filter(Boolean)
        .every((line) => JSON.parse(line).service === 'stock-insight-gateway'),
    ).toBe(true);
    const query = JSON.stringify({
      query: `{ conversation(id: "${toGlobalId('Conversation', 1)}") { messages(first: 50) { edges { node { content sender { displayName } } } } } }`,
    });
    const outcomes: { status: number | string; code?: string; started: number; ended: number }[] = [];
    let stopping = false;
    const client = async () => {
      let networkErrors = 0;
      while (networkErrors < 2) {
        const started = performance.now();
        try {
          const response = await fetch(gateway.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
            body: query,
            signal: AbortSignal.timeout(20_000),
          });
          const body = (await response.json()) as any;
          outcomes.push({
            status: response.status,
            code: body.errors?.[0]?.extensions?.code,
            started,
            ended: performance.now(),
          });
        } catch (error) {
          const name = (error as Error).name;
          outcomes.push({ status: name === 'TimeoutError' ? 'hung' : 'closed', started, ended: performance.now() });
          if (name === 'TimeoutError' || !stopping) throw error;
          networkErrors++;
        }
      }
    };
    const clients = Array.from({ length: 12 }, client);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    // One request in flight across the signal whatever the timing: its headers (with
    // `Expect: 100-continue`) arrive before the signal, and node has counted it in flight by
    // the time it answers 100 Continue; its body is sent only once a request made after the
    // signal was refused, so the drain is still waiting for it then.
    const { port } = new URL(gateway.url);
    const held = net.connect(Number(port), '127.0.0.1');
    let heldText = '';
    const heldClosed = new Promise<void>((resolve) => held.once('close', () => resolve()));
    held.on('error', () => undefined);
    const continued = new Promise<void>((resolve) =>
      held.on('data', (chunk: Buffer) => {
        heldText += chunk.toString();
        if (heldText.includes('100 Continue')) resolve();
      }),
    );
    held.write(
      `POST /graphql HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nAuthorization: Bearer ${admin}\r\n` +
        `Expect: 100-continue\r\nContent-Length: ${Buffer.byteLength(query)}\r\n\r\n`,
    );
    await continued;
    stopping = true;
    const signalledAt = performance.now();
    gateway.child.kill('SIGTERM');
    // New requests are refused while the held one is in flight (at most SHUTDOWN_TIMEOUT_MS).
    let refused: { status: number; code?: string } | undefined;
    for (let attempt = 0; attempt < 1000 && !refused; attempt++) {
      const response = await fetch(gateway.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${admin}` },
        body: query,
      });
      const body = (await response.json()) as any;
      if (response.status !== 200) refused = { status: response.status, code: body.errors?.[0]?.extensions?.code };
    }
    expect(refused).toEqual({ status: 503, code: 'SHUTTING_DOWN' });
    held.write(query);
    await heldClosed;
    // The held request was answered in full, after the signal.
    expect(heldText).toMatch(/HTTP\/1\.1 200 OK/);
    expect(heldText).toContain('"edges"');
    expect(heldText).not.toContain('"errors"');
    await Promise.all(clients);
    expect(await gateway.exited).toBe(0);

    expect(outcomes.filter((o) => o.status === 'hung')).toEqual([]);
    for (const o of outcomes) {
      if (o.status === 200) expect(o.code).toBeUndefined();
      else if (o.status === 503) expect(o.code).toBe('SHUTTING_DOWN');
      else expect(o.status === 'closed' && o.started >= signalledAt - 50).toBe(true);
    }
    // Under load, every request was answered in full or told to go elsewhere (above); that one
    // in flight across the signal was answered and one after it refused is the held request's
    // check, which does not depend on how fast the drain is.
    expect(gateway.output()).toMatch(/SIGTERM: finishing in-flight requests/);
  }, 120_000);

  it('serves the hot store alone with COLD_STORE=disabled, and says so', async () => {
    const gateway = await startGateway({ HOT_DATABASE_URL: url(fresh.hot), COLD_STORE: 'disabled' });
    expect(gateway.output()).toMatch(/cold store: disabled \(single-store mode\)/);
    expect(gateway.output()).toMatch(/single-store mode .*archival is disabled/);
    const answer = await graphqlPost(gateway.url, '{ stocks(first: 5) { edges { node { symbol } } } }');
    expect(answer.data.stocks.edges).toEqual([{ node: { symbol: '2330' } }]);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  });

  it('stays up through every hostile request that killed it, and the rest of the transport corpus', async () => {
    const gateway = await startGateway({
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      ADMIN_TOKEN: HTTP_SECRETS.adminToken,
      JWT_SECRET: HTTP_SECRETS.jwtSecret,
      METRICS_TOKEN: 'production-metrics-token-0123456789',
      TRUST_PROXY: '1',
      HTTP_HEADERS_TIMEOUT_MS: '300',
      HTTP_RECEIVE_TIMEOUT_MS: '600',
      HOT_DATABASE_URL: url(fresh.hot),
      COLD_DATABASE_URL: url(fresh.cold),
    });
    const port = Number(new URL(gateway.url).port);
    const corpus = [...transportCorpus(), ...slowCorpus()];
    // The cases that stopped the process before come first, each twice.
    const ordered = [...corpus.filter((c) => c.killer), ...corpus.filter((c) => c.killer), ...corpus];
    expect(ordered.filter((c) => c.killer).length).toBeGreaterThan(10);
    const outcomes: string[] = [];
    for (const c of ordered) {
      const exchange = await sendRaw(port, c.bytes, {
        pieces: c.pieces,
        pieceDelayMs: c.pieceDelayMs,
        halfCloseAfterMs: c.keepOpen ? undefined : 3000,
      });
      const first = exchange.responses[0];
      const outcome = first ? first.status : exchange.ended;
      if (outcome === 'timeout' || !c.statuses.includes(outcome)) outcomes.push(`${c.name}: ${outcome}`);
      if (!(await healthy(port))) outcomes.push(`healthz failed after ${c.name}`);
    }
    expect(outcomes).toEqual([]);
    const answer = await graphqlPost(gateway.url, '{ stocks(first: 2) { edges { node { symbol } } } }');
    expect(answer.data.stocks.edges).toEqual([{ node: { symbol: '2330' } }]);
    const lines = gateway
      .output()
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    // Malformed HTTP is logged with a request id; nothing escaped as an error.
    expect(lines.filter((line) => line.msg === 'malformed request').every((line) => line.requestId)).toBe(true);
    expect(lines.filter((line) => line.msg === 'malformed request').length).toBeGreaterThan(10);
    expect(lines.filter((line) => line.level === 'error' || line.level === 'fatal')).toEqual([]);
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }, 120_000);
});

describe('start-up failures end with one line and a non-zero exit', () => {
  let fresh: FreshStores;
  const url = (store: StoreConfig) =>
    `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;

  beforeAll(async () => {
    fresh = await freshStores({ migrated: false });
  });
  afterAll(() => fresh?.drop());

  it('bad configuration names the variable', () => {
    const { status, lines } = failedStart({ PORT: 'eighty' });
    expect(status).toBe(1);
    expect(lines).toEqual([
      'stock-insight-gateway: invalid configuration: PORT must be a whole number from 0 to 65535 (got "eighty")',
    ]);
  });

  it('production with an open /metrics names the variable to set', () => {
    const { status, lines } = failedStart({
      NODE_ENV: 'production',
      ADMIN_TOKEN: 'production-admin-token-0123456789',
      JWT_SECRET: 'production-jwt-secret-'.padEnd(40, 'x'),
      HOT_DATABASE_URL: 'postgresql://postgres:x@127.0.0.1:1/nowhere',
      COLD_DATABASE_URL: 'postgresql://postgres:x@127.0.0.1:1/nowhere',
    });
    expect(status).toBe(1);
    expect(lines).toEqual([
      'stock-insight-gateway: invalid configuration: METRICS_TOKEN is required when NODE_ENV=production, unless METRICS_PORT serves /metrics on its own address (METRICS_HOST, default 127.0.0.1)',
    ]);
  });

  it('a store that is down names the store', () => {
    const { status, lines } = failedStart({
      HOT_DATABASE_URL: 'postgresql://postgres:x@127.0.0.1:1/nowhere',
      COLD_DATABASE_URL: 'postgresql://postgres:x@127.0.0.1:1/nowhere',
    });
    expect(status).toBe(1);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^stock-insight-gateway: hot \(postgresql 127\.0\.0\.1:1\/nowhere\) is unreachable: .*ECONNREFUSED/,
    );
  });

  it.runIf(hotIsPostgres())('a failed migration names the migration and the cause', async () => {
    const client = new pg.Client(pgConnectionConfig(fresh.hot));
    await client.connect();
    await client.query('CREATE TABLE users (conflicting INT)');
    await client.end();
    const { status, lines } = failedStart({ HOT_DATABASE_URL: url(fresh.hot), COLD_DATABASE_URL: url(fresh.cold) });
    expect(status).toBe(1);
    expect(lines).toEqual([
      'stock-insight-gateway: migration 20261122000000_init failed: relation "users" already exists',
    ]);
  });
});
