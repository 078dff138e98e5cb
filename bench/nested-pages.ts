/**
 * The two nested pages of issue 13 against a running gateway (`npm start`, development
 * defaults): the feed (20 posts, each with its author, counts and first 3 comments with their
 * authors) and the chat sidebar (the viewer's 20 conversations, each with its participants and
 * newest message with its sender). Reports req/s and latency from autocannon, and the
 * statements per request on each store from the gateway's /metrics.
 *
 *   npm run bench:nested [-- --port 4000 --seconds 10 --connections 10 --viewer 1]
 *
 * The quick loop while working on nested connections; `npm run bench` is the full suite.
 */
import { DEVELOPMENT_JWT_SECRET } from '../src/config.js';
import { signToken } from '../src/auth/viewer.js';
import { runLoad } from './load.js';
import { numberOption } from './support.js';

const PORT = numberOption('port', 4000);
const SECONDS = numberOption('seconds', 10);
const CONNECTIONS = numberOption('connections', 10);
const VIEWER = numberOption('viewer', 1);
const ORIGIN = `http://127.0.0.1:${PORT}`;

export const FEED_QUERY =
  'query Feed { posts(first: 20) { edges { node { title author { displayName } likeCount commentCount comments(first: 3) { edges { node { body author { displayName } } } } } } } }';
export const SIDEBAR_QUERY =
  'query Sidebar { viewer { conversations(first: 20) { edges { node { title participants { displayName } messages(first: 1) { edges { node { content createdAt sender { displayName } } } } } } } } }';

/** gateway_store_statements_total summed per store. */
async function statementTotals(): Promise<{ hot: number; cold: number }> {
  const text = await (await fetch(`${ORIGIN}/metrics`)).text();
  const totals = { hot: 0, cold: 0 };
  for (const match of text.matchAll(/^gateway_store_statements_total\{([^}]*)\} (\d+(?:\.\d+)?)$/gm)) {
    const store = /store="(hot|cold)"/.exec(match[1])?.[1] as 'hot' | 'cold' | undefined;
    if (store) totals[store] += Number(match[2]);
  }
  return totals;
}

async function measure(title: string, query: string, headers: Record<string, string>): Promise<void> {
  const body = JSON.stringify({ query });
  const post = () =>
    fetch(`${ORIGIN}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const check = (await (await post()).json()) as { data?: unknown; errors?: unknown };
  if (check.errors || !check.data) throw new Error(`${title}: ${JSON.stringify(check.errors)}`);
  // Statements of 20 requests one after another (the bounds cache is warm after the first).
  const before = await statementTotals();
  const sample = 20;
  for (let i = 0; i < sample; i++) await post();
  const after = await statementTotals();
  const result = await runLoad({
    url: `${ORIGIN}/graphql`,
    headers,
    bodies: [body],
    connections: CONNECTIONS,
    seconds: SECONDS,
    verify: (text) => text.includes('"data"') && !text.includes('"errors"'),
  });
  console.log(
    `| ${title} | ${CONNECTIONS} | ${result.requestsPerSecond.toFixed(0)} | ${result.p50Ms.toFixed(1)} | ${result.p99Ms.toFixed(1)} | ` +
      `${((after.hot - before.hot) / sample).toFixed(1)}, ${((after.cold - before.cold) / sample).toFixed(1)} | ${result.otherCpuPercent?.toFixed(0) ?? '-'}% |`,
  );
}

async function main(): Promise<void> {
  const viewer = await signToken(DEVELOPMENT_JWT_SECRET, { sub: VIEWER });
  console.log('| page | connections | req/s | p50 ms | p99 ms | statements/request (hot, cold) | other CPU |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  await measure('feed', FEED_QUERY, {});
  await measure('sidebar', SIDEBAR_QUERY, { authorization: `Bearer ${viewer}` });
}

await main();
