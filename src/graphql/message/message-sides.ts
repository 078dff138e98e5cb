/** The two stores' halves of a message connection. */
import type { GatewayContext } from '../context.js';
import type { HotModels } from '../../stores/hot/index.js';
import { hotTextContains, escapePostgresLike } from '../../stores/hot/index.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import { sqlSide } from '../pagination/sql-side.js';
import type { StitchedOrdering, StitchedSides, StoreSide } from '../pagination/stitched-page.js';
import { messageFromCold, messageFromHot } from './message-map.js';
import type { MessageType } from './message-type.js';

export const MESSAGES_ORDERING: StitchedOrdering = { name: 'conversation.messages:createdAt', direction: 'desc', keyKind: 'instant' };
export const SEARCH_ORDERING: StitchedOrdering = { name: 'searchMessages:createdAt', direction: 'desc', keyKind: 'instant' };

/**
 * At most this many of a conversation's participants are read ahead of a page the cold store
 * serves alone: enough for any group chat, bounded for a channel with thousands.
 */
export const SENDER_PREFETCH_LIMIT = 200;

export interface MessageSidesOptions {
  /** The operation may select the messages' senders (selection.ts). */
  readonly senders?: boolean;
}

/**
 * A conversation's messages. The hot side reads each message's sender in the same statement
 * (users live in the hot store) and hands it to the request's user loader, so the senders of
 * a page cost no statement of their own, nor those of its cold rows when they wrote a hot one.
 *
 * Cold rows cannot join users. When the hot side primed no sender (a page deep in history, the
 * hot store skipped or empty) and senders are selected, the cold read runs beside one hot read
 * of the conversation's participants' users, which primes the user loader: the senders then
 * cost no round trip after the cold rows arrive. A sender outside that set (someone who left,
 * or beyond SENDER_PREFETCH_LIMIT) is still loaded, by one batched statement after the rows.
 */
export function messageSides(context: GatewayContext, conversationId: number, { senders = false }: MessageSidesOptions = {}): StitchedSides<MessageType> {
  const { hotSql, coldSql, loaders } = context;
  const where = [{ field: 'conversationId', op: '=', value: conversationId }] as const;
  let primedFromHot = false;
  const prefetch = () => (senders && !primedFromHot ? primeParticipants(context, conversationId) : undefined);
  return {
    hot: sqlSide(hotSql, {
      table: hotTables.messages,
      where,
      keyField: 'createdAt',
      idField: 'id',
      join: { table: hotTables.users, on: 'senderId', as: 'sender' },
      toEntry: (row: HotModels.MessageModel & { sender?: HotModels.UserModel }) => {
        if (row.sender) {
          loaders.userById.prime(row.sender.id, row.sender);
          primedFromHot = true;
        }
        return { id: row.id, key: row.createdAt, node: messageFromHot(row) };
      },
    }),
    cold: coldSql
      ? alongside(
          sqlSide(coldSql, { table: coldTables.messages, where, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: messageFromCold(row) }) }),
          prefetch,
        )
      : EMPTY_SIDE,
  };
}

/** Primes the user loader with up to SENDER_PREFETCH_LIMIT participants of a conversation: one hot statement. */
async function primeParticipants({ hotSql, loaders }: GatewayContext, conversationId: number): Promise<void> {
  const rows = await hotSql.rows<HotModels.ConversationParticipantModel & { user: HotModels.UserModel }>({
    table: hotTables.participants,
    where: [{ field: 'conversationId', op: '=', value: conversationId }],
    // The primary key's order: an index range, however large the conversation.
    order: { key: 'userId', id: 'userId', direction: 'asc' },
    take: SENDER_PREFETCH_LIMIT,
    join: { table: hotTables.users, on: 'userId', as: 'user' },
  });
  for (const { user } of rows) loaders.userById.prime(user.id, user);
}

/**
 * `side` whose reads also wait for `work` started beside them. A failed `work` is dropped: it
 * only reads ahead, and whatever needed its rows loads them itself and reports its own error.
 */
function alongside<TNode>(side: StoreSide<TNode>, work: () => Promise<void> | undefined): StoreSide<TNode> {
  return {
    async fetch(query) {
      const ahead = work()?.catch(() => undefined);
      const [entries] = await Promise.all([side.fetch(query), ahead]);
      return entries;
    },
    count: () => side.count(),
  };
}

/**
 * Messages of a conversation whose content contains `text`, case-insensitively: through
 * Prisma, whose `contains` each engine answers with its own case rules (see hotTextContains).
 */
export function searchSides({ hot, cold }: GatewayContext, conversationId: number, text: string): StitchedSides<MessageType> {
  return {
    hot: prismaSide(hot.message, {
      where: { conversationId, content: hotTextContains(hot, text) },
      keyField: 'createdAt',
      idField: 'id',
      toEntry: (row) => ({ id: row.id, key: row.createdAt, node: messageFromHot(row) }),
    }),
    cold: cold
      ? prismaSide(cold.messageArchive, {
          // ILIKE '%…%', served by the trigram index on content.
          where: { conversationId, content: { contains: escapePostgresLike(text), mode: 'insensitive' } },
          keyField: 'createdAt',
          idField: 'originalId',
          toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: messageFromCold(row) }),
        })
      : EMPTY_SIDE,
  };
}
