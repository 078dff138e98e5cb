/**
 * The web app and the offline IDE in a real browser, against `npm start` on the embedded
 * default with its demo data: a chat scrolled from its newest message to its oldest, through
 * the hot store into the cold store, and a message sent elsewhere arriving live; the feed; the chart; the archive status; GraphiQL.
 */
import path from 'node:path';
import type { Browser, WebSocket } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ARTIFACTS, launchBrowser, watchedPage, type WatchedPage } from './browser.js';
import { startGatewayProcess, type GatewayProcess } from './gateway-process.js';

let gateway: GatewayProcess;
let browser: Browser;

beforeAll(async () => {
  [gateway, browser] = await Promise.all([startGatewayProcess(), launchBrowser()]);
});
afterAll(async () => {
  await browser?.close();
  await gateway?.stop();
});

async function signedIn(label: RegExp): Promise<WatchedPage> {
  const watched = await watchedPage(browser, gateway.origin);
  await watched.page.goto(`${gateway.origin}/`);
  await watched.page.getByTestId('sign-in-as').filter({ hasText: label }).click();
  // The chat tab opens first: its list loaded, so that leaving the tab aborts no request.
  await watched.page.getByTestId('conversation').first().waitFor();
  return watched;
}

function expectClean(watched: WatchedPage): void {
  expect(watched.problems).toEqual([]);
  expect(watched.offsite).toEqual([]);
}

