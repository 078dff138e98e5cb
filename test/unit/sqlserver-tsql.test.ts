/**
 * The SQL Server path, which cannot run here: the real resolvers execute over the SQL Server
 * Prisma client on a recording driver adapter, and the T-SQL it would send is checked.
 */
import { graphql, type GraphQLSchema } from 'graphql';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { ArchiveBounds } from '../../src/archival/bounds.js';
import { ANONYMOUS, type Viewer } from '../../src/auth/viewer.js';
import { createContext } from '../../src/graphql/context.js';
import { toGlobalId } from '../../src/graphql/node/global-id.js';
import { encodeCursor } from '../../src/graphql/pagination/cursor.js';
import { candleStatement } from '../../src/stores/sql/candles.js';
import { hotPriceDelete } from '../../src/archival/hot-price-deletes.js';
import { DecimalNumber } from '../../src/stores/decimal.js';
import { buildGatewaySchema } from '../../src/graphql/schema.js';
import { createLoaders, MAX_BATCH_SIZE, type LoaderStores } from '../../src/graphql/loaders/index.js';
import { createSqlReader } from '../../src/stores/sql/reader.js';
import { hotTables } from '../../src/stores/sql/tables.js';
import type { ColdClient } from '../../src/stores/cold/index.js';
import { createHotClient, insertWithIds, type HotClient } from '../../src/stores/hot/index.js';
import { createRecordingAdapter, mssqlRow, resultSet, type RecordedStatement } from '../support/recording-adapter.js';

/** SQL Server refuses statements with more than 2100 parameters. */
const SQL_SERVER_MAX_PARAMETERS = 2100;
const CREATED = new Date('2026-01-02T03:04:05.678Z');

const stockRows = [
  [1, '2330', 'TSMC', 'TWSE', CREATED],
  [2, '2454', 'MediaTek', 'TWSE', CREATED],
  [3, '3008', 'Largan', 'TWSE', CREATED],
];

/** Partial candles as SQL Server's FOR JSON would answer them: decimals and sums as text. */
const candlePartials = [
  {
    stockId: 1,
    period: '2026-01-05',
    day: null,
    firstTradeDate: '2026-01-05',
    lastTradeDate: '2026-01-09',
    open: '612.5000',
    high: '640.0000',
    low: '600.1250',
    close: '633.0000',
    volume: '12000',
    turnover: '9007199254740993',
    tradingDays: 5,
  },
  {
    stockId: 1,
    period: '2026-01-12',
    day: null,
    firstTradeDate: '2026-01-13',
    lastTradeDate: '2026-01-13',
    open: null,
    high: null,
    low: null,
    close: '650.0000',
    volume: null,
    turnover: null,
    tradingDays: 1,
  },
  {
    stockId: 3,
    period: '2026-01-05',
    day: null,
    firstTradeDate: '2026-01-06',
    lastTradeDate: '2026-01-06',
    open: '2100.0000',
    high: '2100.0000',
    low: '2100.0000',
    close: '2100.0000',
    volume: '7',
    turnover: '14700',
    tradingDays: 1,
  },
];

function respond(statement: RecordedStatement) {
  if (statement.sql.includes('AS [tradingDays]')) {
    return resultSet([['rows', 'nvarchar']], [[JSON.stringify(candlePartials)]]);
  }
  if (statement.sql.startsWith('SELECT COUNT(*)')) return resultSet([['_count$_all', 'int']], [[50]]);
  if (statement.sql.includes('FROM [dbo].[stocks]')) {
    return resultSet(
      [
        ['id', 'int'],
        ['symbol', 'nvarchar'],
        ['name', 'nvarchar'],
        ['market', 'nvarchar'],
        ['created_at', 'datetime2'],
      ],
      stockRows.map(mssqlRow),
    );
  }
  if (statement.sql.includes('FROM [dbo].[users]')) {
    // The read path's statements answer one JSON value (FOR JSON PATH), DATETIME2 without a zone.
    const ids = statement.args.filter((arg): arg is number => typeof arg === 'number');
    const users = ids.map((id) => ({
      id,
      username: `user${id}`,
      displayName: `User ${id}`,
      createdAt: CREATED.toISOString().replace('Z', ''),
    }));
    return resultSet([['rows', 'nvarchar']], [[JSON.stringify(users)]]);
  }
  if (statement.sql.includes('FROM [dbo].[conversations]')) {
    return resultSet(
      [['rows', 'nvarchar']],
      [[JSON.stringify([{ id: 7, title: 'Chips', createdAt: '2026-01-02T03:04:05.678' }])]],
    );
  }
  if (statement.sql.includes('FROM [dbo].[conversation_participants]')) {
    // Each participant with its user joined, as FOR JSON names a join's fields.
    const participants = [5, 9].map((userId) => ({
      conversationId: 7,
      userId,
      joinedAt: CREATED.toISOString().replace('Z', ''),
      user$id: userId,
      user$username: `user${userId}`,
      user$displayName: `User ${userId}`,
      user$createdAt: CREATED.toISOString().replace('Z', ''),
    }));
    return resultSet([['rows', 'nvarchar']], [[JSON.stringify(participants)]]);
  }
  // No rows: FOR JSON answers NULL.
  if (statement.sql.includes('FROM [dbo].[messages]')) return resultSet([['rows', 'nvarchar']], [[null]]);
  if (statement.sql.includes('FROM [dbo].[stock_prices]')) return pricesResponse(statement);
  return undefined;
}

