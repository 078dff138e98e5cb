/** The two stores' halves of a message connection. */
import type { GatewayContext } from '../context.js';
import { coldTables, hotTables } from '../../stores/sql/tables.js';
import { authoredSides } from '../pagination/authored-sides.js';
import type { StitchedOrdering, StitchedSides } from '../pagination/stitched-page.js';
import { messageFromCold, messageFromHot } from './message-map.js';
import type { MessageType } from './message-type.js';

export const MESSAGES_ORDERING: StitchedOrdering = {
  name: 'conversation.messages:createdAt',
  direction: 'desc',
  keyKind: 'instant',
};
export const SEARCH_ORDERING: StitchedOrdering = {
  name: 'searchMessages:createdAt',
  direction: 'desc',
  keyKind: 'instant',
};

/**
 * A conversation's messages, each with its sender (authored-sides.ts), batched with the
 * other conversations' of the request.
 */
export function messageSides(context: GatewayContext, conversationId: number): StitchedSides<MessageType> {
  return authoredSides(context, {
    hot: hotTables.messages,
    cold: coldTables.messages,
    where: [],
    parent: { field: 'conversationId', id: conversationId },
    user: { field: 'senderId', as: 'sender' },
    fromHot: messageFromHot,
    fromCold: messageFromCold,
  });
}

/** Messages of a conversation whose content contains `text`, case-insensitively, each with its sender. */
export function searchSides(context: GatewayContext, conversationId: number, text: string): StitchedSides<MessageType> {
  const where = [
    { field: 'conversationId', op: '=', value: conversationId },
    { field: 'content', op: 'contains', text },
  ] as const;
  return authoredSides(context, {
    hot: hotTables.messages,
    cold: coldTables.messages,
    where,
    user: { field: 'senderId', as: 'sender' },
    fromHot: messageFromHot,
    fromCold: messageFromCold,
  });
}
