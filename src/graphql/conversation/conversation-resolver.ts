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

/**
 * Loads a conversation the viewer may read; null when it does not exist (whether or not the
 * viewer takes part: the check comes after the existence, as before).
 */
export async function readableConversation(
  context: GatewayContext,
  conversationId: number,
): Promise<ConversationType | null> {
  // A user's check needs the participants: read them beside the conversation (one statement,
  // coalesce.ts), not a round trip after it.
  const participants = context.viewer.kind === 'user' ? participantIdsOf(context, conversationId) : null;
  participants?.catch(() => undefined);
  const row = await context.loaders.conversationById.load(conversationId);
  if (!row) return null;
  await requireParticipant(
    context.viewer,
    () => participants ?? participantIdsOf(context, conversationId),
    'This conversation',
  );
  return toConversation(row);
}

/**
 * The participants' ids for this resolver's access checks, from the same loader as the
 * `participants` field (the users joined): a sidebar asking for both reads them once, in the
 * statement of its messages pages.
 */
async function participantIdsOf(context: GatewayContext, conversationId: number): Promise<number[]> {
  return (await context.loaders.participants.load(conversationId)).map((user) => user.id);
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
    return (await loaders.participants.load(conversation.databaseId)).map(toUser);
  }

  @FieldResolver(() => MessageConnection, {
    description: 'Newest first; pages seamlessly from the hot store into the cold store.',
  })
  async messages(
    @Root() conversation: ConversationType,
    @Args(() => ConnectionArgs) args: ConnectionArgs,
    @Ctx() context: GatewayContext,
  ): Promise<Connection<MessageType>> {
    // The page starts beside the access check, so that under a list of conversations their
    // pages and participants go to the store in one statement (coalesce.ts) instead of a
    // round trip after it; nothing of the page is answered, nor its failure reported, unless
    // the check passes.
    const started = context.request.started.get(messagesKey(conversation.databaseId, args)) as
      Promise<Connection<MessageType>> | undefined;
    const page = started ?? messagesPage(context, conversation.databaseId, args);
    page.catch(() => undefined);
    await requireParticipant(
      context.viewer,
      () => participantIdsOf(context, conversation.databaseId),
      'This conversation',
    );
    return page;
  }
}
