import type { HotModels } from '../../stores/hot/index.js';
import type { ConversationType } from './conversation-type.js';

export function toConversation(row: HotModels.ConversationModel): ConversationType {
  return { __typename: 'Conversation', databaseId: row.id, title: row.title, createdAt: row.createdAt };
}
