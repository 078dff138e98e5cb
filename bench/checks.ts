/**
 * Checks of answers. Two levels:
 * - `looksLikeData`: cheap, for every response under load: a GraphQL answer with data and
 *   no errors (a failing resolver answers 200 with "errors", which non2xx cannot see);
 * - the full checks below, on parsed answers before measuring: edge counts, tiers, names.
 * A failed check throws `CheckFailure` with the reason and the start of the answer.
 */
export class CheckFailure extends Error {
  override readonly name = 'CheckFailure';
}

export function looksLikeData(body: string): boolean {
  return body.startsWith('{"data":') && !body.includes('"errors":');
}

export function fail(what: string, answer: unknown): never {
  throw new CheckFailure(`${what}; answer: ${JSON.stringify(answer).slice(0, 1500)}`);
}

/** A page's edges, in the gateway's (and floor's, and seed-style's) shape or PostGraphile's. */
export interface PageEdge {
  readonly content: string;
  readonly displayName: string | null;
  readonly tier: string | undefined;
}

type Json = Record<string, any>;

function pageEdges(answer: Json): PageEdge[] {
  const connection =
    answer?.data?.conversation?.messages ?? answer?.data?.conversationByRowId?.messagesByConversationId;
  if (!connection || !Array.isArray(connection.edges)) fail('no message connection in the answer', answer);
  return connection.edges.map((edge: Json) => ({
    content: edge.node.content,
    displayName: (edge.node.sender ?? edge.node.userBySenderId)?.displayName ?? null,
    tier: edge.node.tier,
  }));
}

/**
 * A page of `edges` edges, each with a sender name; `tiers`, when given, is the expected
 * tier of each edge in order (for PostGraphile, which has no tiers, pass undefined).
 */
export function checkPage(answer: Json, expected: { edges: number; tiers?: readonly string[] }): PageEdge[] {
  if (answer?.errors) fail('GraphQL errors', answer);
  const edges = pageEdges(answer);
  if (edges.length !== expected.edges) fail(`expected ${expected.edges} edges, got ${edges.length}`, answer);
  if (edges.some((edge) => !edge.displayName)) fail('an edge has no sender name', answer);
  if (expected.tiers && edges.some((edge, i) => edge.tier !== expected.tiers![i])) {
    fail(
      `expected tiers ${summarise(expected.tiers)}, got ${summarise(edges.map((edge) => String(edge.tier)))}`,
      answer,
    );
  }
  return edges;
}

export function checkPrices(answer: Json, expectedEdges: number): void {
  if (answer?.errors) fail('GraphQL errors', answer);
  const edges = answer?.data?.stock?.prices?.edges;
  if (!Array.isArray(edges) || edges.length !== expectedEdges) fail(`expected ${expectedEdges} price edges`, answer);
  if (edges.some((edge: Json) => !edge.node.tradeDate || !['HOT', 'COLD'].includes(edge.node.tier)))
    fail('a price edge without a date or tier', answer);
}

export function checkNodes(answer: Json, expected: readonly { type: string; tier: string | null }[]): void {
  if (answer?.errors) fail('GraphQL errors', answer);
  const nodes = answer?.data?.nodes;
  if (!Array.isArray(nodes) || nodes.length !== expected.length) fail(`expected ${expected.length} nodes`, answer);
  nodes.forEach((node: Json | null, i: number) => {
    const want = expected[i];
    if (!node || node.__typename !== want.type) fail(`node ${i}: expected a ${want.type}`, answer);
    if (want.tier && node.tier !== want.tier)
      fail(`node ${i} (${want.type}): expected tier ${want.tier}, got ${node.tier}`, answer);
  });
}

/** "25×HOT, 25×COLD" */
export function summarise(tiers: readonly string[]): string {
  const runs: [string, number][] = [];
  for (const tier of tiers) {
    const last = runs.at(-1);
    if (last && last[0] === tier) last[1]++;
    else runs.push([tier, 1]);
  }
  return runs.map(([tier, n]) => `${n}×${tier}`).join(', ');
}
