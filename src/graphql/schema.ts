/** The executable schema, built from the resolvers. */
import 'reflect-metadata';
import { GraphQLObjectType, GraphQLSchema, type GraphQLInterfaceType } from 'graphql';
import { buildSchema } from 'type-graphql';
import { toGlobalId, type NodeTypeName } from './node/global-id.js';
import { reportIncompleteConnections } from './pagination/incomplete.js';
import { ArchivalResolver } from './archival/archival-resolver.js';
import { ArchivalMutations } from './mutation/archival-mutations.js';
import { ContentMutations } from './mutation/content-mutations.js';
import { PriceMutations } from './mutation/price-mutations.js';
import { StockCandlesResolver } from './candle/candle-resolver.js';
import { CommentResolver } from './comment/comment-resolver.js';
import { ConversationResolver } from './conversation/conversation-resolver.js';
import { messageAddedField } from './message/message-added.js';
import { MessageResolver } from './message/message-resolver.js';
import { NodeResolver } from './node/node-resolver.js';
import { PostResolver } from './post/post-resolver.js';
import { StockPriceResolver, StockPricesResolver } from './price/price-resolver.js';
import { StockResolver } from './stock/stock-resolver.js';
import { UserFieldsResolver } from './user/user-fields-resolver.js';
import { UserResolver } from './user/user-resolver.js';

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const resolved = await buildSchema({
    resolvers: [
      NodeResolver,
      UserResolver,
      UserFieldsResolver,
      StockResolver,
      StockPricesResolver,
      StockPriceResolver,
      StockCandlesResolver,
      ConversationResolver,
      MessageResolver,
      PostResolver,
      CommentResolver,
      ArchivalResolver,
      ContentMutations,
      PriceMutations,
      ArchivalMutations,
    ],
    validate: false,
  });
  // TypeGraphQL's subscriptions go through a pub/sub; messageAdded's stream is its own.
  const schema = new GraphQLSchema({
    ...resolved.toConfig(),
    subscription: new GraphQLObjectType({
      name: 'Subscription',
      description:
        'Over GraphQL over WebSocket (graphql-ws), on the same path as queries, with the same tokens (connection_init payload { authorization: "Bearer ..." }).',
      fields: { messageAdded: messageAddedField(resolved.getType('MessageEdge') as GraphQLObjectType) },
    }),
  });
  const node = schema.getType('Node') as GraphQLInterfaceType;
  // TypeGraphQL wraps resolveType in an async function; graphql-jit (jit-executor.ts) needs
  // the type at once, and every object handed out as a Node names its own.
  node.resolveType = (value: { readonly __typename?: string }) => value.__typename;
  // Global ids are encoded only for the nodes whose id a query selects.
  for (const type of schema.getImplementations(node).objects) {
    const name = type.name as NodeTypeName;
    type.getFields().id.resolve = (source: { readonly id?: string; readonly databaseId: number }) =>
      source.id ?? toGlobalId(name, source.databaseId);
  }
  return reportIncompleteConnections(schema);
}
