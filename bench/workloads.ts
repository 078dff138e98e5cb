/**
 * What each implementation is asked, per scenario: the endpoint path, the request bodies
 * (rotated under load) and the full check of an answer. Built from the fixtures, so the
 * gateway, the pg floor, the seed-style design and PostGraphile are asked for the same
 * rows: the same conversation, at the same depth.
 *
 * Gateway cursors and ids are built with the gateway's own encoders (src/graphql/...);
 * PostGraphile's cursors are asked of PostGraphile itself (see postgraphileWorkloads).
 */
import { toGlobalId } from '../src/graphql/node/global-id.js';
import { encodeCursor } from '../src/graphql/pagination/cursor.js';
import { MESSAGES_ORDERING } from '../src/graphql/message/message-sides.js';
import { PRICES_ORDERING } from '../src/graphql/price/price-sides.js';
import { checkFeed, checkNodes, checkPage, checkPrices, checkSidebar, fail } from './checks.js';
import type { DepthPage, Fixtures, KeyRow } from './dataset/fixtures.js';
import {
  FEED_COMMENTS,
  FEED_POSTS,
  FEED_QUERY,
  PGL_FEED_QUERY,
  pglSidebarQuery,
  SIDEBAR_CONVERSATIONS,
  SIDEBAR_QUERY,
} from './nested-queries.js';

export type ScenarioId =
  'hotPage' | 'boundaryPage' | 'bigFirstPage' | 'deepPage' | 'prices' | 'nodes' | 'feed' | 'sidebar';

export interface Workload {
  readonly id: ScenarioId | `depth-${number}`;
  readonly title: string;
  readonly path: string;
  readonly bodies: readonly string[];
  /** Headers over the target's (the sidebar's viewer token). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Throws unless the parsed answer to bodies[index] is right; returns the page's message contents, if a page. */
  readonly check: (answer: any, index: number) => readonly string[] | undefined;
}

export const PAGE_SIZE = 50;
const PRICE_PAGE_SIZE = 100;

const PAGE_QUERY = `query Page($id: ID!, $after: String) {
  conversation(id: $id) { messages(first: ${PAGE_SIZE}, after: $after) {
    edges { node { content createdAt tier sender { displayName } } }
    pageInfo { hasNextPage endCursor } } } }`;

const PRICES_QUERY = `query Prices($symbol: String!, $from: Date!, $to: Date!, $after: String) {
  stock(symbol: $symbol) { prices(from: $from, to: $to, first: ${PRICE_PAGE_SIZE}, after: $after) {
    edges { node { tradeDate open high low close volume tier } }
    pageInfo { hasNextPage endCursor } } } }`;

const NODES_QUERY = `query Nodes($ids: [ID!]!) {
  nodes(ids: $ids) { __typename id
    ... on Message { content createdAt tier sender { displayName } }
    ... on Post { title createdAt tier }
    ... on StockPrice { tradeDate close tier }
    ... on User { displayName } } }`;

const PGL_PAGE_QUERY = `query Page($id: Int!, $after: Cursor) {
  conversationByRowId(rowId: $id) { messagesByConversationId(first: ${PAGE_SIZE}, after: $after, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) {
    edges { node { content createdAt userBySenderId { displayName } } }
    pageInfo { hasNextPage endCursor } } } }`;

const messageCursor = (row: KeyRow) => encodeCursor(MESSAGES_ORDERING.name, [row.key, row.id]);
const pageBody = (conversationId: number, after: KeyRow | null) =>
  JSON.stringify({
    query: PAGE_QUERY,
    variables: { id: toGlobalId('Conversation', conversationId), after: after && messageCursor(after) },
  });

/** The tiers of a 50-row page starting at `depth` in a conversation whose newest `hotRows` rows are hot. */
function tiersAt(depth: number, hotRows: number, edges = PAGE_SIZE): string[] {
  return Array.from({ length: edges }, (_, i) => (depth + i < hotRows ? 'HOT' : 'COLD'));
}