/**
 * Prices per stock, as the database would answer the windowed statement: stock 1 has three
 * days, stock 2 one, stock 3 none; each stock's rows newest first, at most TOP per stock.
 */
const PRICE_DAYS: Record<number, string[]> = { 1: ['2026-01-05', '2026-01-02', '2026-01-01'], 2: ['2026-01-02'] };
function pricesResponse(statement: RecordedStatement) {
  const stocks = statement.args.filter((arg): arg is number => typeof arg === 'number');
  if (statement.sql.includes('GROUP BY')) {
    const counts = stocks.filter((id) => PRICE_DAYS[id]).map((id) => ({ k: id, n: PRICE_DAYS[id].length }));
    return resultSet([['rows', 'nvarchar']], [[counts.length ? JSON.stringify(counts) : null]]);
  }
  const top = stocks.at(-1)!;
  const rows = stocks.slice(0, -1).flatMap((stockId) =>
    (PRICE_DAYS[stockId] ?? []).slice(0, top).map((day, i) => ({
      id: stockId * 100 + i,
      stockId,
      tradeDate: day,
      open: '600.0000',
      high: '610.0000',
      low: '590.0000',
      close: `${600 + i}.5000`,
      change: '1.0000',
      volume: '1000',
      turnover: '600000',
      transactionCount: 10,
      createdAt: CREATED.toISOString().replace('Z', ''),
    })),
  );
  return resultSet([['rows', 'nvarchar']], [[rows.length ? JSON.stringify(rows) : null]]);
}

const adapter = createRecordingAdapter({ respond });
const hot: HotClient = createHotClient(adapter);
const hotSql = createSqlReader(adapter);
const stores = (): LoaderStores => ({ hot, cold: noCold, hotSql, coldSql: null });
const noCold = new Proxy(
  {},
  {
    get: () => {
      throw new Error('the cold store must not be used by these queries');
    },
  },
) as ColdClient;
const noBounds: ArchiveBounds = { get: async () => ({ coldBefore: null, hotFrom: null }), invalidate: () => undefined };
let schema: GraphQLSchema;

async function run(source: string, viewer: Viewer = ANONYMOUS) {
  const result = await graphql({
    schema,
    source,
    contextValue: createContext({ ...stores(), bounds: noBounds }, viewer),
  });
  expect(result.errors).toBeUndefined();
  return result.data as Record<string, any>;
}

const statements = () => adapter.statements();
const compact = (sql: string) => sql.replace(/\[dbo\]\.\[(\w+)\]\./g, '').replace(/\s+/g, ' ');

beforeAll(async () => {
  schema = await buildGatewaySchema();
});

beforeEach(() => adapter.reset());

