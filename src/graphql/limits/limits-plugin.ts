/**
 * Applies OperationLimits to every operation once it is parsed, validated and resolved, before
 * execution: depth, aliases, cost, directives and introspection (operation-limits.ts). The
 * sizes are enforced earlier: the body's and the variables' by the HTTP handler, the token
 * count by the parser itself (server.ts parseOptions), so an oversized document is never
 * fully parsed.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import { OperationTypeNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { ErrorCode, RequestRejectedError } from '../../errors.js';
import type { OperationLimits } from '../../config.js';
import type { GatewayContext } from '../context.js';
import { checkOperationLimits } from './operation-limits.js';

export function limitsPlugin(limits: OperationLimits, introspection: boolean): ApolloServerPlugin<GatewayContext> {
  // Operations that passed whatever their variables: checked once per document Apollo keeps.
  const passed = new WeakMap<DocumentNode, Set<OperationDefinitionNode>>();
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ request, document, operation, schema }) {
          // Subscriptions need a socket (http/live-server.ts); over HTTP they are a bad request.
          if (operation?.operation === OperationTypeNode.SUBSCRIPTION)
            throw new RequestRejectedError(
              ErrorCode.BAD_REQUEST,
              'Subscriptions are served over WebSocket (graphql-transport-ws) at this path, not over HTTP.',
            );
          if (!operation || passed.get(document)?.has(operation)) return;
          const measure = checkOperationLimits({
            schema,
            document,
            operation,
            variables: request.variables,
            limits,
            introspection,
          });
          if (measure.readVariables) return;
          let operations = passed.get(document);
          if (!operations) passed.set(document, (operations = new Set()));
          operations.add(operation);
        },
      };
    },
  };
}