const BOUNDARY_TIERS = tiersAt(0, 25);
const HOT_TIERS = tiersAt(0, PAGE_SIZE);
const contents = (edges: readonly { content: string }[]) => edges.map((edge) => edge.content);

const SCENARIO_TITLES: Record<ScenarioId, string> = {
  hotPage: '1. 50-edge page with sender names, hot only',
  boundaryPage: '2. the same across the hot/cold boundary',
  bigFirstPage: '3a. first page of the big conversation',
  deepPage: '3b. a page deep in the big conversation (cursor)',
  prices: "4. five years of one stock's prices, pages of 100",
  nodes: '5. nodes: 100 ids mixed across both stores',
  feed: '6. the feed: 20 posts, author, counts, 3 comments with authors',
  sidebar: '7. the chat sidebar: 20 conversations, participants, newest message',
};

/**
 * Scenarios 6 and 7 (bench/nested-queries.ts). The gateway and the floor get the same bodies
 * (the floor reads the operation name and the viewer token's subject); PostGraphile its
 * equivalent queries. The sidebar is asked as the data set's viewer (`viewerToken`, a user's
 * token: the gateway checks it is a participant of each conversation it pages).
 */
export function nestedWorkloads(
  implementation: 'gateway' | 'pgFloor' | 'postgraphile',
  fixtures: Fixtures,
  viewerToken: string,
): Workload[] {
  const pgl = implementation === 'postgraphile';
  const conversations = Math.min(SIDEBAR_CONVERSATIONS, fixtures.viewer.conversations);
  return [
    {
      id: 'feed',
      title: SCENARIO_TITLES.feed,
      path: '/graphql',
      bodies: [JSON.stringify({ query: pgl ? PGL_FEED_QUERY : FEED_QUERY, operationName: 'Feed' })],
      check: (answer) => checkFeed(answer, { posts: FEED_POSTS, comments: FEED_COMMENTS }),
    },
    {
      id: 'sidebar',
      title: SCENARIO_TITLES.sidebar,
      path: '/graphql',
      bodies: [
        JSON.stringify({ query: pgl ? pglSidebarQuery(fixtures.viewer.id) : SIDEBAR_QUERY, operationName: 'Sidebar' }),
      ],
      headers: { authorization: `Bearer ${viewerToken}` },
      check: (answer) => checkSidebar(answer, { conversations }),
    },
  ];
}

/** The gateway's six workloads (scenario 3 is two: its first page and its deep page). */
export function gatewayWorkloads(fixtures: Fixtures): Workload[] {
  const big = fixtures.bigConversation;
  const deep = fixtures.depths.at(-1)!;
  return [
    {
      id: 'hotPage',
      title: SCENARIO_TITLES.hotPage,
      path: '/graphql',
      bodies: fixtures.conversations.map((id) => pageBody(id, null)),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE, tiers: HOT_TIERS })),
    },
    {
      id: 'boundaryPage',
      title: SCENARIO_TITLES.boundaryPage,
      path: '/graphql',
      bodies: fixtures.boundary.map((page) => pageBody(page.conversationId, page.after)),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE, tiers: BOUNDARY_TIERS })),
    },
    depthWorkload('gateway', fixtures.depths[0], big, 'bigFirstPage'),
    depthWorkload('gateway', deep, big, 'deepPage'),
    {
      id: 'prices',
      title: SCENARIO_TITLES.prices,
      path: '/graphql',
      bodies: fixtures.pricePages.map((page) =>
        JSON.stringify({
          query: PRICES_QUERY,
          variables: {
            symbol: page.symbol,
            ...fixtures.priceRange,
            after: page.after && encodeCursor(PRICES_ORDERING.name, [page.after.key, page.after.id]),
          },
        }),
      ),
      check: (answer, index) => (checkPrices(answer, fixtures.pricePages[index].edges), undefined),
    },
    {
      id: 'nodes',
      title: SCENARIO_TITLES.nodes,
      path: '/graphql',
      bodies: fixtures.nodeSets.map((set) =>
        JSON.stringify({
          query: NODES_QUERY,
          variables: { ids: set.map((ref) => toGlobalId(ref.type, ref.databaseId)) },
        }),
      ),
      check: (answer, index) => (checkNodes(answer, fixtures.nodeSets[index]), undefined),
    },
  ];
}

