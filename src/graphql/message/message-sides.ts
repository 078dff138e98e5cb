/** The two stores' halves of a message connection. */
import type { GatewayContext } from '../context.js';
import type { HotModels } from '../../stores/hot/index.js';
import { hotTextContains, escapePostgresLike } from '../../stores/hot/index.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import { sqlSide } from '../pagination/sql-side.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { messageFromCold, messageFromHot } from './message-map.js';
import type { MessageType } from './message-type.js';

export const MESSAGES_ORDERING: StitchedOrdering = { name: 'conversation.messages:createdAt', direction: 'desc', keyKind: 'instant' };
export const SEARCH_ORDERING: StitchedOrdering = { name: 'searchMessages:createdAt', direction: 'desc', keyKind: 'instant' };

/**
 * A conversation's messages. The hot side reads each message's sender in the same statement
 * (users live in the hot store) and hands it to the request's user loader, so the senders of
 * a page cost no statement of their own, nor those of its cold rows when they wrote a hot one.
 */
export function messageSides({ hotSql, coldSql, loaders }: GatewayContext, conversationId: number): StitchedSides<MessageType> {
  const where = [{ field: 'conversationId', op: '=', value: conversationId }] as const;
  return {
    hot: sqlSide(hotSql, {
      table: hotTables.messages,
      where,
      keyField: 'createdAt',
      idField: 'id',
      join: { table: hotTables.users, on: 'senderId', as: 'sender' },
      toEntry: (row: HotModels.MessageModel & { sender?: HotModels.UserModel }) => {
        if (row.sender) loaders.userById.prime(row.sender.id, row.sender);
        return { id: row.id, key: row.createdAt, node: messageFromHot(row) };
      },
    }),
    cold: coldSql
      ? sqlSide(coldSql, { table: coldTables.messages, where, keyField: 'createdAt', idField: 'originalId', toEntry: (row) => ({ id: row.originalId, key: row.createdAt, node: messageFromCold(row) }) })
      : EMPTY_SIDE,
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
