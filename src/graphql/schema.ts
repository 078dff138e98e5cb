/** The executable schema, built from the resolvers. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { reportIncompleteConnections } from './pagination/incomplete.js';
import { ArchivalResolver } from './archival/archival-resolver.js';
import { ArchivalMutations } from './mutation/archival-mutations.js';
import { ContentMutations } from './mutation/content-mutations.js';
import { PriceMutations } from './mutation/price-mutations.js';
import { CommentResolver } from './comment/comment-resolver.js';
import { ConversationResolver } from './conversation/conversation-resolver.js';
import { MessageResolver } from './message/message-resolver.js';
import { NodeResolver } from './node/node-resolver.js';
import { PostResolver } from './post/post-resolver.js';
import { StockPriceResolver, StockPricesResolver } from './price/price-resolver.js';
import { StockResolver } from './stock/stock-resolver.js';
import { UserFieldsResolver } from './user/user-fields-resolver.js';
import { UserResolver } from './user/user-resolver.js';

export async function buildGatewaySchema(): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: [
      NodeResolver,
      UserResolver,
      UserFieldsResolver,
      StockResolver,
      StockPricesResolver,
      StockPriceResolver,
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
  return reportIncompleteConnections(schema);
}
