/** The executable schema, built from the resolvers. */
import 'reflect-metadata';
import type { GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { NodeResolver } from './node/node-resolver.js';
import { StockResolver } from './stock/stock-resolver.js';
import { UserResolver } from './user/user-resolver.js';

export function buildGatewaySchema(): Promise<GraphQLSchema> {
  return buildSchema({
    resolvers: [NodeResolver, UserResolver, StockResolver],
    validate: false,
  });
}
