/** Every operation the app sends, with the shapes it reads (hand-written from the contract). */
import { gql, type TypedDocumentNode } from '@apollo/client';

export type Tier = 'HOT' | 'COLD';

interface PageInfo {
  hasNextPage: boolean;
  endCursor: string | null;
}

interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: PageInfo;
}

export interface ConversationSummary {
  id: string;
  title: string;
}

export const CONVERSATIONS: TypedDocumentNode<
  { viewer: { id: string; conversations: Connection<ConversationSummary> } | null },
  Record<string, never>
> = gql`
  query WebConversations {
    viewer {
      id
      conversations(first: 20) {
        edges {
          cursor
          node {
            id
            title
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

/** Analysts and admins have no conversations of their own: they read the demo user's. */
export const USER_CONVERSATIONS: TypedDocumentNode<
  { user: { id: string; conversations: Connection<ConversationSummary> } | null },
  { username: string }
> = gql`
  query WebUserConversations($username: String!) {
    user(username: $username) {
      id
      conversations(first: 20) {
        edges {
          cursor
          node {
            id
            title
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export interface ChatMessage {
  __typename?: 'Message';
  id: string;
  databaseId: number;
  content: string;
  createdAt: string;
  tier: Tier;
  archivedAt: string | null;
  sender: { id: string; displayName: string };
}

export const MESSAGE_FIELDS = gql`
  fragment WebMessage on Message {
    id
    databaseId
    content
    createdAt
    tier
    archivedAt
    sender {
      id
      displayName
    }
  }
`;

/** Newest first: `first` opens at the newest messages, `after` pages back in time (hot, then cold). */
export const MESSAGES: TypedDocumentNode<
  {
    conversation: {
      id: string;
      title: string;
      messages: Connection<ChatMessage> & { totalCount: number };
    } | null;
  },
  { id: string; first: number; after?: string | null }
> = gql`
  ${MESSAGE_FIELDS}
  query WebMessages($id: ID!, $first: Int!, $after: String) {
    conversation(id: $id) {
      id
      title
      messages(first: $first, after: $after) {
        totalCount
        edges {
          cursor
          node {
            ...WebMessage
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export const SEND_MESSAGE: TypedDocumentNode<
  { sendMessage: ChatMessage & { conversation: { id: string } } },
  { conversationId: string; content: string }
> = gql`
  ${MESSAGE_FIELDS}
  mutation WebSendMessage($conversationId: ID!, $content: String!) {
    sendMessage(conversationId: $conversationId, content: $content) {
      ...WebMessage
      conversation {
        id
      }
    }
  }
`;

/** Each message of the conversation newer than `after`, then each one as it is sent (graphql-ws). */
export const MESSAGE_ADDED: TypedDocumentNode<
  { messageAdded: { cursor: string; node: ChatMessage } },
  { conversationId: string; after: string | null }
> = gql`
  ${MESSAGE_FIELDS}
  subscription WebMessageAdded($conversationId: ID!, $after: String) {
    messageAdded(conversationId: $conversationId, after: $after) {
      cursor
      node {
        ...WebMessage
      }
    }
  }
`;

export interface FeedComment {
  id: string;
  body: string;
  tier: Tier;
  author: { id: string; displayName: string };
}

export interface FeedPost {
  id: string;
  title: string;
  body: string;
  createdAt: string;
  tier: Tier;
  likeCount: number;
  commentCount: number;
  author: { id: string; displayName: string };
  comments: Connection<FeedComment>;
}

export const FEED: TypedDocumentNode<{ posts: Connection<FeedPost> }, { first: number; after?: string | null }> = gql`
  query WebFeed($first: Int!, $after: String) {
    posts(first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          title
          body
          createdAt
          tier
          likeCount
          commentCount
          author {
            id
            displayName
          }
          comments(first: 5) {
            edges {
              cursor
              node {
                id
                body
                tier
                author {
                  id
                  displayName
                }
              }
            }
            pageInfo {
              hasNextPage
              endCursor
            }
          }
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export const STOCKS: TypedDocumentNode<
  { stocks: Connection<{ id: string; symbol: string; name: string }> },
  Record<string, never>
> = gql`
  query WebStocks {
    stocks(first: 50) {
      edges {
        cursor
        node {
          id
          symbol
          name
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

export interface DailyPrice {
  id: string;
  tradeDate: string;
  close: string | null;
  tier: Tier;
}

export const DAILY_PRICES: TypedDocumentNode<
  { stock: { id: string; symbol: string; prices: Connection<DailyPrice> } | null },
  { symbol: string; from: string; after?: string | null }
> = gql`
  query WebDailyPrices($symbol: String!, $from: Date!, $after: String) {
    stock(symbol: $symbol) {
      id
      symbol
      prices(from: $from, first: 100, after: $after) {
        edges {
          cursor
          node {
            id
            tradeDate
            close
            tier
          }
        }
        pageInfo {
          hasNextPage
          endCursor
        }
      }
    }
  }
`;

export type CandleInterval = 'WEEK' | 'MONTH';

export interface Candle {
  period: string;
  open: string | null;
  high: string | null;
  low: string | null;
  close: string | null;
  tradingDays: number;
}

/** Stock.candles of the contract; sent only once the schema is known to have it (stock-chart.tsx). */
export const CANDLES: TypedDocumentNode<
  { stock: { id: string; candles: Candle[] } | null },
  { symbol: string; interval: CandleInterval; from: string }
> = gql`
  query WebCandles($symbol: String!, $interval: CandleInterval!, $from: Date!) {
    stock(symbol: $symbol) {
      id
      candles(interval: $interval, from: $from) {
        period
        open
        high
        low
        close
        tradingDays
      }
    }
  }
`;

/** Whether the gateway serves Stock.candles yet (introspection, on outside production). */
export const STOCK_FIELDS: TypedDocumentNode<
  { __type: { fields: { name: string }[] | null } | null },
  Record<string, never>
> = gql`
  query WebStockFields {
    __type(name: "Stock") {
      fields {
        name
      }
    }
  }
`;

export interface ArchivalRun {
  id: string;
  kind: 'ARCHIVE' | 'RESTORE';
  status: string;
  dryRun: boolean;
  cutoff: string;
  startedAt: string;
  finishedAt: string | null;
  messages: number;
  posts: number;
  comments: number;
  likes: number;
  stockPrices: number;
}

export const ARCHIVE_STATUS: TypedDocumentNode<
  {
    archiveStatus: { watermark: string | null; oldestHotRecordAt: string | null };
    archivalRuns: Connection<ArchivalRun>;
  },
  Record<string, never>
> = gql`
  query WebArchiveStatus {
    archiveStatus {
      watermark
      oldestHotRecordAt
    }
    archivalRuns(first: 5) {
      edges {
        cursor
        node {
          id
          kind
          status
          dryRun
          cutoff
          startedAt
          finishedAt
          messages
          posts
          comments
          likes
          stockPrices
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

/** The watermark alone, for the chart (analysts and admins; others see the tier boundary). */
export const WATERMARK: TypedDocumentNode<{ archiveStatus: { watermark: string | null } }, Record<string, never>> = gql`
  query WebWatermark {
    archiveStatus {
      watermark
    }
  }
`;
