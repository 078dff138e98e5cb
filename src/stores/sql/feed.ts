/**
 * The live feed's one statement (README "Live chat"): for every watched conversation, its hot
 * messages after that conversation's own (createdAt, id) position, oldest first, at most
 * `perConversation` of each, each with its sender, as one JSON value.
 *
 * - PostgreSQL: the positions as three arrays (`unnest`), a LATERAL keyset range per
 *   conversation on the (conversation_id, created_at, id) index; one statement text for any
 *   number of conversations, so it is prepared once per connection.
 * - SQL Server: the positions as one JSON parameter (`OPENJSON`), so no number of watched
 *   conversations comes near the 2100-parameter limit; CROSS APPLY with TOP per conversation
 *   and the keyset written without row values (select.ts).
 *
 * Rows come back ordered by (conversationId, createdAt, id), so each conversation's rows are a
 * prefix of its new messages: the feed can advance each position to its last row.
 */
import type { ArgType } from '@prisma/driver-adapter-utils';
import type { HotModels } from '../hot/index.js';
import type { Dialect, Statement } from './select.js';
import type { ColumnKind } from './tables.js';

export interface FeedPosition {
  readonly conversationId: number;
  readonly createdAt: Date;
  readonly id: number;
}

/** A new message with its sender; `archivedAt` set when it was read from the cold store. */
export type FeedRow = HotModels.MessageModel & {
  readonly sender: HotModels.UserModel;
  readonly archivedAt?: Date | null;
};

/** The join's fields arrive as `sender$<field>` and are nested under `sender` by the reader. */
export const FEED_JOIN = 'sender';

const KINDS: Readonly<Record<string, ColumnKind>> = {
  id: 'int',
  conversationId: 'int',
  senderId: 'int',
  content: 'text',
  createdAt: 'instant',
  sender$id: 'int',
  sender$username: 'text',
  sender$displayName: 'text',
  sender$createdAt: 'instant',
};

const COLUMNS: readonly (readonly [alias: string, source: string])[] = [
  ['id', 'm.id'],
  ['conversationId', 'm.conversation_id'],
  ['senderId', 'm.sender_id'],
  ['content', 'm.content'],
  ['createdAt', 'm.created_at'],
  ['sender$id', 'u.id'],
  ['sender$username', 'u.username'],
  ['sender$displayName', 'u.display_name'],
  ['sender$createdAt', 'u.created_at'],
];

const INT: ArgType = { scalarType: 'int', arity: 'scalar' };

export function feedStatement(
  dialect: Dialect,
  positions: readonly FeedPosition[],
  perConversation: number,
): Statement {
  if (dialect === 'postgresql') {
    const selected = COLUMNS.map(([alias, source]) => `${pgColumn(source)} AS "${alias}"`).join(', ');
    return {
      sql:
        `SELECT coalesce(json_agg(t0 ORDER BY t0."conversationId", t0."createdAt", t0."id"), '[]') AS rows FROM (` +
        `SELECT ${selected} FROM unnest($1::int[], $2::timestamptz[], $3::int[]) AS w(conversation_id, created_at, id) ` +
        `CROSS JOIN LATERAL (SELECT x.* FROM "messages" x WHERE x."conversation_id" = w.conversation_id ` +
        `AND (x."created_at", x."id") > (w.created_at, w.id) ORDER BY x."created_at", x."id" LIMIT $4::int) m ` +
        `JOIN "users" u ON u."id" = m."sender_id") t0`,
      args: [
        positions.map((p) => p.conversationId),
        positions.map((p) => p.createdAt.toISOString()),
        positions.map((p) => p.id),
        perConversation,
      ],
      argTypes: [
        { scalarType: 'int', arity: 'list' },
        { scalarType: 'string', arity: 'list' },
        { scalarType: 'int', arity: 'list' },
        INT,
      ],
      kinds: KINDS,
      columns: 1,
    };
  }
  const selected = COLUMNS.map(([alias, source]) => `${msColumn(source)} AS [${alias}]`).join(', ');
  const json = JSON.stringify(
    positions.map((p) => [p.conversationId, p.createdAt.toISOString().replace('T', ' ').replace('Z', ''), p.id]),
  );
  return {
    sql:
      `SELECT (SELECT ${selected} ` +
      `FROM OPENJSON(@P1) WITH ([conversation_id] int '$[0]', [created_at] datetime2(3) '$[1]', [id] int '$[2]') w ` +
      `CROSS APPLY (SELECT TOP (@P2) x.* FROM [dbo].[messages] x WHERE x.[conversation_id] = w.[conversation_id] ` +
      `AND x.[created_at] >= w.[created_at] AND (x.[created_at] > w.[created_at] OR (x.[created_at] = w.[created_at] AND x.[id] > w.[id])) ` +
      `ORDER BY x.[created_at], x.[id]) m ` +
      `JOIN [dbo].[users] u ON u.[id] = m.[sender_id] ` +
      `ORDER BY m.[conversation_id], m.[created_at], m.[id] FOR JSON PATH, INCLUDE_NULL_VALUES) AS [rows]`,
    args: [json, perConversation],
    argTypes: [{ scalarType: 'string', arity: 'scalar' }, INT],
    kinds: KINDS,
    columns: 1,
  };
}

function pgColumn(source: string): string {
  const [alias, column] = source.split('.');
  return `${alias}."${column}"`;
}

function msColumn(source: string): string {
  const [alias, column] = source.split('.');
  return `${alias}.[${column}]`;
}