describe('hot store T-SQL', () => {
  it('pages stocks by (symbol, id) with OFFSET/FETCH and no row-value comparison', async () => {
    const data = await run(
      '{ stocks(first: 2) { edges { node { symbol market } } pageInfo { hasNextPage } totalCount } }',
    );
    expect(data.stocks.edges.map((e: any) => e.node.symbol)).toEqual(['2330', '2454']);
    expect(data.stocks.pageInfo.hasNextPage).toBe(true);
    expect(data.stocks.totalCount).toBe(50);
    const [page, count] = statements();
    expect(compact(page.sql)).toBe(
      'SELECT [id], [symbol], [name], [market], [created_at] FROM [dbo].[stocks] WHERE 1=1 ORDER BY [symbol] ASC, [id] ASC OFFSET @P1 ROWS FETCH NEXT @P2 ROWS ONLY',
    );
    expect(page.args).toEqual(['0', '3']);
    expect(compact(count.sql)).toBe(
      'SELECT COUNT(*) AS [_count$_all] FROM (SELECT [id] FROM [dbo].[stocks] WHERE 1=1) AS [sub]',
    );
  });

  it('expresses the keyset after a cursor as a range bound plus OR / AND predicates', async () => {
    await run(
      `{ stocks(first: 2, after: "${encodeCursor('stocks:symbol', ['2454', 2])}") { edges { node { symbol } } } }`,
    );
    // The leading >= bounds the index seek at the cursor; the OR picks the rows after it.
    expect(compact(statements()[0].sql)).toContain(
      'WHERE ([symbol] >= @P1 AND ([symbol] > @P2 OR ([symbol] = @P3 AND [id] > @P4))) ORDER BY [symbol] ASC, [id] ASC',
    );
    expect(statements()[0].args.slice(0, 4)).toEqual(['2454', '2454', '2454', 2]);
  });

  it('pages backward by reversing the order', async () => {
    await run(
      `{ stocks(last: 2, before: "${encodeCursor('stocks:symbol', ['3008', 3])}") { edges { node { symbol } } } }`,
    );
    expect(compact(statements()[0].sql)).toContain(
      'WHERE ([symbol] <= @P1 AND ([symbol] < @P2 OR ([symbol] = @P3 AND [id] < @P4))) ORDER BY [symbol] DESC, [id] DESC',
    );
  });

  it('does not count unless totalCount is selected', async () => {
    await run('{ stocks(first: 2) { edges { node { symbol } } } }');
    expect(statements()).toHaveLength(1);
  });

  it('resolves nodes of one type in one statement', async () => {
    const ids = [5, 3, 9].map((id) => toGlobalId('User', id));
    const data = await run(`{ nodes(ids: ${JSON.stringify(ids)}) { id ... on User { username } } }`);
    expect(data.nodes.map((n: any) => n.username)).toEqual(['user5', 'user3', 'user9']);
    expect(statements()).toHaveLength(1);
    expect(statements()[0].sql).toBe(
      'SELECT (SELECT t0.[id] AS [id], t0.[username] AS [username], t0.[display_name] AS [displayName], t0.[created_at] AS [createdAt] FROM [dbo].[users] t0 WHERE t0.[id] IN (@P1, @P2, @P3) FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]',
    );
    expect(statements()[0].args).toEqual([5, 3, 9]);
  });

  it('splits a large DataLoader batch into statements of at most 1000 ids', async () => {
    const loaders = createLoaders(stores());
    const ids = Array.from({ length: 2500 }, (_, i) => i + 1);
    const users = await loaders.userById.loadMany(ids);
    expect(users).toHaveLength(2500);
    expect(statements().map((s) => s.args.length)).toEqual([MAX_BATCH_SIZE, MAX_BATCH_SIZE, 500]);
  });

  it("sends a request's reads of one turn as one statement: each a derived table, its parameters renumbered", async () => {
    const loaders = createLoaders({ ...stores(), hotSql: hotSql.forRequest() });
    const [likes, comments, user] = await Promise.all([
      loaders.likeCount.loadMany([1, 2]),
      loaders.commentCount.loadMany([1, 2]),
      loaders.userById.load(5),
    ]);
    expect([likes, comments, user?.username]).toEqual([[0, 0], [0, 0], 'user5']);
    expect(statements()).toHaveLength(1);
    const count = (table: string, first: number) =>
      `SELECT (SELECT t0.[post_id] AS [k], COUNT(*) AS [n] FROM [dbo].[${table}] t0 WHERE t0.[post_id] IN (@P${first}, @P${first + 1}) GROUP BY t0.[post_id] FOR JSON PATH) AS [rows]`;
    expect(statements()[0].sql).toBe(
      `SELECT * FROM (${count('post_likes', 1)}) AS c0 CROSS JOIN (${count('comments', 3)}) AS c1 CROSS JOIN (` +
        'SELECT (SELECT t0.[id] AS [id], t0.[username] AS [username], t0.[display_name] AS [displayName], t0.[created_at] AS [createdAt] FROM [dbo].[users] t0 WHERE t0.[id] IN (@P5) FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]) AS c2',
    );
    expect(statements()[0].args).toEqual([1, 2, 1, 2, 5]);
    expect(adapter.reads().map((read) => read.args)).toEqual([[1, 2], [1, 2], [5]]);
  });

  it('combines no more parameters than SQL Server takes in one statement', async () => {
    const users = await createLoaders({ ...stores(), hotSql: hotSql.forRequest() }).userById.loadMany(
      Array.from({ length: 2500 }, (_, i) => i + 1),
    );
    expect(users).toHaveLength(2500);
    expect(adapter.reads().map((read) => read.args.length)).toEqual([MAX_BATCH_SIZE, MAX_BATCH_SIZE, 500]);
    expect(statements().map((statement) => statement.args.length)).toEqual([2 * MAX_BATCH_SIZE, 500]);
    for (const statement of statements()) expect(statement.args.length).toBeLessThanOrEqual(SQL_SERVER_MAX_PARAMETERS);
  });

  it('never sends a statement over the SQL Server parameter limit', async () => {
    await run('{ stocks(first: 100) { edges { node { symbol } } totalCount } }');
    await createLoaders(stores()).userById.loadMany(Array.from({ length: 5000 }, (_, i) => i + 1));
    expect(statements().length).toBeGreaterThan(1);
    for (const statement of statements()) expect(statement.args.length).toBeLessThanOrEqual(SQL_SERVER_MAX_PARAMETERS);
  });

  it('pages messages with their senders in one statement: TOP, the keyset as a bound plus OR / AND, FOR JSON', async () => {
    const after = encodeCursor('conversation.messages:createdAt', [CREATED.getTime(), 42]);
    const source = `{ conversation(id: "${toGlobalId('Conversation', 7)}") { messages(first: 2, after: "${after}") { edges { node { content sender { displayName } } } } } }`;
    const result = await graphql({
      schema,
      source,
      contextValue: createContext({ ...stores(), bounds: noBounds }, { kind: 'admin' }),
    });
    expect(result.errors).toBeUndefined();
    // The page starts with the conversation's lookup (lookahead) and goes in its statement.
    expect(statements()).toHaveLength(1);
    expect(adapter.reads().map((read) => read.sql.includes('FROM [dbo].[conversations]'))).toEqual([true, false]);
    const page = adapter.reads().find((s) => s.sql.includes('FROM [dbo].[messages]'))!;
    expect(page.sql).toBe(
      'SELECT (SELECT TOP (@P4) t0.[id] AS [id], t0.[conversation_id] AS [conversationId], t0.[sender_id] AS [senderId], t0.[content] AS [content], t0.[created_at] AS [createdAt], ' +
        't1.[id] AS [sender$id], t1.[username] AS [sender$username], t1.[display_name] AS [sender$displayName], t1.[created_at] AS [sender$createdAt] ' +
        'FROM [dbo].[messages] t0 JOIN [dbo].[users] t1 ON t1.[id] = t0.[sender_id] ' +
        'WHERE t0.[conversation_id] = @P1 AND t0.[created_at] <= CAST(@P2 AS datetime2(3)) AND (t0.[created_at] < CAST(@P2 AS datetime2(3)) OR (t0.[created_at] = CAST(@P2 AS datetime2(3)) AND t0.[id] < @P3)) ' +
        'ORDER BY t0.[created_at] DESC, t0.[id] DESC FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows], ' +
        // The archive's bounds in the same statement as the page: the reader decides whether to
        // read cold by the bounds that held for these rows (stitched-page.ts).
        '(SELECT [cold_before] AS [coldBefore], [hot_from] AS [hotFrom], [restored_through] AS [restoredThrough] FROM [dbo].[archive_bounds] WHERE [id] = 1 FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES) AS [bounds]',
    );
    // The cursor's instant as DATETIME2 text in UTC (no zone for a driver to apply), the id, TOP first+1.
    expect(page.args).toEqual([7, '2026-01-02 03:04:05.678', 42, 3]);
  });

  it("reads a viewer's conversation, its participants with their users and its page in one statement", async () => {
    const source = `{ conversation(id: "${toGlobalId('Conversation', 7)}") { participants { displayName } messages(first: 2) { edges { node { content } } } } }`;
    const result = await graphql({
      schema,
      source,
      contextValue: createContext({ ...stores(), bounds: noBounds }, { kind: 'user', userId: 5 }),
    });
    expect(result.errors).toBeUndefined();
    expect((result.data as any).conversation.participants).toEqual([
      { displayName: 'User 5' },
      { displayName: 'User 9' },
    ]);
    // The participants, read for the access check beside the conversation and its page, also
    // answer the field: one statement in all.
    expect(statements()).toHaveLength(1);
    const participants = adapter.reads().find((s) => s.sql.includes('FROM [dbo].[conversation_participants]'))!;
    expect(participants.sql).toBe(
      'SELECT (SELECT t0.[conversation_id] AS [conversationId], t0.[user_id] AS [userId], t0.[joined_at] AS [joinedAt], ' +
        't1.[id] AS [user$id], t1.[username] AS [user$username], t1.[display_name] AS [user$displayName], t1.[created_at] AS [user$createdAt] ' +
        'FROM [dbo].[conversation_participants] t0 JOIN [dbo].[users] t1 ON t1.[id] = t0.[user_id] ' +
        'WHERE t0.[conversation_id] IN (@P1) ORDER BY t0.[joined_at] ASC, t0.[user_id] ASC FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]',
    );
    expect(participants.args).toEqual([7]);
  });

  it('pages a nested connection for every parent in one statement: CROSS APPLY over the parents, TOP per parent', async () => {
    const data = await run(
      '{ stocks(first: 3) { edges { node { symbol prices(first: 2) { totalCount edges { node { tradeDate close } } pageInfo { hasNextPage endCursor } } } } } }',
    );
    const prices = data.stocks.edges.map((e: any) => e.node.prices);
    // Each stock's own page: its rows, its pageInfo and count.
    expect(prices.map((p: any) => p.edges.map((e: any) => e.node.tradeDate))).toEqual([
      ['2026-01-05', '2026-01-02'],
      ['2026-01-02'],
      [],
    ]);
    expect(prices.map((p: any) => p.pageInfo.hasNextPage)).toEqual([true, false, false]);
    expect(prices[2].pageInfo.endCursor).toBeNull();
    expect(prices.map((p: any) => p.totalCount)).toEqual([3, 1, 0]);
    const pages = statements().filter((s) => s.sql.includes('[dbo].[stock_prices]'));
    expect(pages).toHaveLength(2);
    expect(pages[0].sql).toBe(
      'SELECT (SELECT w.* FROM (VALUES (@P1), (@P2), (@P3)) AS p(parent) CROSS APPLY (' +
        'SELECT TOP (@P4) t0.[stock_id] AS [stockId], t0.[trade_date] AS [tradeDate], CAST(t0.[open] AS nvarchar(40)) AS [open], CAST(t0.[high] AS nvarchar(40)) AS [high], CAST(t0.[low] AS nvarchar(40)) AS [low], CAST(t0.[close] AS nvarchar(40)) AS [close], ' +
        'CAST(t0.[change] AS nvarchar(40)) AS [change], CAST(t0.[volume] AS nvarchar(40)) AS [volume], CAST(t0.[turnover] AS nvarchar(40)) AS [turnover], t0.[transaction_count] AS [transactionCount], ' +
        't0.[created_at] AS [createdAt], t0.[id] AS [id] FROM [dbo].[stock_prices] t0 WHERE t0.[stock_id] = p.parent ORDER BY t0.[trade_date] DESC, t0.[id] DESC) w ' +
        'ORDER BY w.[stockId] ASC, w.[tradeDate] DESC, w.[id] DESC FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows], ' +
        // The bounds every parent's cold decision uses, read by the same statement.
        '(SELECT [cold_before] AS [coldBefore], [hot_from] AS [hotFrom], [restored_through] AS [restoredThrough] FROM [dbo].[archive_bounds] WHERE [id] = 1 FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES) AS [bounds]',
    );
    expect(pages[0].args).toEqual([1, 2, 3, 3]);
    // totalCount: one grouped count for the three stocks.
    expect(pages[1].sql).toBe(
      'SELECT (SELECT t0.[stock_id] AS [k], COUNT(*) AS [n] FROM [dbo].[stock_prices] t0 WHERE t0.[stock_id] IN (@P1, @P2, @P3) GROUP BY t0.[stock_id] FOR JSON PATH) AS [rows]',
    );
  });

  it('applies the keyset inside each parent window, and keeps the single-parent statement for one parent', async () => {
    const after = encodeCursor('stock.prices:tradeDate', ['2026-01-05', 100]);
    await run(
      `{ stocks(first: 2) { edges { node { prices(first: 2, after: "${after}") { edges { node { close } } } } } } }`,
    );
    const [nested] = statements().filter((s) => s.sql.includes('[dbo].[stock_prices]'));
    expect(compact(nested.sql)).toContain(
      'FROM [dbo].[stock_prices] t0 WHERE t0.[stock_id] = p.parent AND t0.[trade_date] <= CAST(@P3 AS date) AND (t0.[trade_date] < CAST(@P3 AS date) OR (t0.[trade_date] = CAST(@P3 AS date) AND t0.[id] < @P4)) ORDER BY t0.[trade_date] DESC, t0.[id] DESC) w',
    );
    expect(nested.args).toEqual([1, 2, '2026-01-05', 100, 3]);

    adapter.reset();
    await run('{ stocks(first: 1) { edges { node { prices(first: 2) { edges { node { close } } } } } } }');
    const [single] = statements().filter((s) => s.sql.includes('[dbo].[stock_prices]'));
    expect(single.sql).toMatch(/^SELECT \(SELECT TOP \(@P2\) .* WHERE t0\.\[stock_id\] = @P1 ORDER BY/);
    expect(single.sql).not.toContain('CROSS APPLY');
  });

  it('reads the pages of thousands of parents in statements of at most 1000 parents, under the parameter limit', async () => {
    const loaders = createLoaders(stores());
    const spec = {
      table: hotTables.prices,
      where: [],
      order: { key: 'tradeDate', id: 'id', direction: 'desc' as const },
      take: 2,
    };
    const pages = await Promise.all(
      Array.from({ length: 2500 }, (_, i) => loaders.children.of(hotSql, { field: 'stockId', id: i + 1 }).rows(spec)),
    );
    expect(pages).toHaveLength(2500);
    expect(pages[0]).toHaveLength(2);
    expect(pages[2]).toHaveLength(0);
    expect(statements().map((s) => s.args.length)).toEqual([MAX_BATCH_SIZE + 1, MAX_BATCH_SIZE + 1, 501]);
    for (const statement of statements()) expect(statement.args.length).toBeLessThanOrEqual(SQL_SERVER_MAX_PARAMETERS);
  });

  it('restores rows with their own ids inside IDENTITY_INSERT, in one transaction, skipping only ids already there', async () => {
    // 500 rows of 5 columns: 2500 parameters, so two statements of at most 2000.
    const rows = Array.from({ length: 500 }, (_, i) => [41 + i, 1, 2, `back ${i}`, CREATED]);
    await insertWithIds({ client: hot, sql: hotSql }, 'sqlserver', 'messages', {
      columns: ['id', 'conversation_id', 'sender_id', 'content', 'created_at'],
      pgTypes: ['int', 'int', 'int', 'text', 'timestamptz'],
      rows,
    });
    const log = adapter.log.map((entry) => `${entry.kind} ${compact(entry.sql)}`);
    expect(log[0]).toBe('begin BEGIN TRANSACTION');
    expect(log[1]).toBe('execute SET IDENTITY_INSERT [dbo].[messages] ON');
    // The id is the only conflict skipped (NOT EXISTS on it); any other unique key, e.g. a like's
    // (post_id, user_id), is a violation that fails the statement and the transaction.
    expect(log[2]).toMatch(
      /^execute INSERT INTO \[dbo\]\.\[messages\] \(\[id\], \[conversation_id\], \[sender_id\], \[content\], \[created_at\]\) SELECT v\.\[id\], v\.\[conversation_id\], v\.\[sender_id\], v\.\[content\], v\.\[created_at\] FROM \(VALUES \(@P1, @P2, @P3, @P4, @P5\), \(@P6,/,
    );
    expect(log[2]).toMatch(
      /\) AS v \(\[id\], \[conversation_id\], \[sender_id\], \[content\], \[created_at\]\) WHERE NOT EXISTS \(SELECT 1 FROM \[dbo\]\.\[messages\] t WHERE t\.\[id\] = v\.\[id\]\)$/,
    );
    expect(log[2]).not.toMatch(/ON CONFLICT|IGNORE_DUP_KEY|MERGE/);
    expect(log[4]).toBe('execute SET IDENTITY_INSERT [dbo].[messages] OFF');
    expect(log[5]).toBe('commit COMMIT TRANSACTION');
    const inserts = adapter.statements().filter((entry) => entry.sql.startsWith('INSERT'));
    expect(inserts.map((entry) => entry.args.length)).toEqual([2000, 500]);
    expect(inserts[0].args.slice(0, 4)).toEqual([41, 1, 2, 'back 0']);
  });

  it("deletes a batch of archived prices in one statement, only while every value equals the copy, with the batch's values as one JSON parameter", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) => ({
      id: 7 + i,
      stockId: 1,
      tradeDate: new Date(Date.UTC(2026, 0, 2 + (i % 300))),
      open: new DecimalNumber('612.5000'),
      high: null,
      low: new DecimalNumber('600.125'),
      close: new DecimalNumber('633'),
      change: new DecimalNumber('-1.5'),
      volume: 12_000n,
      turnover: 9_007_199_254_740_993n,
      transactionCount: i,
      createdAt: CREATED,
    }));
    await hotSql.execute(hotPriceDelete('sqlserver', rows, '2026-10-03'));
    const [statement] = adapter.statements();
    expect(adapter.statements()).toHaveLength(1);
    expect(compact(statement.sql)).toBe(
      'DELETE s FROM [dbo].[stock_prices] AS s INNER JOIN OPENJSON(@P1) WITH ([id] INT, [open] DECIMAL(18, 4), ' +
        '[high] DECIMAL(18, 4), [low] DECIMAL(18, 4), [close] DECIMAL(18, 4), [change] DECIMAL(18, 4), [volume] BIGINT, ' +
        '[turnover] BIGINT, [transaction_count] INT) AS c ON s.[id] = c.[id] WHERE s.[trade_date] < @P2 AND ' +
        ['open', 'high', 'low', 'close', 'change', 'volume', 'turnover', 'transaction_count']
          .map((c) => `(s.[${c}] = c.[${c}] OR (s.[${c}] IS NULL AND c.[${c}] IS NULL))`)
          .join(' AND '),
    );
    // Two parameters whatever the batch size; decimals and bigints as exact text.
    expect(statement.args).toHaveLength(2);
    expect(statement.args[1]).toBe('2026-10-03');
    const values = JSON.parse(statement.args[0] as string) as Record<string, unknown>[];
    expect(values).toHaveLength(1000);
    expect(values[1]).toEqual({
      id: 8,
      open: '612.5',
      high: null,
      low: '600.125',
      close: '633',
      change: '-1.5',
      volume: '12000',
      turnover: '9007199254740993',
      transaction_count: '1',
    });
  });
});