export type PageImplementation = 'gateway' | 'pgFloor' | 'seedStyle';

/**
 * The page at `page.depth` of the big conversation: by cursor for the gateway and the floor
 * (the same body), by offset for the seed-style design.
 */
export function depthWorkload(
  implementation: PageImplementation,
  page: DepthPage,
  big: Fixtures['bigConversation'],
  id?: ScenarioId,
): Workload {
  const tiers = tiersAt(page.depth, big.hotMessages);
  return {
    id: id ?? `depth-${page.depth}`,
    title: id ? SCENARIO_TITLES[id] : `page ${page.depth.toLocaleString()} rows deep`,
    path: implementation === 'seedStyle' ? '/messages' : '/graphql',
    bodies: [
      implementation === 'seedStyle'
        ? JSON.stringify({ conversationId: big.id, offset: page.depth })
        : pageBody(big.id, page.after),
    ],
    check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE, tiers })),
  };
}

/** Scenarios 1 and 2 for the floor (the gateway's own bodies) and the seed-style design (offsets). */
export function pagePeerWorkloads(implementation: 'pgFloor' | 'seedStyle', fixtures: Fixtures): Workload[] {
  if (implementation === 'pgFloor')
    return gatewayWorkloads(fixtures).filter((w) => w.id === 'hotPage' || w.id === 'boundaryPage');
  const seedBody = (conversationId: number, offset: number) => JSON.stringify({ conversationId, offset });
  return [
    {
      id: 'hotPage',
      title: SCENARIO_TITLES.hotPage,
      path: '/messages',
      bodies: fixtures.conversations.map((id) => seedBody(id, 0)),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE, tiers: HOT_TIERS })),
    },
    {
      id: 'boundaryPage',
      title: SCENARIO_TITLES.boundaryPage,
      path: '/messages',
      bodies: fixtures.boundary.map((page) => seedBody(page.conversationId, page.offset)),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE, tiers: BOUNDARY_TIERS })),
    },
  ];
}

/**
 * Scenarios 1 and 2 for PostGraphile: the conversation's messages newest first, first: 50,
 * with the sender's displayName; the boundary page after PostGraphile's own cursor for the
 * row just above the page (asked of PostGraphile by offset, in batches of aliases).
 */
export async function postgraphileWorkloads(
  fixtures: Fixtures,
  ask: (query: string) => Promise<any>,
): Promise<Workload[]> {
  const cursors: string[] = [];
  const BATCH = 100;
  for (let start = 0; start < fixtures.boundary.length; start += BATCH) {
    const batch = fixtures.boundary.slice(start, start + BATCH);
    const fields = batch.map(
      (page, i) =>
        `c${i}: conversationByRowId(rowId: ${page.conversationId}) { messagesByConversationId(first: 1, offset: ${page.offset - 1}, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { edges { cursor } } }`,
    );
    const answer = await ask(`{ ${fields.join('\n')} }`);
    batch.forEach((page, i) => {
      const cursor = answer?.data?.[`c${i}`]?.messagesByConversationId?.edges?.[0]?.cursor;
      if (typeof cursor !== 'string')
        fail(
          `PostGraphile gave no cursor for conversation ${page.conversationId} at offset ${page.offset - 1}`,
          answer,
        );
      cursors.push(cursor);
    });
  }
  const body = (id: number, after: string | null) =>
    JSON.stringify({ query: PGL_PAGE_QUERY, variables: { id, after } });
  return [
    {
      id: 'hotPage',
      title: SCENARIO_TITLES.hotPage,
      path: '/graphql',
      bodies: fixtures.conversations.map((id) => body(id, null)),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE })),
    },
    {
      id: 'boundaryPage',
      title: SCENARIO_TITLES.boundaryPage,
      path: '/graphql',
      bodies: fixtures.boundary.map((page, i) => body(page.conversationId, cursors[i])),
      check: (answer) => contents(checkPage(answer, { edges: PAGE_SIZE })),
    },
  ];
}