describe('web app', () => {
  it('scrolls a conversation from its newest message to its oldest, hot into cold, and sends one', async () => {
    // The demo user's smallest conversation that has archived messages, per the API itself.
    const data = await gateway.graphql(
      gateway.viewerToken,
      `{ viewer { conversations(first: 20) { edges { node { id title } } } } }`,
    );
    const conversations: { id: string; title: string; total: number }[] = [];
    for (const { node } of data.viewer.conversations.edges) {
      const counted = await gateway.graphql(
        gateway.viewerToken,
        `query ($id: ID!) { conversation(id: $id) { messages(first: 1) { totalCount } } }`,
        { id: node.id },
      );
      conversations.push({ ...node, total: counted.conversation.messages.totalCount });
    }
    // The smallest one that spans more than two pages.
    const chosen = conversations.filter((c) => c.total > 60).sort((a, b) => a.total - b.total)[0];
    expect(chosen, JSON.stringify(conversations)).toBeDefined();
    const total = chosen.total;

    const watched = await signedIn(/Demo user/);
    const { page } = watched;
    await page.getByTestId('conversation').filter({ hasText: chosen.title }).first().click();
    const messages = page.getByTestId('message');
    await messages.first().waitFor();
    // It opens at the newest messages: one page, all hot, the pane scrolled to the bottom.
    expect(await page.getByTestId('message-pane').getAttribute('data-pages')).toBe('1');
    expect(await messages.last().getAttribute('data-tier')).toBe('HOT');

    // Scroll up until the start of the conversation shows; each scroll loads one page at most.
    const pane = page.getByTestId('messages');
    for (let scrolls = 0; scrolls < Math.ceil(total / 30) + 5; scrolls += 1) {
      if (await page.getByTestId('conversation-start').isVisible()) break;
      const before = await messages.count();
      // (Callbacks given to evaluate run in the browser; the DOM's types are not this project's.)
      await pane.evaluate((element: any) => element.scrollTo({ top: 0 }));
      await expect
        .poll(
          async () => (await messages.count()) > before || (await page.getByTestId('conversation-start').count()) > 0,
          {
            timeout: 30_000,
          },
        )
        .toBe(true);
    }
    await page.getByTestId('conversation-start').waitFor();

    const seen: { id: number; tier: string }[] = await messages.evaluateAll((items: any[]) =>
      items.map((item: any) => ({ id: Number(item.getAttribute('data-id')), tier: item.getAttribute('data-tier') })),
    );
    // Every message once, oldest at the top (ids ascend with time in the demo data).
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((m) => m.id)).size).toBe(total);
    expect(seen.map((m) => m.id)).toEqual([...seen.map((m) => m.id)].sort((a, b) => a - b));
    // Cold below hot: every COLD message comes before every HOT one, and one boundary shows.
    const cold = seen.filter((m) => m.tier === 'COLD').length;
    expect(cold).toBeGreaterThan(0);
    expect(cold).toBeLessThan(total);
    expect(seen.slice(0, cold).every((m) => m.tier === 'COLD')).toBe(true);
    const boundary = page.getByTestId('tier-boundary');
    expect(await boundary.count()).toBe(1);
    await boundary.scrollIntoViewIfNeeded();
    expect(await boundary.isVisible()).toBe(true);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chat.png') });

    // Sending appends the message at the bottom, in the hot store.
    const text = `browser test ${Date.now()}`;
    await page.getByTestId('composer').fill(text);
    await page.getByRole('button', { name: 'Send' }).click();
    await expect.poll(() => messages.last().textContent(), { timeout: 30_000 }).toContain(text);
    expect(await messages.count()).toBe(total + 1);
    expect(await messages.last().getAttribute('data-tier')).toBe('HOT');

    // A message sent elsewhere (HTTP, the same user, no page involved) arrives live over the
    // messageAdded subscription: no reload, no scroll, no click.
    const live = `sent over HTTP ${Date.now()}`;
    const sent = await gateway.graphql(
      gateway.viewerToken,
      `mutation ($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { databaseId } }`,
      { c: chosen.id, t: live },
    );
    await expect.poll(() => messages.last().textContent(), { timeout: 10_000 }).toContain(live);
    expect(await messages.last().getAttribute('data-id')).toBe(String(sent.sendMessage.databaseId));
    expect(await messages.count()).toBe(total + 2);
    // The message sent from the page, echoed by the subscription too, still shows once.
    expect(await page.getByTestId('message').filter({ hasText: text }).count()).toBe(1);
    expectClean(watched);
  });

  it('shows the feed with comments', async () => {
    const watched = await signedIn(/Demo user/);
    await watched.page.getByTestId('tab-feed').click();
    await watched.page.getByTestId('comment').first().waitFor();
    expect(await watched.page.getByTestId('post').count()).toBe(10);
    expect(await watched.page.getByTestId('comment').count()).toBeGreaterThan(0);
    await watched.page.screenshot({ path: path.join(ARTIFACTS, 'feed.png') });
    expectClean(watched);
  });

  it('draws the daily chart with as many points as the API returns, and the archive status', async () => {
    const watched = await signedIn(/Analyst/);
    const { page } = watched;
    await page.getByTestId('tab-chart').click();
    // The chart says 0 points until its prices have loaded: wait for the loaded chart, whose
    // count must then equal the API's.
    const chart = page.locator('[data-testid="chart"][data-points]:not([data-points="0"])');
    await chart.waitFor();
    const symbol = await page.getByTestId('stock-select').inputValue();
    // The same window the app asks for: six months of 30.5 days back from today.
    const from = new Date(Date.now() - 6 * 30.5 * 86_400_000).toISOString().slice(0, 10);
    let points = 0;
    const tiers = new Set<string>();
    let after: string | null = null;
    for (;;) {
      const data = await gateway.graphql(
        gateway.analystToken,
        `query ($symbol: String!, $from: Date!, $after: String) { stock(symbol: $symbol) { prices(from: $from, first: 100, after: $after) { edges { node { close tier } } pageInfo { hasNextPage endCursor } } } }`,
        { symbol, from, after },
      );
      const prices = data.stock.prices;
      for (const { node } of prices.edges) {
        if (node.close !== null) points += 1;
        tiers.add(node.tier);
      }
      if (!prices.pageInfo.hasNextPage) break;
      after = prices.pageInfo.endCursor;
    }
    expect(points).toBeGreaterThan(60);
    // Six months reach back past the 35 hot days: the chart spans both stores.
    expect([...tiers].sort()).toEqual(['COLD', 'HOT']);
    expect(Number(await chart.getAttribute('data-points'))).toBe(points);
    expect(await chart.locator('canvas').count()).toBeGreaterThan(0);
    await page.screenshot({ path: path.join(ARTIFACTS, 'chart.png') });

    // Monthly candles over all years, when the gateway serves Stock.candles: one bar per candle.
    const candlesServed = (
      await gateway.graphql(gateway.analystToken, '{ __type(name: "Stock") { fields { name } } }')
    ).__type.fields.some((f: any) => f.name === 'candles');
    expect(await page.getByTestId('view-MONTH').isDisabled()).toBe(!candlesServed);
    if (candlesServed) {
      await page.getByTestId('view-MONTH').click();
      const monthly = page.locator('[data-testid="chart"][data-view="MONTH"][data-points]:not([data-points="0"])');
      await monthly.waitFor();
      const { stock } = await gateway.graphql(
        gateway.analystToken,
        `query ($symbol: String!) { stock(symbol: $symbol) { candles(interval: MONTH, from: "1990-01-01") { open high low close } } }`,
        { symbol },
      );
      const bars = stock.candles.filter(
        (c: any) => c.open !== null && c.high !== null && c.low !== null && c.close !== null,
      );
      // Three years of demo prices: more than 30 months, across both stores.
      expect(bars.length).toBeGreaterThan(30);
      expect(Number(await monthly.getAttribute('data-points'))).toBe(bars.length);
      await page.screenshot({ path: path.join(ARTIFACTS, 'chart-monthly.png') });
    }

    await page.getByTestId('tab-archive').click();
    await page.getByTestId('archival-run').first().waitFor();
    expect(await page.getByTestId('watermark').textContent()).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await page.getByTestId('lag').textContent()).toMatch(/days$/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'archive-status.png') });
    expectClean(watched);
  });
});

