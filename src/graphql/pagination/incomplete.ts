/**
 * A connection that could read only part of its rows (a store was unavailable: see
 * stitched-page.ts) still answers, and the response carries an error on the connection's path
 * with the store's code, so no client mistakes the short page for a complete one.
 *
 * GraphQL gives a field either a value or an error; this reports the error beside the value.
 * The edges and pageInfo resolvers of every *Connection type note it in the request's state
 * (once per connection), and the observability plugin appends it to the response's errors.
 */
import {
  defaultFieldResolver,
  GraphQLError,
  isObjectType,
  type GraphQLFieldResolver,
  type GraphQLSchema,
} from 'graphql';
import { ErrorCode } from '../../errors.js';
import { unavailableStore } from '../../stores/errors.js';
import type { GatewayContext } from '../context.js';
import { pathToArray } from '../path.js';
import type { Connection } from './connection.js';

export function reportIncompleteConnections(schema: GraphQLSchema): GraphQLSchema {
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isObjectType(type) || !type.name.endsWith('Connection')) continue;
    for (const name of ['edges', 'pageInfo']) {
      const field = type.getFields()[name];
      if (!field) continue;
      const inner: GraphQLFieldResolver<unknown, GatewayContext> = field.resolve ?? defaultFieldResolver;
      field.resolve = (source, args, context: GatewayContext, info) => {
        const incomplete = (source as Partial<Connection<unknown>> | null)?.incomplete;
        if (incomplete && !context.request.reported.has(source as object)) {
          context.request.reported.add(source as object);
          context.request.partialErrors.push(incompleteError(incomplete, pathToArray(info.path.prev)));
        }
        return inner(source, args, context, info);
      };
    }
  }
  return schema;
}

function incompleteError(cause: Error, path: readonly (string | number)[]): GraphQLError {
  const store = unavailableStore(cause) ?? 'cold';
  return new GraphQLError(
    `The ${store} store is unavailable: this page holds only the rows that could be read, and more follow. Retry it (its cursors stay valid) when the store is back.`,
    {
      path,
      extensions: { code: store === 'hot' ? ErrorCode.HOT_STORE_UNAVAILABLE : ErrorCode.COLD_STORE_UNAVAILABLE },
    },
  );
}
