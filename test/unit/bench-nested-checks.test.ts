import { describe, expect, it } from 'vitest';
import { checkFeed, checkSidebar } from '../../bench/checks.js';

/** One post and one conversation, in the gateway's shape and PostGraphile's aliased one (bench/nested-queries.ts). */
const gatewayFeed = {
  data: {
    posts: {
      edges: [
        {
          node: {
            title: 'Post 2',
            author: { displayName: 'Ann' },
            likeCount: 4,
            commentCount: 2,
            comments: {
              edges: [
                { node: { body: 'first', author: { displayName: 'Bob' } } },
                { node: { body: 'second', author: { displayName: 'Ann' } } },
              ],
            },
          },
        },
      ],
    },
  },
};
const postgraphileFeed = {
  data: {
    posts: {
      edges: [
        {
          node: {
            title: 'Post 2',
            author: { displayName: 'Ann' },
            likeCount: { totalCount: 4 },
            commentCount: { totalCount: 2 },
            comments: {
              edges: [
                { node: { body: 'first', author: { displayName: 'Bob' } } },
                { node: { body: 'second', author: { displayName: 'Ann' } } },
              ],
            },
          },
        },
      ],
    },
  },
};
const message = (createdAt: string) => ({
  edges: [{ node: { content: 'hi', createdAt, sender: { displayName: 'Bob' } } }],
});
const gatewaySidebar = {
  data: {
    viewer: {
      conversations: {
        edges: [
          {
            node: {
              title: 'Room',
              participants: [{ displayName: 'Ann' }, { displayName: 'Bob' }],
              messages: message('2026-10-01T10:00:00.123Z'),
            },
          },
        ],
      },
    },
  },
};
const postgraphileSidebar = {
  data: {
    viewer: {
      conversations: {
        edges: [
          {
            node: {
              title: 'Room',
              participants: {
                nodes: [{ userByUserId: { displayName: 'Ann' } }, { userByUserId: { displayName: 'Bob' } }],
              },
              messages: message('2026-10-01T10:00:00.123+00:00'),
            },
          },
        ],
      },
    },
  },
};

describe('the feed and sidebar checks (bench/checks.ts)', () => {
  it('gives the same lines for the same data in the gateway shape and PostGraphile shape', () => {
    const expected = { posts: 1, comments: 3 };
    expect(checkFeed(postgraphileFeed, expected)).toEqual(checkFeed(gatewayFeed, expected));
    expect(checkSidebar(postgraphileSidebar, { conversations: 1 })).toEqual(
      checkSidebar(gatewaySidebar, { conversations: 1 }),
    );
  });

  it('fails a page with the wrong number of rows, missing comments or a nameless participant', () => {
    expect(() => checkFeed(gatewayFeed, { posts: 20, comments: 3 })).toThrow(/expected 20 posts/);
    const short = structuredClone(gatewayFeed);
    short.data.posts.edges[0].node.comments.edges.pop();
    expect(() => checkFeed(short, { posts: 1, comments: 3 })).toThrow(/expected 2 of its 2 comments/);
    const nameless = structuredClone(gatewaySidebar);
    nameless.data.viewer.conversations.edges[0].node.participants[1] = { displayName: null as unknown as string };
    expect(() => checkSidebar(nameless, { conversations: 1 })).toThrow(/participant without a name/);
  });

  it('tells different data apart', () => {
    const other = structuredClone(gatewaySidebar);
    other.data.viewer.conversations.edges[0].node.messages = message('2026-10-01T10:00:00.124Z');
    expect(checkSidebar(other, { conversations: 1 })).not.toEqual(checkSidebar(gatewaySidebar, { conversations: 1 }));
  });
});