describe('analyst IDE', () => {
  it('loads GraphiQL offline, runs the example across tiers and a live subscription', async () => {
    const watched = await watchedPage(browser, gateway.origin);
    const { page } = watched;
    // GraphiQL introspects the schema first; the example runs once its editor holds it.
    const introspected = page.waitForResponse((r) => r.request().postData()?.includes('IntrospectionQuery') === true);
    await page.goto(`${gateway.origin}/ide`);
    await page.locator('.graphiql-container').waitFor();
    expect((await introspected).status()).toBe(200);
    await expect
      .poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 30_000 })
      .toContain('query ConversationAcrossTiers');
    const response = page.waitForResponse(
      (r) =>
        r.url() === `${gateway.origin}/graphql` && r.request().postData()?.includes('ConversationAcrossTiers') === true,
    );
    await page.locator('.graphiql-execute-button').click();
    expect((await response).status()).toBe(200);
    await expect.poll(() => page.locator('.result-window').textContent(), { timeout: 30_000 }).toContain('"tier"');
    const result = (await page.locator('.result-window').textContent()) ?? '';
    expect(result).toContain('HOT');
    expect(result).not.toContain('"errors"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide.png') });

    // The subscription example runs over graphql-ws: a message sent over HTTP shows in the result.
    await page.locator('.graphiql-tab-button').filter({ hasText: 'LiveMessages' }).click();
    await expect
      .poll(() => page.locator('.graphiql-query-editor').textContent(), { timeout: 30_000 })
      .toContain('subscription LiveMessages');
    await page.locator('.graphiql-tab-active').filter({ hasText: 'LiveMessages' }).waitFor();
    // (GraphiQL may take the first click right after a tab switch for the tab before: click again.)
    let ws: WebSocket | undefined;
    for (let attempt = 0; attempt < 3 && !ws; attempt += 1) {
      const socket = page.waitForEvent('websocket', { timeout: 5_000 });
      await page.locator('.graphiql-execute-button').click();
      ws = await socket.catch(() => undefined);
    }
    if (!ws) throw new Error('GraphiQL opened no WebSocket for the subscription');
    expect(ws.url()).toBe(`${gateway.origin.replace(/^http/, 'ws')}/graphql`);
    // With `after: null` only messages sent once the gateway follows the conversation arrive:
    // send until one shows (the first, unless it raced the subscribe).
    let shown = false;
    for (let attempt = 0; attempt < 5 && !shown; attempt += 1) {
      const live = `ide live ${Date.now()}`;
      await gateway.graphql(
        gateway.viewerToken,
        `mutation ($c: ID!, $t: String!) { sendMessage(conversationId: $c, content: $t) { id } }`,
        { c: 'Q29udmVyc2F0aW9uOjE', t: live },
      );
      shown = await expect
        .poll(() => page.locator('.result-window').textContent(), { timeout: 3_000 })
        .toContain(live)
        .then(
          () => true,
          () => false,
        );
    }
    expect(shown).toBe(true);
    expect((await page.locator('.result-window').textContent()) ?? '').not.toContain('"errors"');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ide-subscription.png') });
    expectClean(watched);
  });
});
