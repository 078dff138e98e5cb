/**
 * The transport attacked on raw sockets (node:net, never fetch): a hand-written corpus of
 * hostile HTTP/1.1 (transport-corpus.ts), slow clients against small configured timeouts, and
 * 10,000 seeded byte-level mutations of valid requests over several sockets at once. After
 * every case, and every few mutations, /healthz must answer; no answer is ever a 5xx; nothing
 * is logged at error level (an escaped exception would be); the server never restarts; and the
 * heap after a full collection is flat.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { heapAfterGc, healthy, seeded, sendRaw, type RawExchange } from '../support/raw-http.js';
import { freshSmallStores } from '../support/small-dataset.js';
import { request, slowCorpus, transportCorpus, type CorpusCase } from '../support/transport-corpus.js';

const MUTATIONS = Number(process.env.TRANSPORT_FUZZ_MUTATIONS ?? 10_000);
/**
 * Mutants are never half-closed (node:http would drop an asynchronous answer to a half-closed
 * connection): an incomplete one waits for the receive timeout (400 ms here) and its 408, so
 * 64 sockets run at once to keep the whole run short.
 */
const SOCKETS = 64;
const HEALTH_EVERY = 10;

let fresh: FreshStores;
let gateway: HttpGateway;
let port: number;
const histogram = new Map<string, number>();
let sent = 0;

const count = (exchange: RawExchange) => {
  sent++;
  const keys = exchange.responses.length > 0 ? exchange.responses.map((r) => String(r.status)) : [exchange.ended];
  for (const key of keys) histogram.set(key, (histogram.get(key) ?? 0) + 1);
};

beforeAll(async () => {
  fresh = await freshSmallStores();
  gateway = await startHttpGateway(fresh, {
    discardLogs: true,
    // Garbage X-Forwarded-For is parsed, not just ignored.
    trustProxy: { kind: 'hops', hops: 1 },
    resilience: { authFailureLimit: 1_000_000, headersTimeoutMs: 300, receiveTimeoutMs: 400 },
  });
  port = Number(new URL(gateway.base).port);
});

afterAll(async () => {
  await gateway?.stop();
  await fresh?.drop();
  const sorted = [...histogram.entries()].sort(([a], [b]) => a.localeCompare(b));
  console.log(`transport fuzz: ${sent} requests sent; statuses ${JSON.stringify(Object.fromEntries(sorted))}`);
});

async function run(c: CorpusCase): Promise<RawExchange> {
  const exchange = await sendRaw(port, c.bytes, {
    halfCloseAfterMs: c.keepOpen ? undefined : 3000,
    pieces: c.pieces,
    pieceDelayMs: c.pieceDelayMs,
    timeoutMs: 5000,
  });
  count(exchange);
  return exchange;
}

/** What is wrong with an exchange for its case, if anything. */
function mismatch(c: CorpusCase, exchange: RawExchange): string | undefined {
  const first = exchange.responses[0];
  const outcome = first ? first.status : exchange.ended;
  const seen = `${c.name}: got ${outcome} ${first?.body.slice(0, 200) ?? ''}`;
  if (outcome === 'timeout' || !c.statuses.includes(outcome)) return seen;
  if (exchange.responses.some((response) => response.status >= 500)) return seen;
  if (c.code && first && JSON.parse(first.body).errors?.[0]?.extensions?.code !== c.code)
    return `${seen} (expected ${c.code})`;
  if (first && first.status >= 400 && !first.headers['x-request-id']) return `${seen} (no x-request-id)`;
  return undefined;
}

describe('the transport on raw sockets', () => {
  it('answers every hand-written hostile request with a 4xx (or a clean close) and stays up', async () => {
    const server = gateway.gateway.httpServer;
    const wrong: string[] = [];
    for (const c of transportCorpus()) {
      const problem = mismatch(c, await run(c));
      if (problem) wrong.push(problem);
      if (!(await healthy(port))) wrong.push(`healthz failed after ${c.name}`);
    }
    expect(wrong).toEqual([]);
    expect(gateway.gateway.httpServer).toBe(server);
    expect(server.listening).toBe(true);
    expect(gateway.logs.errors).toEqual([]);
  });

  it('answers slow headers and slow bodies 408 once the configured timeouts pass', async () => {
    const results = await Promise.all(slowCorpus().map(async (c) => [c, await run(c)] as const));
    expect(results.map(([c, exchange]) => mismatch(c, exchange)).filter(Boolean)).toEqual([]);
    expect(await healthy(port)).toBe(true);
    expect(gateway.logs.errors).toEqual([]);
  });

  it(`survives ${MUTATIONS} seeded byte-level mutations of valid requests with no 5xx and a flat heap`, async () => {
    const server = gateway.gateway.httpServer;
    const rng = seeded(20261202);
    const templates = validRequests();
    const mutants = Array.from({ length: MUTATIONS }, () => mutate(rng, rng.pick(templates), templates));
    // Warm up (JIT, pools, Apollo's caches) before the first heap reading.
    for (const template of templates) await sendRaw(port, template);
    const heapBefore = heapAfterGc();
    const fiveHundreds: string[] = [];
    let unhealthy = 0;
    let next = 0;
    const worker = async () => {
      for (let done = 0; next < mutants.length; done++) {
        const bytes = mutants[next++];
        const exchange = await sendRaw(port, bytes, { timeoutMs: 10_000 });
        count(exchange);
        for (const response of exchange.responses)
          if (response.status >= 500)
            fiveHundreds.push(
              `${response.status} ${response.body.slice(0, 200)} <- ${bytes.toString('latin1').slice(0, 300)}`,
            );
        if (done % HEALTH_EVERY === HEALTH_EVERY - 1 && !(await healthy(port))) unhealthy++;
      }
    };
    await Promise.all(Array.from({ length: SOCKETS }, worker));
    const heapAfter = heapAfterGc();
    const mb = (bytes: number) => Math.round(bytes / 1e5) / 10;
    console.log(`transport fuzz: heap after GC before ${mb(heapBefore)} MB, after ${mb(heapAfter)} MB`);

    expect(fiveHundreds).toEqual([]);
    expect(unhealthy).toBe(0);
    expect(await healthy(port)).toBe(true);
    expect(gateway.gateway.httpServer).toBe(server);
    expect(server.listening).toBe(true);
    expect(gateway.logs.errors).toEqual([]);
    expect(heapAfter - heapBefore).toBeLessThan(50 * 1024 * 1024);
  }, 300_000);
});

