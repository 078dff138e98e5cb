/** The two stores' halves of a message connection. */
import type { GatewayContext } from '../context.js';
import { hotTextContains, escapePostgresLike } from '../../stores/hot/index.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { EMPTY_SIDE, prismaSide } from '../pagination/prisma-side.js';
import { authoredSides } from '../pagination/authored-sides.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { messageFromCold, messageFromHot } from './message-map.js';
import type { MessageType } from './message-type.js';

export const MESSAGES_ORDERING: StitchedOrdering = { name: 'conversation.messages:createdAt', direction: 'desc', keyKind: 'instant' };
export const SEARCH_ORDERING: StitchedOrdering = { name: 'searchMessages:createdAt', direction: 'desc', keyKind: 'instant' };

/** A conversation's messages, each with its sender (authored-sides.ts). */
export function messageSides(context: GatewayContext, conversationId: number): StitchedSides<MessageType> {
  const where = [{ field: 'conversationId', op: '=', value: conversationId }] as const;
  return authoredSides(context, { hot: hotTables.messages, cold: coldTables.messages, where, user: { field: 'senderId', as: 'sender' }, fromHot: messageFromHot, fromCold: messageFromCold });
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
