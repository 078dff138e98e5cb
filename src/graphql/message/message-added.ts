/**
 * `Subscription.messageAdded(conversationId, after)`, written as a graphql-js field: its
 * `subscribe` returns the event stream itself (message-stream.ts), so no pub/sub sits between
 * the feed and the subscriber and nothing is delivered twice or out of order.
 *
 * Access is the conversation's: participants, analysts, admins (anonymous UNAUTHENTICATED,
 * anyone else FORBIDDEN); an unknown conversation is NOT_FOUND; a malformed or foreign `after`
 * is INVALID_CURSOR. These are checked before the stream starts, so they come back as the
 * protocol's `error` message.
 */
import { GraphQLID, GraphQLNonNull, GraphQLString, type GraphQLFieldConfig, type GraphQLObjectType } from 'graphql';
import { ErrorCode, NotFoundError, RequestRejectedError } from '../../errors.js';
import { readableConversation } from '../conversation/conversation-resolver.js';
import { fromGlobalId } from '../node/global-id.js';
import { decodeKeyCursor } from '../pagination/stitched-page.js';
import { MESSAGES_ORDERING } from './message-sides.js';
import { messageStream, type LiveContext, type StreamEvent } from './message-stream.js';

interface Args {
  readonly conversationId: string;
  readonly after?: string | null;
}

export const MESSAGE_ADDED_DESCRIPTION =
  'Viewer (participant), analyst, admin. Each message of the conversation as it is sent, oldest\n' +
  "first. With `after` (a cursor from this conversation's messages connection), the messages newer\n" +
  'than it come first, so a client that reconnects with its last cursor misses none and sees\n' +
  'none twice.';

export function messageAddedField(edgeType: GraphQLObjectType): GraphQLFieldConfig<StreamEvent, LiveContext, Args> {
  return {
    type: new GraphQLNonNull(edgeType),
    description: MESSAGE_ADDED_DESCRIPTION,
    args: {
      conversationId: { type: new GraphQLNonNull(GraphQLID) },
      after: { type: GraphQLString },
    },
    async subscribe(_source, args, context) {
      if (!context.live)
        throw new RequestRejectedError(
          ErrorCode.BAD_REQUEST,
          'Subscriptions are served over WebSocket (graphql-transport-ws) at this path.',
        );
      const id = fromGlobalId(args.conversationId, 'conversationId', 'Conversation').databaseId;
      const after = args.after == null ? undefined : decodeKeyCursor(args.after, MESSAGES_ORDERING, 'after');
      const conversation = await readableConversation(context, id);
      if (!conversation) throw new NotFoundError('No conversation has this id.', 'conversationId');
      const row = await context.loaders.conversationById.load(id);
      return messageStream(
        context,
        row!,
        after && { createdAt: after.value as Date, id: after.id },
        context.liveSignal,
      );
    },
    resolve: (event) => (event.kind === 'message' ? event.edge : null),
  };
}
