/**
 * The web app and the IDE as the gateway serves them (web/dist, built by `npm ci`): at `/` in
 * every environment, `/ide` only where the Sandbox is on, a content security policy on every
 * page, and the development sign-in tokens in the pages outside production only. What the
 * pages do in a browser is test/browser's.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CONTENT_SECURITY_POLICY } from '../../src/http/web-assets.js';
import { freshStores, type FreshStores } from '../support/databases.js';
import { startHttpGateway, type HttpGateway } from '../support/http-gateway.js';

const TOKENS = [{ label: 'Analyst', token: 'token-"with"-<quotes>' }];

describe('web app and IDE', () => {
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
  const get = async (g: HttpGateway, path: string) => {
    const response = await fetch(`${g.base}${path}`);
    return { status: response.status, headers: response.headers, text: await response.text() };
  };

  it('serves the app at / in production, with its policy and without tokens, and no IDE', async () => {
    const production = await start({ nodeEnv: 'production', developmentTokens: TOKENS });
    const page = await get(production, '/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(page.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(page.text).toContain('<meta name="gateway-dev-tokens" content="[]" />');
    expect(page.text).not.toContain('Analyst');
    // Every script and stylesheet the page names is served, from this origin.
    const assets = [...page.text.matchAll(/(?:src|href)="(\/assets\/[^"]+)"/g)].map((m) => m[1]);
    expect(assets.length).toBeGreaterThan(0);
    for (const asset of assets) {
      const served = await get(production, asset);
      expect(served.status, asset).toBe(200);
      expect(served.headers.get('cache-control')).toContain('immutable');
    }
    const ide = await get(production, '/ide');
    expect(ide.status).toBe(404);
    expect(JSON.parse(ide.text).errors[0].extensions.code).toBe('NOT_FOUND');
    expect((await get(production, '/ide.html')).status).toBe(404);
    expect((await get(production, '/../package.json')).status).toBe(404);
  });

  it('serves the IDE in production with ENABLE_SANDBOX, and the tokens in development', async () => {
    const withSandbox = await start({ nodeEnv: 'production', enableSandbox: true });
    const ide = await get(withSandbox, '/ide');
    expect(ide.status).toBe(200);
    expect(ide.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);

    const development = await start({ nodeEnv: 'development', developmentTokens: TOKENS });
    for (const path of ['/', '/ide']) {
      const page = await get(development, path);
      expect(page.status).toBe(200);
      // Escaped for an attribute: the token cannot end the element.
      expect(page.text).toContain(
        '<meta name="gateway-dev-tokens" content="[{&quot;label&quot;:&quot;Analyst&quot;,&quot;token&quot;:&quot;token-\\&quot;with\\&quot;-&lt;quotes&gt;&quot;}]" />',
      );
    }
    // GraphQL is where it was.
    expect((await development.post('{ stocks(first: 1) { totalCount } }')).body.data.stocks.totalCount).toBe(0);
  });
});
