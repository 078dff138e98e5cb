/**
 * The client address behind a trusted proxy (TRUST_PROXY), and what it keys: the
 * failed-authentication throttle and each address's share of the gateway. Every request comes
 * from loopback, the trusted "proxy" here; X-Forwarded-For says which client it stands for,
 * with whatever the client wrote itself on the left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { freshSmallStores } from '../support/small-dataset.js';
import { startTcpProxy, type TcpProxy } from '../support/tcp-proxy.js';

const ATTACKER = '203.0.113.7';
const VICTIM = '198.51.100.9';
const BAD_TOKEN = 'guessed-admin-token-0000';
const C1 = toGlobalId('Conversation', 1);

let fresh: FreshStores;

const attempt = async (gateway: HttpGateway, forwardedFor: string | undefined, token: string) => {
  const { status, body, headers } = await gateway.post('{ viewer { id } }', {
    token,
    headers: forwardedFor === undefined ? {} : { 'x-forwarded-for': forwardedFor },
  });
  return {
    status,
    code: body.errors?.[0]?.extensions?.code as string | undefined,
    retryAfter: headers.get('retry-after'),
  };
};

describe.runIf(hotIsPostgres())('client addresses behind a trusted proxy', () => {
  beforeAll(async () => {
    fresh = await freshSmallStores();
  });
  afterAll(() => fresh?.drop());

  describe.each(['loopback', 'true', '1'])('TRUST_PROXY=%s', (trust) => {
    let gateway: HttpGateway;
    beforeAll(async () => {
      gateway = await startHttpGateway(fresh, {
        trustProxy: loadConfig({ TRUST_PROXY: trust }).trustProxy,
        resilience: { authFailureLimit: 3, authFailureWindowMs: 60_000 },
      });
    });
    afterAll(() => gateway?.stop());

    it('throttles a guesser who rotates the X-Forwarded-For entries it writes itself', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 8; i++)
        statuses.push((await attempt(gateway, `10.9.${i}.1, 172.16.0.${i}, ${ATTACKER}`, BAD_TOKEN)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429, 429, 429, 429]);
      expect(await attempt(gateway, `1.2.3.4, ${ATTACKER}`, HTTP_SECRETS.adminToken)).toMatchObject({
        status: 429,
        code: 'RATE_LIMITED',
        retryAfter: expect.stringMatching(/^\d+$/),
      });
    });

    it('does not lock out a victim whose address a guesser writes into its own requests', async () => {
      for (let i = 0; i < 6; i++) await attempt(gateway, `${VICTIM}, ${ATTACKER}`, BAD_TOKEN);
      expect(await attempt(gateway, VICTIM, HTTP_SECRETS.adminToken)).toMatchObject({ status: 200, code: undefined });
      // Garbage in the header is never a key of its own: it counts against the hop that sent it.
      expect((await attempt(gateway, 'not-an-address', HTTP_SECRETS.adminToken)).status).toBe(200);
    });
  });

  describe('without TRUST_PROXY', () => {
    let gateway: HttpGateway;
    beforeAll(async () => {
      gateway = await startHttpGateway(fresh, { resilience: { authFailureLimit: 3, authFailureWindowMs: 60_000 } });
    });
    afterAll(() => gateway?.stop());

    it('keys on the socket address, whatever X-Forwarded-For says', async () => {
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await attempt(gateway, `10.0.0.${i}`, BAD_TOKEN)).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
      expect((await attempt(gateway, VICTIM, HTTP_SECRETS.adminToken)).status).toBe(429);
    });
  });

  describe("each address's share", () => {
    const LIMIT = 4;
    let proxy: TcpProxy;
    let gateway: HttpGateway;
    beforeAll(async () => {
      // The cold store behind a proxy the test can stall, so that requests stay in flight
      // until it resumes (no statement or request times out meanwhile).
      proxy = await startTcpProxy({ host: fresh.cold.host, port: fresh.cold.port });
      gateway = await startHttpGateway(
        { hot: fresh.hot, cold: { ...fresh.cold, port: proxy.port, queryTimeoutMs: 120_000 } },
        {
          trustProxy: loadConfig({ TRUST_PROXY: 'loopback' }).trustProxy,
          concurrency: { addressRequests: LIMIT, addressStatements: 2 },
          resilience: { requestTimeoutMs: 120_000 },
        },
      );
    });
    afterAll(async () => {
      proxy?.resume();
      await gateway?.stop();
      await proxy?.close();
    });

    it('answers a flooding address 429 RATE_LIMITED past its share, while another address is served', async () => {
      const token = await gateway.analystToken();
      // Warm the archive bounds while the cold store answers.
      expect(
        (await gateway.post(`{ conversation(id: "${C1}") { messages(first: 5) { edges { cursor } } } }`, { token }))
          .body.errors,
      ).toBeUndefined();
      proxy.stall();
      const page = `{ conversation(id: "${C1}") { messages(first: 40) { edges { node { tier } } } } }`;
      const flood = Array.from({ length: LIMIT + 6 }, () =>
        gateway.post(page, { token, headers: { 'x-forwarded-for': `10.0.0.1, ${ATTACKER}` } }),
      );
      // The refused answer at once; the admitted ones wait for the stalled store.
      const settled: { status: number; code?: string; retryAfter: string | null }[] = [];
      let refused!: () => void;
      const sixRefused = new Promise<void>((resolve) => (refused = resolve));
      const tracked = flood.map((request) =>
        request.then(({ status, body, headers }) => {
          settled.push({ status, code: body.errors?.[0]?.extensions?.code, retryAfter: headers.get('retry-after') });
          if (settled.length === 6) refused();
        }),
      );
      await sixRefused;
      expect(settled).toEqual(
        Array.from({ length: 6 }, () => ({ status: 429, code: 'RATE_LIMITED', retryAfter: '1' })),
      );

      // Another client is served meanwhile (the hot store alone answers this one).
      const other = await gateway.post('{ stocks(first: 3) { edges { node { symbol } } } }', {
        token,
        headers: { 'x-forwarded-for': VICTIM },
      });
      expect(other.status).toBe(200);
      expect(other.body).toEqual({ data: { stocks: { edges: [{ node: { symbol: '2330' } }] } } });
      // The flooding address is still at its limit.
      expect((await gateway.post('{ __typename }', { headers: { 'x-forwarded-for': ATTACKER } })).status).toBe(429);

      proxy.resume();
      await Promise.all(tracked);
      expect(settled.filter((s) => s.status === 200)).toHaveLength(LIMIT);
      // Its share is back once its requests are answered.
      expect((await gateway.post('{ __typename }', { headers: { 'x-forwarded-for': ATTACKER } })).status).toBe(200);
    });
  });
});
