import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { toConversation } from '../conversation/conversation-map.js';
import { ConversationType } from '../conversation/conversation-type.js';
import type { GatewayContext } from '../context.js';
import { toUser } from '../user/user-map.js';
import { UserType } from '../user/user-type.js';
import { MessageType } from './message-type.js';

/** A message reaches a caller only through a conversation it may read. */
@Resolver(() => MessageType)
export class MessageResolver {
  @FieldResolver(() => ConversationType)
  async conversation(@Root() message: MessageType, @Ctx() { loaders }: GatewayContext): Promise<ConversationType> {
    return toConversation(
      await required(loaders.conversationById.load(message.conversationId), 'conversation', message.conversationId),
    );
  }

  @FieldResolver(() => UserType)
  async sender(@Root() message: MessageType, @Ctx() { loaders }: GatewayContext): Promise<UserType> {
    return toUser(await required(loaders.userById.load(message.senderId), 'user', message.senderId));
  }
}

/** Users, stocks and conversations never leave the hot store; a dangling reference is a bug. */
export async function required<T>(row: Promise<T | null>, what: string, id: number): Promise<T> {
  const found = await row;
  if (found === null) throw new Error(`${what} ${id} is referenced but does not exist`);
  return found;
}
