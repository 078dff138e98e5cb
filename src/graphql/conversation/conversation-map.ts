import type { HotModels } from '../../stores/hot/index.js';
import { toGlobalId } from '../node/global-id.js';
import type { ConversationType } from './conversation-type.js';

export function toConversation(row: HotModels.ConversationModel): ConversationType {
  return { __typename: 'Conversation', id: toGlobalId('Conversation', row.id), databaseId: row.id, title: row.title, createdAt: row.createdAt };
}