describe('hot store T-SQL of candles', () => {
  const CANDLE_SELECT =
    'SELECT (SELECT d.[stock_id] AS [stockId], d.[period] AS [period], d.[day] AS [day], ' +
    'MIN(d.[trade_date]) AS [firstTradeDate], MAX(d.[trade_date]) AS [lastTradeDate], ' +
    // Open and close: the first 8 characters (YYYYMMDD) order by date, the price follows.
    "NULLIF(SUBSTRING(MIN(CONVERT(nchar(8), d.[trade_date], 112) + COALESCE(CAST(d.[open] AS nvarchar(40)), N'')), 9, 40), N'') AS [open], " +
    'CAST(MAX(d.[high]) AS nvarchar(40)) AS [high], CAST(MIN(d.[low]) AS nvarchar(40)) AS [low], ' +
    "NULLIF(SUBSTRING(MAX(CONVERT(nchar(8), d.[trade_date], 112) + COALESCE(CAST(d.[close] AS nvarchar(40)), N'')), 9, 40), N'') AS [close], " +
    'CAST(SUM(d.[volume]) AS nvarchar(40)) AS [volume], CAST(SUM(d.[turnover]) AS nvarchar(40)) AS [turnover], COUNT(*) AS [tradingDays] FROM (';
  const CANDLE_END =
    ') d GROUP BY d.[stock_id], d.[period], d.[day] ORDER BY d.[stock_id], d.[period], d.[day] FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]';
  const COLUMNS =
    't0.[trade_date] AS [trade_date], t0.[open] AS [open], t0.[high] AS [high], t0.[low] AS [low], t0.[close] AS [close], t0.[volume] AS [volume], t0.[turnover] AS [turnover] FROM [dbo].[stock_prices] t0 WHERE ';

  it('aggregates the candles of a list of stocks in one statement, and merges its partials exactly', async () => {
    const data = await run(
      '{ stocks(first: 3) { edges { node { symbol candles(interval: WEEK, from: "2026-01-05", to: "2026-01-18") { period firstTradeDate lastTradeDate open high low close volume turnover tradingDays } } } } }',
    );
    const candles = statements().filter((statement) => statement.sql.includes('[tradingDays]'));
    expect(candles).toHaveLength(1);
    expect(candles[0].sql).toBe(
      CANDLE_SELECT +
        "SELECT t0.[stock_id] AS [stock_id], DATEADD(day, -((DATEDIFF(day, CAST('19000101' AS date), t0.[trade_date]) % 7 + 7) % 7), t0.[trade_date]) AS [period], " +
        'CAST(NULL AS date) AS [day], ' +
        COLUMNS +
        't0.[stock_id] IN (@P1, @P2, @P3) AND t0.[trade_date] >= CAST(@P4 AS date) AND t0.[trade_date] <= CAST(@P5 AS date)' +
        CANDLE_END +
        // The bounds published in hot, read by the same statement: they decide whether to read cold.
        ', (SELECT [cold_before] AS [coldBefore], [hot_from] AS [hotFrom], [restored_through] AS [restoredThrough] FROM [dbo].[archive_bounds] WHERE [id] = 1 FOR JSON PATH, WITHOUT_ARRAY_WRAPPER, INCLUDE_NULL_VALUES) AS [bounds]',
    );
    expect(candles[0].args).toEqual([1, 2, 3, '2026-01-05', '2026-01-18']);
    const [tsmc, mediatek, largan] = data.stocks.edges.map((e: any) => e.node.candles);
    expect(tsmc).toEqual([
      {
        period: '2026-01-05',
        firstTradeDate: '2026-01-05',
        lastTradeDate: '2026-01-09',
        open: '612.50',
        high: '640.00',
        low: '600.125',
        close: '633.00',
        volume: 12000,
        turnover: '9007199254740993',
        tradingDays: 5,
      },
      {
        period: '2026-01-12',
        firstTradeDate: '2026-01-13',
        lastTradeDate: '2026-01-13',
        open: null,
        high: null,
        low: null,
        close: '650.00',
        volume: null,
        turnover: null,
        tradingDays: 1,
      },
    ]);
    expect(mediatek).toEqual([]);
    expect(largan.map((c: any) => c.close)).toEqual(['2100.00']);
  });

  it('starts each interval on its first day, whatever DATEFIRST and the language', () => {
    const period = (unit: 'month' | 'quarter' | 'year') => {
      const sql = candleStatement('sqlserver', { table: hotTables.prices, stockIds: [1], unit }).sql;
      return sql.slice(sql.indexOf('[stock_id], ') + 12, sql.indexOf(' AS [period], CAST(NULL'));
    };
    expect(period('month')).toBe('DATEFROMPARTS(YEAR(t0.[trade_date]), MONTH(t0.[trade_date]), 1)');
    expect(period('quarter')).toBe(
      'DATEFROMPARTS(YEAR(t0.[trade_date]), (DATEPART(quarter, t0.[trade_date]) - 1) * 3 + 1, 1)',
    );
    expect(period('year')).toBe('DATEFROMPARTS(YEAR(t0.[trade_date]), 1, 1)');
  });

  it('groups the days both stores may hold one by one, and clips to a bound below', () => {
    const statement = candleStatement('sqlserver', {
      table: hotTables.prices,
      stockIds: [4],
      unit: 'month',
      from: '2026-01-01',
      before: '2026-02-10',
      perDay: { from: '2026-02-03', before: '2026-02-10' },
    });
    expect(statement.sql).toBe(
      CANDLE_SELECT +
        'SELECT t0.[stock_id] AS [stock_id], DATEFROMPARTS(YEAR(t0.[trade_date]), MONTH(t0.[trade_date]), 1) AS [period], ' +
        'CASE WHEN t0.[trade_date] >= CAST(@P4 AS date) AND t0.[trade_date] < CAST(@P5 AS date) THEN t0.[trade_date] END AS [day], ' +
        COLUMNS +
        't0.[stock_id] IN (@P1) AND t0.[trade_date] >= CAST(@P2 AS date) AND t0.[trade_date] < CAST(@P3 AS date)' +
        CANDLE_END,
    );
    expect(statement.args).toEqual([4, '2026-01-01', '2026-02-10', '2026-02-03', '2026-02-10']);
  });
});
