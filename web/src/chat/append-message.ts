/**
 * Puts one new message at the newest end of a conversation's cached `messages` list, once:
 * the seam for everything that learns of a message after the page loaded. sendMessage's
 * answer uses it, and so does the `messageAdded` subscription (graphql-ws, message-pane.tsx)
 * with each edge it receives; a message already in the list (sent here, then echoed by the
 * subscription) is not added twice.
 */
import type { ApolloCache, Reference } from '@apollo/client';
import { MESSAGE_FIELDS, type ChatMessage } from '../queries';

export function appendMessage(
  cache: ApolloCache,
  conversationId: string,
  message: ChatMessage,
  cursor: string | null = null,
): void {
  const conversationRef = cache.identify({ __typename: 'Conversation', id: conversationId });
  const messageRef = cache.writeFragment({
    data: { __typename: 'Message', ...message },
    fragment: MESSAGE_FIELDS,
    fragmentName: 'WebMessage',
  });
  if (!conversationRef || !messageRef) return;
  cache.modify<{ messages: unknown }>({
    id: conversationRef,
    fields: {
      messages(existing, { readField }) {
        const list = existing as { edges: { cursor: string; node: Reference }[]; totalCount?: number } | undefined;
        if (!list) return existing;
        if (list.edges.some((edge) => readField('id', edge.node) === message.id)) return existing;
        // Newest first: the new message leads the list.
        return {
          ...list,
          edges: [{ __typename: 'MessageEdge', cursor: cursor ?? '', node: messageRef }, ...list.edges],
          ...(typeof list.totalCount === 'number' ? { totalCount: list.totalCount + 1 } : {}),
        };
      },
    },
  });
}
