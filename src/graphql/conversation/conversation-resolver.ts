import { Arg, Args, Ctx, FieldResolver, ID, Query, Resolver, Root } from 'type-graphql';
import { requireParticipant } from '../../auth/guards.js';
import { UserInputError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { MESSAGES_ORDERING, messageSides, SEARCH_ORDERING, searchSides } from '../message/message-sides.js';
import { MessageConnection, type MessageType } from '../message/message-type.js';
import { fromGlobalId } from '../node/global-id.js';
import { ConnectionArgs } from '../pagination/args.js';
import type { Connection } from '../pagination/connection.js';
import { instantLimits, stitchedPage } from '../pagination/stitched-page.js';
import { toUser } from '../user/user-map.js';
import { UserType } from '../user/user-type.js';
import { toConversation } from './conversation-map.js';
import { ConversationType } from './conversation-type.js';

export const MAX_SEARCH_LENGTH = 200;

/** Loads a conversation the viewer may read; null when it does not exist. */
export async function readableConversation(
  context: GatewayContext,
  conversationId: number,
): Promise<ConversationType | null> {
  const row = await context.loaders.conversationById.load(conversationId);
  if (!row) return null;
  await requireParticipant(
    context.viewer,
    () => context.loaders.participantIds.load(conversationId),
    'This conversation',
  );
  return toConversation(row);
}

@Resolver(() => ConversationType)
export class ConversationResolver {
  @Query(() => ConversationType, { nullable: true, description: 'Viewer (participant), analyst, admin.' })
  conversation(@Arg('id', () => ID) id: string, @Ctx() context: GatewayContext): Promise<ConversationType | null> {
    return readableConversation(context, fromGlobalId(id, 'id', 'Conversation').databaseId);
  }

  @Query(() => MessageConnection, {
    description: 'Newest first, across both stores. Viewer (participant), analyst, admin.',
  })
  async searchMessages(
    @Arg('conversationId', () => ID) conversationId: string,
    @Arg('query', () => String) query: string,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<MessageType>> {
    const text = query.trim();
    if (text.length === 0) throw new UserInputError('"query" must not be empty.', 'query');
    if (text.length > MAX_SEARCH_LENGTH)
      throw new UserInputError(`"query" must be at most ${MAX_SEARCH_LENGTH} characters.`, 'query');
    const conversation = await readableConversation(
      context,
      fromGlobalId(conversationId, 'conversationId', 'Conversation').databaseId,
    );
    if (!conversation) throw new UserInputError('No conversation has this id.', 'conversationId');
    return stitchedPage(
      args,
      SEARCH_ORDERING,
      searchSides(context, conversation.databaseId, text),
      await context.bounds.get(),
      instantLimits,
    );
  }

  @FieldResolver(() => [UserType])
  async participants(@Root() conversation: ConversationType, @Ctx() { loaders }: GatewayContext): Promise<UserType[]> {
    const ids = await loaders.participantIds.load(conversation.databaseId);
    const users = await loaders.userById.loadMany(ids);
    return users.flatMap((user) => (user && !(user instanceof Error) ? [toUser(user)] : []));
  }

  @FieldResolver(() => MessageConnection, {
    description: 'Newest first; pages seamlessly from the hot store into the cold store.',
  })
  async messages(
    @Root() conversation: ConversationType,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<MessageType>> {
    await requireParticipant(
      context.viewer,
      () => context.loaders.participantIds.load(conversation.databaseId),
      'This conversation',
    );
    return stitchedPage(
      args,
      MESSAGES_ORDERING,
      messageSides(context, conversation.databaseId),
      await context.bounds.get(),
      instantLimits,
    );
  }
}
