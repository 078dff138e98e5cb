/**
 * A short, bounded load test on loopback: the gateway as production runs it, held at a steady
 * request rate for 30 s with a mix of the contract's everyday reads (chat pages across the
 * hot/cold boundary, the feed, prices, nodes) under rotating operation names. No request may
 * fail, and the heap must not grow with the number of requests served. (The 200 distinct
 * documents are all seen during the warm-up, so Apollo's bounded cache of parsed documents
 * is full before the heap is first measured.)
 */
import v8 from 'node:v8';
import vm from 'node:vm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { hotIsPostgres, type FreshStores } from '../support/databases.js';
import { startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { freshSmallStores } from '../support/small-dataset.js';

const RATE_PER_SECOND = 100;
const SECONDS = 30;
const WARM_UP_SECONDS = 10;
/** Growth of the collected heap between the end of the warm-up and the end of the run. */
const MAX_HEAP_GROWTH_BYTES = 10 * 1024 * 1024;

v8.setFlagsFromString('--expose_gc');
const gc = vm.runInNewContext('gc') as () => void;
const heapAfterGc = () => {
  gc();
  gc();
  return process.memoryUsage().heapUsed;
};

const C1 = toGlobalId('Conversation', 1);
const QUERIES = [
  `{ conversation(id: "${C1}") { messages(first: 50) { edges { cursor node { content createdAt tier sender { displayName } } } pageInfo { hasNextPage endCursor } } } }`,
  `{ conversation(id: "${C1}") { messages(first: 10) { edges { node { content } } } } }`,
  '{ posts(first: 10) { edges { node { title likeCount commentCount author { username } } } } }',
  '{ stock(symbol: "2330") { latestPrice { close } prices(first: 40) { edges { node { tradeDate close volume tier } } } } }',
  `{ nodes(ids: ["${toGlobalId('Message', 5)}", "${toGlobalId('Message', 50)}", "${toGlobalId('Post', 1)}", "${toGlobalId('Post', 2)}"]) { id } }`,
];

describe.runIf(hotIsPostgres())('a steady load for 30 s', () => {
  let fresh: FreshStores;
  let gateway: HttpGateway;
  let token: string;

  beforeAll(async () => {
    fresh = await freshSmallStores();
    gateway = await startHttpGateway(fresh, { discardLogs: true });
    token = await gateway.analystToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await fresh?.drop();
  });

  it('answers every request, and its heap stays flat', async () => {
    let sent = 0;
    const failures: string[] = [];
    const inFlight = new Set<Promise<void>>();
    const fire = () => {
      const i = sent++;
      const request = (async () => {
        try {
          const { status, body } = await gateway.post(`query Load${i % 40} ${QUERIES[i % QUERIES.length]}`, { token });
          if (status !== 200 || body.errors) failures.push(`${status} ${JSON.stringify(body.errors)}`);
        } catch (error) {
          failures.push(String(error));
        }
      })();
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    };
    const runFor = async (seconds: number) => {
      const started = performance.now();
      const base = sent;
      while (performance.now() - started < seconds * 1000) {
        // A steady rate: catch up to where the schedule says the count should be.
        const due = Math.floor(((performance.now() - started) / 1000) * RATE_PER_SECOND);
        while (sent - base < due) fire();
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    };

    await runFor(WARM_UP_SECONDS);
    await Promise.all(inFlight);
    const warm = heapAfterGc();
    await runFor(SECONDS - WARM_UP_SECONDS);
    await Promise.all(inFlight);
    const end = heapAfterGc();

    expect({ failed: failures.length, first: failures.slice(0, 3) }).toEqual({ failed: 0, first: [] });
    expect(sent).toBeGreaterThanOrEqual(RATE_PER_SECOND * SECONDS * 0.9);
    console.log(
      `load: ${sent} requests in ${SECONDS} s; heap after GC ${(warm / 2 ** 20).toFixed(1)} MB after warm-up, ${(end / 2 ** 20).toFixed(1)} MB at the end`,
    );
    expect(end - warm).toBeLessThan(MAX_HEAP_GROWTH_BYTES);
  }, 90_000);
});
