/**
 * Live delivery's two statements on the SQL Server path, which cannot run here: the serialised
 * append (stores/hot/append-message.ts) through the real SQL Server Prisma client, and the
 * feed's one statement for all watched conversations (stores/sql/feed.ts) through the reader,
 * both over a recording driver adapter.
 */
import { beforeEach, describe, expect, it } from 'vitest';
import { appendMessage } from '../../src/stores/hot/append-message.js';
import { createHotClient } from '../../src/stores/hot/index.js';
import { FEED_JOIN, feedStatement, type FeedRow } from '../../src/stores/sql/feed.js';
import { createSqlReader } from '../../src/stores/sql/reader.js';
import { createRecordingAdapter, mssqlRow, resultSet, type RecordedStatement } from '../support/recording-adapter.js';

const AT = new Date('2026-12-02T10:11:12.345Z');

function respond(statement: RecordedStatement) {
  if (statement.sql.includes('WITH (UPDLOCK, ROWLOCK)')) return resultSet([['id', 'int']], [[7]]);
  if (statement.sql.startsWith('INSERT INTO [dbo].[messages]'))
    return resultSet(
      [
        ['id', 'int'],
        ['conversation_id', 'int'],
        ['sender_id', 'int'],
        ['content', 'nvarchar'],
        ['created_at', 'datetime2'],
      ],
      [mssqlRow([501, 7, 3, 'hello', AT])],
    );
  if (statement.sql.includes('OPENJSON'))
    return resultSet(
      [['rows', 'nvarchar']],
      [
        [
          JSON.stringify([
            {
              id: 501,
              conversationId: 7,
              senderId: 3,
              content: 'hello',
              createdAt: '2026-12-02T10:11:12.345',
              sender$id: 3,
              sender$username: 'eve',
              sender$displayName: 'Eve',
              sender$createdAt: '2026-01-01T00:00:00.000',
            },
          ]),
        ],
      ],
    );
  return undefined;
}

const adapter = createRecordingAdapter({ respond });
const compact = (sql: string) => sql.replace(/\s+/g, ' ').trim();

beforeEach(() => adapter.reset());

describe('live delivery on SQL Server (T-SQL as recorded)', () => {
  it('appends a message under the conversation row lock, never older than its newest message', async () => {
    const stored = await appendMessage(createHotClient(adapter), 'sqlserver', {
      conversationId: 7,
      senderId: 3,
      content: 'hello',
      now: AT,
    });
    expect(stored).toEqual({ id: 501, conversationId: 7, senderId: 3, content: 'hello', createdAt: AT });
    const log = adapter.log.map((entry) => `${entry.kind} ${compact(entry.sql)}`);
    expect(log[0]).toBe('begin BEGIN TRANSACTION');
    expect(log[1]).toBe('query SELECT [id] FROM [dbo].[conversations] WITH (UPDLOCK, ROWLOCK) WHERE [id] = @P1');
    expect(log[2]).toMatch(/^query INSERT INTO \[dbo\]\.\[messages\] .* OUTPUT INSERTED\.\[id\]/);
    expect(log[2]).toContain(
      'CASE WHEN m.[newest] > CAST(@P4 AS datetime2(3)) THEN m.[newest] ELSE CAST(@P4 AS datetime2(3)) END',
    );
    expect(log[2]).toContain(
      'SELECT MAX([created_at]) AS [newest] FROM [dbo].[messages] WHERE [conversation_id] = @P1',
    );
    expect(log.at(-1)).toBe('commit COMMIT TRANSACTION');
    // The instant travels as DATETIME2 text in UTC: no driver applies a zone of its own.
    expect(adapter.statements()[1].args).toEqual([7, 3, 'hello', '2026-12-02 10:11:12.345']);
  });

  it('reads every watched conversation in one statement with two parameters, however many there are', async () => {
    const positions = Array.from({ length: 5000 }, (_, i) => ({ conversationId: i + 1, createdAt: AT, id: 10 + i }));
    const rows = await createSqlReader(adapter).query<FeedRow>(feedStatement('sqlserver', positions, 100), FEED_JOIN);
    const [statement] = adapter.statements();
    expect(adapter.statements()).toHaveLength(1);
    expect(statement.args).toHaveLength(2);
    expect(statement.args[1]).toBe(100);
    expect(JSON.parse(statement.args[0] as string)[0]).toEqual([1, '2026-12-02 10:11:12.345', 10]);
    const sql = compact(statement.sql);
    expect(sql).toContain(
      "FROM OPENJSON(@P1) WITH ([conversation_id] int '$[0]', [created_at] datetime2(3) '$[1]', [id] int '$[2]') w",
    );
    expect(sql).toContain('CROSS APPLY (SELECT TOP (@P2) x.* FROM [dbo].[messages] x');
    // No row values in T-SQL: the keyset as a leading bound and a disjunction.
    expect(sql).toContain(
      'x.[created_at] >= w.[created_at] AND (x.[created_at] > w.[created_at] OR (x.[created_at] = w.[created_at] AND x.[id] > w.[id]))',
    );
    expect(sql).toContain('ORDER BY m.[conversation_id], m.[created_at], m.[id] FOR JSON PATH, INCLUDE_NULL_VALUES');
    expect(rows).toEqual([
      {
        id: 501,
        conversationId: 7,
        senderId: 3,
        content: 'hello',
        createdAt: AT,
        sender$id: 3,
        sender$username: 'eve',
        sender$displayName: 'Eve',
        sender$createdAt: new Date('2026-01-01T00:00:00.000Z'),
        sender: { id: 3, username: 'eve', displayName: 'Eve', createdAt: new Date('2026-01-01T00:00:00.000Z') },
      },
    ]);
  });
});
