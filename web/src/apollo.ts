/**
 * The app's one Apollo Client, on /graphql with the session's token. Connections page with
 * relayStylePagination: one cached list per connection field, grown by fetchMore.
 * Subscriptions (`messageAdded`) go over graphql-ws (graphql-transport-ws) on the same origin
 * and path, the token in connection_init; queries and mutations stay on HTTP, where the
 * gateway serves them (it refuses them on the socket).
 */
import { ApolloClient, ApolloLink, HttpLink, InMemoryCache } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { relayStylePagination } from '@apollo/client/utilities';
import { OperationTypeNode } from 'graphql';
import { createClient as createWsClient } from 'graphql-ws';
import { graphqlSocketUrl } from './socket-url';

export function createClient(token: string): ApolloClient {
  const authorization = `Bearer ${token}`;
  const http = new HttpLink({ uri: '/graphql', headers: { authorization } });
  // Lazy: the socket opens with the first subscription and closes after the last one ends;
  // on a drop graphql-ws reconnects and subscribes again with the same variables (the same
  // `after`), and appendMessage skips what was already shown.
  const socket = new GraphQLWsLink(createWsClient({ url: graphqlSocketUrl(), connectionParams: { authorization } }));
  return new ApolloClient({
    link: ApolloLink.split(({ operationType }) => operationType === OperationTypeNode.SUBSCRIPTION, socket, http),
    cache: new InMemoryCache({
      typePolicies: {
        Conversation: { fields: { messages: relayStylePagination() } },
        Query: { fields: { posts: relayStylePagination(['authorId']) } },
        Post: { fields: { comments: relayStylePagination() } },
        Stock: { fields: { prices: relayStylePagination(['from', 'to']) } },
      },
    }),
  });
}
