/**
 * The two nested pages of issue 13 against a running gateway (`npm start`, development
 * defaults): the feed (20 posts, each with its author, counts and first 3 comments with their
 * authors) and the chat sidebar (the viewer's 20 conversations, each with its participants and
 * newest message with its sender). Reports req/s and latency from autocannon, and the
 * statements per request on each store from the gateway's /metrics.
 *
 *   npm run bench:nested [-- --port 4000 --seconds 10 --connections 10 --viewer 1]
 *   npm run bench:nested -- --port 4001 --baseline-port 4000 --rounds 5
 *
 * With `--baseline-port` (another build of the gateway on the same databases), the two are
 * measured in alternating rounds, back to back (bench/paired.ts), and each page's ratio is the
 * median of the rounds' ratios, with their spread: the machine's drift falls on both sides alike.
 *
 * The quick loop while working on nested connections; `npm run bench` is the full suite.
 */
import { DEVELOPMENT_JWT_SECRET } from '../src/config.js';
import { signToken } from '../src/auth/viewer.js';
import { runLoad } from './load.js';
import { alternate, MIN_ROUNDS, summarizeRounds, type RatioRounds } from './paired.js';
import { FEED_QUERY, SIDEBAR_QUERY } from './nested-queries.js';
import { numberOption } from './support.js';

const PORT = numberOption('port', 4000);
const BASELINE_PORT = numberOption('baseline-port', 0);
const ROUNDS = Math.max(MIN_ROUNDS, numberOption('rounds', MIN_ROUNDS));
const SECONDS = numberOption('seconds', 10);
const CONNECTIONS = numberOption('connections', 10);
const VIEWER = numberOption('viewer', 1);

export { FEED_QUERY, SIDEBAR_QUERY } from './nested-queries.js';

interface Page {
  readonly title: string;
  readonly query: string;
  readonly headers: Record<string, string>;
}

interface Measured {
  readonly requestsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly hot: number;
  readonly cold: number;
}

const origin = (port: number) => `http://127.0.0.1:${port}`;

/** gateway_store_statements_total summed per store. */
async function statementTotals(port: number): Promise<{ hot: number; cold: number }> {
  const text = await (await fetch(`${origin(port)}/metrics`)).text();
  const totals = { hot: 0, cold: 0 };
  for (const match of text.matchAll(/^gateway_store_statements_total\{([^}]*)\} (\d+(?:\.\d+)?)$/gm)) {
    const store = /store="(hot|cold)"/.exec(match[1])?.[1] as 'hot' | 'cold' | undefined;
    if (store) totals[store] += Number(match[2]);
  }
  return totals;
}

async function measure(port: number, { title, query, headers }: Page): Promise<Measured> {
  const body = JSON.stringify({ query });
  const url = `${origin(port)}/graphql`;
  const post = () => fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const check = (await (await post()).json()) as { data?: unknown; errors?: unknown };
  if (check.errors || !check.data) throw new Error(`${title}: ${JSON.stringify(check.errors)}`);
  // Statements of 20 requests one after another (the bounds cache is warm after the first).
  const before = await statementTotals(port);
  const sample = 20;
  for (let i = 0; i < sample; i++) await post();
  const after = await statementTotals(port);
  const result = await runLoad({
    url,
    headers,
    bodies: [body],
    connections: CONNECTIONS,
    seconds: SECONDS,
    verify: (text) => text.includes('"data"') && !text.includes('"errors"'),
  });
  const measured = {
    requestsPerSecond: result.requestsPerSecond,
    p50Ms: result.p50Ms,
    p99Ms: result.p99Ms,
    hot: (after.hot - before.hot) / sample,
    cold: (after.cold - before.cold) / sample,
  };
  console.log(
    `| ${title} | ${port} | ${CONNECTIONS} | ${measured.requestsPerSecond.toFixed(0)} | ${measured.p50Ms.toFixed(1)} | ${measured.p99Ms.toFixed(1)} | ` +
      `${measured.hot.toFixed(1)}, ${measured.cold.toFixed(1)} |`,
  );
  return measured;
}

async function main(): Promise<void> {
  const viewer = await signToken(DEVELOPMENT_JWT_SECRET, { sub: VIEWER });
  const pages: Page[] = [
    { title: 'feed', query: FEED_QUERY, headers: {} },
    { title: 'sidebar', query: SIDEBAR_QUERY, headers: { authorization: `Bearer ${viewer}` } },
  ];
  console.log('| page | port | connections | req/s | p50 ms | p99 ms | statements/request (hot, cold) |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  if (!BASELINE_PORT) {
    for (const page of pages) await measure(PORT, page);
    return;
  }
  const summaries: [string, RatioRounds][] = [];
  for (const page of pages) {
    // Back to back, the order swapped every round (bench/paired.ts).
    const rounds = await alternate(
      ROUNDS,
      () => measure(PORT, page),
      () => measure(BASELINE_PORT, page),
    );
    summaries.push([
      page.title,
      summarizeRounds(rounds.map((r) => r.first.requestsPerSecond / r.second.requestsPerSecond)),
    ]);
  }
  console.log(
    `\n| page | req/s ratio ${PORT} / ${BASELINE_PORT}, median of ${ROUNDS} rounds | min - max | rounds disagree |`,
  );
  console.log('| --- | --- | --- | --- |');
  for (const [title, r] of summaries) {
    console.log(
      `| ${title} | ${r.median.toFixed(2)} | ${r.min.toFixed(2)} - ${r.max.toFixed(2)} | ${r.disagrees ? `yes (spread ${(r.spread * 100).toFixed(0)}%)` : 'no'} |`,
    );
  }
}

await main();
