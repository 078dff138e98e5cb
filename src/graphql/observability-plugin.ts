/**
 * Per GraphQL request: appends the errors reported beside data (connections that answered in
 * part, pagination/incomplete.ts; items of `nodes` that failed alone), each through the same
 * formatter as Apollo's own (graphql/format-error.ts, which also counts them), records the
 * request's latency by operation name, and notes the operation and the error codes in the
 * request's state for its access log line.
 */
import type { ApolloServerPlugin } from '@apollo/server';
import type { GraphQLFormattedError } from 'graphql';
import type { GatewayContext } from './context.js';
import type { GatewayMetrics } from '../observability/metrics.js';

export function observabilityPlugin(
  metrics: GatewayMetrics,
  format: (formatted: GraphQLFormattedError, error: unknown) => GraphQLFormattedError,
): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ response, contextValue, operationName, operation }) {
          const state = contextValue.request;
          if (response.body.kind !== 'single') return;
          const result = response.body.singleResult;
          if (state.partialErrors.length > 0) {
            result.errors = [
              ...(result.errors ?? []),
              ...state.partialErrors.map((error) => format(error.toJSON(), error)),
            ];
          }
          state.operationName = operationName ?? null;
          for (const error of result.errors ?? []) state.errorCodes.push(String(error.extensions?.code));
          metrics.observeRequest(operationName, operation?.operation, (performance.now() - started) / 1000);
        },
      };
    },
  };
}
