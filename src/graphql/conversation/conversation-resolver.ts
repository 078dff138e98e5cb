import type { GraphQLResolveInfo } from 'graphql';
import { Arg, Args, Ctx, FieldResolver, ID, Info, Query, Resolver, Root } from 'type-graphql';
import { requireParticipant } from '../../auth/guards.js';
import { UserInputError } from '../../errors.js';
import type { GatewayContext } from '../context.js';
import { childArguments } from '../lookahead.js';
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

/** Which page of which conversation's messages: the key of a page started early (`startMessages`). */
function messagesKey(conversationId: number, { first, after, last, before }: ConnectionArgs): string {
  return JSON.stringify(['messages', conversationId, first ?? null, after ?? null, last ?? null, before ?? null]);
}

async function messagesPage(
  context: GatewayContext,
  conversationId: number,
  args: ConnectionArgs,
): Promise<Connection<MessageType>> {
  return stitchedPage(
    args,
    MESSAGES_ORDERING,
    messageSides(context, conversationId),
    await context.bounds.get(),
    instantLimits,
  );
}

/**
 * Lookahead: the pages of `messages` selected under `conversation` start with the
 * conversation's own lookup, so that their hot reads go to the store in the same statement
 * (stores/sql/coalesce.ts) instead of one round trip later. Nothing is answered from them
 * before `messages` has checked access; a page nobody takes (no such conversation, or one the
 * viewer may not read) is dropped, its failure too.
 */
function startMessages(context: GatewayContext, conversationId: number, info: GraphQLResolveInfo): void {
  let selected: Record<string, unknown>[];
  try {
    selected = childArguments(info, 'messages');
  } catch {
    return; // The field's own resolver reports what is wrong with its arguments.
  }
  for (const args of selected as ConnectionArgs[]) {
    const key = messagesKey(conversationId, args);
    if (context.request.started.has(key)) continue;
    const page = messagesPage(context, conversationId, args);
    page.catch(() => undefined);
    context.request.started.set(key, page);
  }
}

@Resolver(() => ConversationType)
export class ConversationResolver {
  @Query(() => ConversationType, { nullable: true, description: 'Viewer (participant), analyst, admin.' })
  conversation(
    @Arg('id', () => ID) id: string,
    @Ctx() context: GatewayContext,
    @Info() info: GraphQLResolveInfo,
  ): Promise<ConversationType | null> {
    const { databaseId } = fromGlobalId(id, 'id', 'Conversation');
    startMessages(context, databaseId, info);
    return readableConversation(context, databaseId);
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
    const started = context.request.started.get(messagesKey(conversation.databaseId, args));
    return (
      (started as Promise<Connection<MessageType>> | undefined) ?? messagesPage(context, conversation.databaseId, args)
    );
  }
}
