import type { ColdModels } from '../../stores/cold/index.js';
import type { HotModels } from '../../stores/hot/index.js';
import { Tier } from '../enums.js';
import type { MessageType } from './message-type.js';

export function messageFromHot(row: HotModels.MessageModel): MessageType {
  return {
    __typename: 'Message',
    databaseId: row.id,
    conversationId: row.conversationId,
    senderId: row.senderId,
    content: row.content,
    createdAt: row.createdAt,
    tier: Tier.HOT,
    archivedAt: null,
  };
}

export function messageFromCold(row: ColdModels.MessageArchiveModel): MessageType {
  return {
    __typename: 'Message',
    databaseId: row.originalId,
    conversationId: row.conversationId,
    senderId: row.senderId,
    content: row.content,
    createdAt: row.createdAt,
    tier: Tier.COLD,
    archivedAt: row.archivedAt,
  };
}
