/**
 * Single-store mode (COLD_STORE=disabled), the seed's rollback plan: the gateway serves the
 * hot store alone, never opens a cold connection, and archival is disabled and says so.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { hotIsPostgres, type FreshStores } from '../support/databases.js';
import { HTTP_SECRETS, startHttpGateway, type HttpGateway } from '../support/http-gateway.js';
import { freshSmallStores, SMALL_MESSAGES } from '../support/small-dataset.js';

const C1 = toGlobalId('Conversation', 1);
const HOT = SMALL_MESSAGES.total - SMALL_MESSAGES.cold;

describe('configuration', () => {
  const hot = 'postgresql://app@hot.internal/hot';
  it('serves the hot store alone only when asked to', () => {
    const config = loadConfig({ HOT_DATABASE_URL: hot, COLD_STORE: 'disabled' });
    expect(config.singleStore).toBe(true);
    expect(config.stores).toMatchObject({ mode: 'external', cold: undefined });
    expect(() => loadConfig({ HOT_DATABASE_URL: hot })).toThrow(/COLD_DATABASE_URL .*COLD_STORE=disabled/);
    expect(() =>
      loadConfig({
        HOT_DATABASE_URL: hot,
        COLD_DATABASE_URL: 'postgresql://app@cold.internal/cold',
        COLD_STORE: 'disabled',
      }),
    ).toThrow(ConfigError);
  });
});

describe.runIf(hotIsPostgres())('the gateway on the hot store alone', () => {
  let fresh: FreshStores;
  let gateway: HttpGateway;
  let token: string;

  beforeAll(async () => {
    fresh = await freshSmallStores();
    // The cold database exists and holds rows, but this gateway is not told of it.
    gateway = await startHttpGateway({ hot: fresh.hot, cold: undefined });
    token = await gateway.analystToken();
  });

  afterAll(async () => {
    await gateway?.stop();
    await fresh?.drop();
  });

  it('pages through the hot rows only, completely and without errors', async () => {
    const { body } = await gateway.post(
      `{ conversation(id: "${C1}") { messages(first: 100) { totalCount edges { node { tier } } pageInfo { hasNextPage } } } }`,
      { token },
    );
    expect(body.errors).toBeUndefined();
    expect(body.data.conversation.messages).toMatchObject({ totalCount: HOT, pageInfo: { hasNextPage: false } });
    expect(body.data.conversation.messages.edges).toHaveLength(HOT);
    const nodes = await gateway.post(
      `{ nodes(ids: ["${toGlobalId('Message', 5)}", "${toGlobalId('Message', 50)}"]) { id } }`,
      { token },
    );
    expect(nodes.body).toEqual({ data: { nodes: [null, { id: toGlobalId('Message', 50) }] } });
  });

  it('says archival is disabled, and refuses to run it', async () => {
    const status = await gateway.post(
      '{ archiveStatus { archivalEnabled watermark lastRun { id } } archivalRuns { totalCount } }',
      { token },
    );
    expect(status.body).toEqual({
      data: {
        archiveStatus: { archivalEnabled: false, watermark: null, lastRun: null },
        archivalRuns: { totalCount: 0 },
      },
    });
    for (const mutation of [
      'mutation { runArchival { id } }',
      'mutation { restoreArchive(from: "2026-01-01", to: "2026-01-02") { id } }',
    ]) {
      const refused = await gateway.post(mutation, { token: HTTP_SECRETS.adminToken });
      expect(refused.body.errors[0].extensions.code).toBe('ARCHIVAL_DISABLED');
    }
  });

  it('is ready with the hot store alone, and sends no statement anywhere else', async () => {
    const ready = await fetch(`${gateway.base}/readyz`);
    expect(ready.status).toBe(200);
    expect(Object.keys(((await ready.json()) as any).stores)).toEqual(['hot']);
    const metrics = await (await fetch(`${gateway.base}/metrics`)).text();
    expect(metrics).not.toMatch(/gateway_store_statements_total\{store="cold"/);
  });
});
