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

const count = (value: unknown): number =>
  typeof value === 'number' ? value : Number((value as { totalCount?: unknown } | null)?.totalCount);
const name = (user: Json | null | undefined): string | null => user?.displayName ?? null;

/**
 * The feed (scenario 6), in the gateway's shape or PostGraphile's aliased one (counts as
 * `{ totalCount }`): `posts` posts, each with a title, an author name, counts, and its first
 * min(3, commentCount) comments with author names. Returns one line per post (everything
 * selected), for the cross-check of implementations.
 */
export function checkFeed(answer: Json, expected: { posts: number; comments: number }): string[] {
  if (answer?.errors) fail('GraphQL errors', answer);
  const edges = answer?.data?.posts?.edges;
  if (!Array.isArray(edges) || edges.length !== expected.posts) fail(`expected ${expected.posts} posts`, answer);
  return edges.map((edge: Json, i: number) => {
    const post = edge?.node;
    const likes = count(post?.likeCount);
    const comments = count(post?.commentCount);
    const page = post?.comments?.edges;
    if (!post?.title || !name(post.author)) fail(`post ${i}: no title or author name`, answer);
    if (!Number.isInteger(likes) || !Number.isInteger(comments)) fail(`post ${i}: counts are not integers`, answer);
    if (!Array.isArray(page) || page.length !== Math.min(expected.comments, comments))
      fail(`post ${i}: expected ${Math.min(expected.comments, comments)} of its ${comments} comments`, answer);
    const lines = page.map((c: Json) => {
      if (!c?.node?.body || !name(c.node.author)) fail(`post ${i}: a comment without body or author name`, answer);
      return `${c.node.body} / ${name(c.node.author)}`;
    });
    return JSON.stringify([post.title, name(post.author), likes, comments, lines]);
  });
}

/**
 * The sidebar (scenario 7), in the gateway's shape or PostGraphile's (participants as
 * `{ nodes: [{ userByUserId }] }`): `conversations` conversations, each with a title,
 * participant names and its newest message with content, date and sender name. Returns one
 * line per conversation (dates as epoch ms: the two serialise timestamps differently).
 */
export function checkSidebar(answer: Json, expected: { conversations: number }): string[] {
  if (answer?.errors) fail('GraphQL errors', answer);
  const edges = answer?.data?.viewer?.conversations?.edges;
  if (!Array.isArray(edges) || edges.length !== expected.conversations)
    fail(`expected ${expected.conversations} conversations`, answer);
  return edges.map((edge: Json, i: number) => {
    const conversation = edge?.node;
    const people: Json[] | undefined = Array.isArray(conversation?.participants)
      ? conversation.participants
      : conversation?.participants?.nodes?.map((p: Json) => p?.userByUserId);
    if (!conversation?.title || !Array.isArray(people) || people.length === 0)
      fail(`conversation ${i}: no title or no participants`, answer);
    const names = people.map((p) => name(p));
    if (names.some((n) => !n)) fail(`conversation ${i}: a participant without a name`, answer);
    const messages = conversation.messages?.edges;
    if (!Array.isArray(messages) || messages.length !== 1)
      fail(`conversation ${i}: expected its newest message`, answer);
    const message = messages[0].node;
    const at = Date.parse(message?.createdAt);
    if (!message?.content || !Number.isFinite(at) || !name(message.sender))
      fail(`conversation ${i}: a message without content, date or sender name`, answer);
    return JSON.stringify([conversation.title, names, message.content, at, name(message.sender)]);
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
