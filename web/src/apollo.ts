/**
 * The app's one Apollo Client, on /graphql with the session's token. Connections page with
 * relayStylePagination: one cached list per connection field, grown by fetchMore.
 */
import { ApolloClient, HttpLink, InMemoryCache } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

export function createClient(token: string): ApolloClient {
  return new ApolloClient({
    link: new HttpLink({ uri: '/graphql', headers: { authorization: `Bearer ${token}` } }),
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
