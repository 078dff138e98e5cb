/**
 * Appends a message to a conversation so that, within the conversation, commit order is
 * (createdAt, id) order. Live delivery (README "Live chat") rests on this: a process that has
 * read the conversation's messages up to a key has read every message that will ever have a
 * smaller one, so following new messages by keyset misses none.
 *
 * How: one transaction that first locks the conversation's row (PostgreSQL FOR NO KEY UPDATE,
 * which does not block the foreign-key checks of other writes; SQL Server UPDLOCK), then
 * inserts with createdAt = max(now, the conversation's newest createdAt). Two senders of one
 * conversation therefore commit one after the other, the second with a key above the first's
 * (same instant: a higher identity value), whatever the clocks of the gateway processes. Two
 * conversations never wait for each other.
 *
 * Cost: two statements in a transaction instead of one INSERT; the max is an index seek on
 * (conversation_id, created_at, id).
 */
import type { HotModels } from './index.js';
import type { HotClient, HotEngine } from './index.js';

export interface NewMessage {
  readonly conversationId: number;
  readonly senderId: number;
  readonly content: string;
  /** The writer's clock; the stored instant is never older than the conversation's newest. */
  readonly now: Date;
}

interface Inserted {
  id: number;
  conversation_id: number;
  sender_id: number;
  content: string;
  created_at: Date;
}

export const APPEND_MESSAGE_SQL: Readonly<Record<HotEngine, { readonly lock: string; readonly insert: string }>> = {
  postgresql: {
    lock: 'SELECT id FROM conversations WHERE id = $1::int FOR NO KEY UPDATE',
    insert:
      'INSERT INTO messages (conversation_id, sender_id, content, created_at) ' +
      'SELECT $1::int, $2::int, $3::text, GREATEST($4::timestamptz, ' +
      '(SELECT max(created_at) FROM messages WHERE conversation_id = $1::int)) ' +
      'RETURNING id, conversation_id, sender_id, content, created_at',
  },
  sqlserver: {
    lock: 'SELECT [id] FROM [dbo].[conversations] WITH (UPDLOCK, ROWLOCK) WHERE [id] = @P1',
    insert:
      'INSERT INTO [dbo].[messages] ([conversation_id], [sender_id], [content], [created_at]) ' +
      'OUTPUT INSERTED.[id], INSERTED.[conversation_id], INSERTED.[sender_id], INSERTED.[content], INSERTED.[created_at] ' +
      'SELECT @P1, @P2, @P3, CASE WHEN m.[newest] > CAST(@P4 AS datetime2(3)) THEN m.[newest] ELSE CAST(@P4 AS datetime2(3)) END ' +
      'FROM (SELECT MAX([created_at]) AS [newest] FROM [dbo].[messages] WHERE [conversation_id] = @P1) m',
  },
};

/** The stored message; null when the conversation does not exist. */
export async function appendMessage(
  client: HotClient,
  engine: HotEngine,
  message: NewMessage,
): Promise<HotModels.MessageModel | null> {
  const sql = APPEND_MESSAGE_SQL[engine];
  // GREATEST ignores a NULL max (no message yet); the T-SQL CASE falls to @P4 for it.
  const now =
    engine === 'postgresql' ? message.now.toISOString() : message.now.toISOString().replace('T', ' ').replace('Z', '');
  return client.$transaction(async (tx) => {
    const locked = await tx.$queryRawUnsafe<{ id: number }[]>(sql.lock, message.conversationId);
    if (locked.length === 0) return null;
    const [row] = await tx.$queryRawUnsafe<Inserted[]>(
      sql.insert,
      message.conversationId,
      message.senderId,
      message.content,
      now,
    );
    if (!row) throw new Error('INSERT … RETURNING returned no row');
    return {
      id: Number(row.id),
      conversationId: Number(row.conversation_id),
      senderId: Number(row.sender_id),
      content: row.content,
      createdAt: row.created_at instanceof Date ? row.created_at : new Date(`${String(row.created_at)}Z`),
    };
  });
}
