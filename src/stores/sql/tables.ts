/**
 * The tables the read path queries without Prisma (see select.ts), with the column behind
 * each field of the generated Prisma model and its kind. The rows they produce have exactly
 * the shape of the Prisma models (Date for instants and days, Decimal, bigint), so the
 * mappers to GraphQL nodes take either.
 */
import type { ColdModels } from '../cold/index.js';
import type { HotModels } from '../hot/index.js';

/**
 * instant: DATETIME2(3) / TIMESTAMPTZ(3), a Date; day: DATE, a Date at midnight UTC (as
 * Prisma gives it); decimal: DECIMAL(18,4), a Prisma Decimal; bigint: a bigint.
 */
export type ColumnKind = 'int' | 'text' | 'instant' | 'day' | 'decimal' | 'bigint' | 'boolean';

/** A table of any row type, for code that reads its columns by name (the SQL builder). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Table<Row> is invariant in Row: only any admits every table
export type AnyTable = Table<any>;

export interface Table<Row> {
  readonly name: string;
  /** Field of the row -> [column, kind]. */
  readonly columns: { readonly [Field in keyof Row & string]: readonly [column: string, kind: ColumnKind] };
  /** Never set: carries the row type to the reader. */
  readonly row?: Row;
}

const table = <Row>(name: string, columns: Table<Row>['columns']): Table<Row> => ({ name, columns });

export const hotTables = {
  users: table<HotModels.UserModel>('users', {
    id: ['id', 'int'],
    username: ['username', 'text'],
    displayName: ['display_name', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  stocks: table<HotModels.StockModel>('stocks', {
    id: ['id', 'int'],
    symbol: ['symbol', 'text'],
    name: ['name', 'text'],
    market: ['market', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  conversations: table<HotModels.ConversationModel>('conversations', {
    id: ['id', 'int'],
    title: ['title', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  participants: table<HotModels.ConversationParticipantModel>('conversation_participants', {
    conversationId: ['conversation_id', 'int'],
    userId: ['user_id', 'int'],
    joinedAt: ['joined_at', 'instant'],
  }),
  messages: table<HotModels.MessageModel>('messages', {
    id: ['id', 'int'],
    conversationId: ['conversation_id', 'int'],
    senderId: ['sender_id', 'int'],
    content: ['content', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  posts: table<HotModels.PostModel>('posts', {
    id: ['id', 'int'],
    authorId: ['author_id', 'int'],
    title: ['title', 'text'],
    body: ['body', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  comments: table<HotModels.CommentModel>('comments', {
    id: ['id', 'int'],
    postId: ['post_id', 'int'],
    authorId: ['author_id', 'int'],
    body: ['body', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  likes: table<HotModels.PostLikeModel>('post_likes', {
    id: ['id', 'int'],
    postId: ['post_id', 'int'],
    userId: ['user_id', 'int'],
    createdAt: ['created_at', 'instant'],
  }),
  prices: table<HotModels.StockPriceModel>('stock_prices', { ...priceColumns(), id: ['id', 'int'] }),
} as const;

export const coldTables = {
  messages: table<ColdModels.MessageArchiveModel>('messages_archive', {
    ...archived(),
    conversationId: ['conversation_id', 'int'],
    senderId: ['sender_id', 'int'],
    content: ['content', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  posts: table<ColdModels.PostArchiveModel>('posts_archive', {
    ...archived(),
    authorId: ['author_id', 'int'],
    title: ['title', 'text'],
    body: ['body', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  comments: table<ColdModels.CommentArchiveModel>('comments_archive', {
    ...archived(),
    postId: ['post_id', 'int'],
    authorId: ['author_id', 'int'],
    body: ['body', 'text'],
    createdAt: ['created_at', 'instant'],
  }),
  likes: table<ColdModels.PostLikeArchiveModel>('post_likes_archive', {
    ...archived(),
    postId: ['post_id', 'int'],
    userId: ['user_id', 'int'],
    createdAt: ['created_at', 'instant'],
  }),
  prices: table<ColdModels.StockPriceHistoryModel>('stock_prices_history', { ...priceColumns(), ...archived() }),
} as const;

function archived() {
  return { id: ['id', 'bigint'], originalId: ['original_id', 'int'], archivedAt: ['archived_at', 'instant'] } as const;
}

function priceColumns() {
  return {
    stockId: ['stock_id', 'int'],
    tradeDate: ['trade_date', 'day'],
    open: ['open', 'decimal'],
    high: ['high', 'decimal'],
    low: ['low', 'decimal'],
    close: ['close', 'decimal'],
    change: ['change', 'decimal'],
    volume: ['volume', 'bigint'],
    turnover: ['turnover', 'bigint'],
    transactionCount: ['transaction_count', 'int'],
    createdAt: ['created_at', 'instant'],
  } as const;
}