/** What the mutations start from: valid requests of every kind the gateway serves. */
function validRequests(): Buffer[] {
  const auth = { Authorization: `Bearer ${HTTP_SECRETS.adminToken}` };
  const json = { 'Content-Type': 'application/json' };
  const body = (query: string, variables?: unknown) => JSON.stringify({ query, ...(variables ? { variables } : {}) });
  return [
    request('GET /healthz HTTP/1.1'),
    request('GET /readyz HTTP/1.1'),
    request('GET / HTTP/1.1'),
    request('GET /graphql?query=%7B__typename%7D HTTP/1.1', { 'apollo-require-preflight': 'true' }),
    request(
      `GET /graphql?query=${encodeURIComponent('query($n: Int) { stocks(first: $n) { totalCount } }')}&variables=${encodeURIComponent('{"n":2}')} HTTP/1.1`,
      { 'apollo-require-preflight': 'true', ...auth },
    ),
    request('POST /graphql HTTP/1.1', json, body('{ __typename }')),
    request(
      'POST /graphql HTTP/1.1',
      { ...json, ...auth },
      body('{ stocks(first: 3) { edges { node { symbol name } } } }'),
    ),
    request(
      'POST /graphql HTTP/1.1',
      { ...json, ...auth, 'X-Forwarded-For': '203.0.113.9, 10.0.0.1' },
      body('query($s: String!) { stock(symbol: $s) { symbol prices(first: 2) { totalCount } } }', { s: '2330' }),
    ),
    request(
      'POST /graphql HTTP/1.1',
      { ...json, 'Transfer-Encoding': 'chunked' },
      `${body('{ __typename }').length.toString(16)}\r\n${body('{ __typename }')}\r\n0\r\n\r\n`,
      { length: false },
    ),
    request('POST http://x/graphql HTTP/1.1', { ...json, ...auth }, body('{ viewer { id } }')),
  ];
}

const TOKENS = [
  '\r\n',
  '\r\n\r\n',
  '\0',
  '%',
  '%zz',
  '{',
  '[',
  '"',
  '\\',
  ':',
  ' ',
  '\x7f',
  '\xff',
  'Content-Length: 99999\r\n',
  'Transfer-Encoding: chunked\r\n',
  'Content-Type: text/plain\r\n',
  'Expect: 100-continue\r\n',
  'http://[',
  '//',
  '*',
  'CONNECT',
  'HTTP/1.0',
  '0\r\n\r\n',
  'null',
  '[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[',
];

/** One to four byte-level edits of a valid request, or a splice of two. */
function mutate(rng: ReturnType<typeof seeded>, template: Buffer, templates: readonly Buffer[]): Buffer {
  let bytes = Buffer.from(template);
  const edits = rng.int(1, 4);
  for (let e = 0; e < edits; e++) {
    const at = rng.int(0, Math.max(0, bytes.length - 1));
    switch (rng.int(0, 7)) {
      case 0: // flip bits
        bytes[at] ^= 1 << rng.int(0, 7);
        break;
      case 1: // a random byte
        bytes[at] = rng.int(0, 255);
        break;
      case 2: // insert a token
        bytes = Buffer.concat([bytes.subarray(0, at), Buffer.from(rng.pick(TOKENS), 'latin1'), bytes.subarray(at)]);
        break;
      case 3: // delete a range
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + rng.int(1, 16))]);
        break;
      case 4: // duplicate a range
        bytes = Buffer.concat([bytes.subarray(0, at), bytes.subarray(at, at + rng.int(1, 64)), bytes.subarray(at)]);
        break;
      case 5: // truncate
        bytes = bytes.subarray(0, at);
        break;
      case 6: // splice with another request
        bytes = Buffer.concat([bytes.subarray(0, at), rng.pick(templates).subarray(rng.int(0, 40))]);
        break;
      default: // random bytes
        bytes = Buffer.concat([
          bytes.subarray(0, at),
          Buffer.from(Array.from({ length: rng.int(1, 8) }, () => rng.int(0, 255))),
          bytes.subarray(at),
        ]);
    }
  }
  return bytes;
}
