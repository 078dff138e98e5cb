/**
 * Builds the gateway (schema, Apollo Server, HTTP server) without listening or touching the
 * process: the entry point and the tests decide when it starts and stops.
 */
import { randomUUID } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import type { GraphQLFormattedError } from 'graphql';
import { unwrapResolverError } from '@apollo/server/errors';
import { viewerFromAuthorization, type AuthSecrets } from './auth/viewer.js';
import { ErrorCode } from './errors.js';
import { createContext, type GatewayContext, type Stores } from './graphql/context.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { createRequestHandler, GRAPHQL_PATH } from './http/node-handler.js';
import { checkReadiness, type StoreProbe } from './http/readiness.js';

export interface GatewayOptions {
  readonly stores: Stores;
  readonly probes: Record<'hot' | 'cold', StoreProbe>;
  readonly secrets: AuthSecrets;
  readonly production: boolean;
  /** Receives internal errors with the errorId the client was given. */
  readonly logError: (errorId: string, error: unknown) => void;
  readonly readinessTimeoutMs?: number;
}

export interface Gateway {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly httpServer: http.Server;
  /** Starts Apollo and listens; resolves to the GraphQL URL. */
  listen(port: number, host: string): Promise<string>;
  /** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes. */
  stop(graceMs: number): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const schema = await buildGatewaySchema();
  const httpServer = http.createServer();
  let accepting = true;

  const apollo = new ApolloServer<GatewayContext>({
    schema,
    csrfPrevention: true,
    // The entry point owns signals and stops the stores after Apollo; Apollo's own handlers
    // would race with it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !options.production,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // The contract uses no cache hints; the plugin costs ~40% on large lists.
      ApolloServerPluginCacheControlDisabled(),
      options.production
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false }),
    ],
    formatError: (formatted, error) => maskInternalError(formatted, error, options.logError),
  });

  httpServer.on(
    'request',
    createRequestHandler({
      apollo,
      context: async (request) => createContext(options.stores, await viewerFromAuthorization(request.headers.authorization, options.secrets)),
      readiness: () => checkReadiness(options.probes, options.readinessTimeoutMs ?? 2000),
      accepting: () => accepting,
    }),
  );

  return {
    apollo,
    httpServer,
    async listen(port, host) {
      await apollo.start();
      await new Promise<void>((resolve, reject) => {
        httpServer.once('error', reject);
        httpServer.listen(port, host, () => {
          httpServer.off('error', reject);
          resolve();
        });
      });
      const address = httpServer.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      return `http://${shownHost}:${address.port}${GRAPHQL_PATH}`;
    },
    async stop(graceMs) {
      accepting = false;
      // The drain plugin closes idle connections, waits for in-flight requests, and after
      // the grace period closes the rest.
      const forced = setTimeout(() => httpServer.closeAllConnections(), graceMs);
      try {
        await apollo.stop();
      } finally {
        clearTimeout(forced);
      }
    },
  };
}

/**
 * Typed errors pass through; anything else becomes "Internal server error" with an errorId
 * that is logged beside the real cause, so no SQL or driver message reaches a client.
 */
function maskInternalError(formatted: GraphQLFormattedError, error: unknown, logError: GatewayOptions['logError']): GraphQLFormattedError {
  const code = formatted.extensions?.code;
  if (code !== ErrorCode.INTERNAL_SERVER_ERROR && code !== undefined) return formatted;
  const errorId = randomUUID();
  logError(errorId, unwrapResolverError(error));
  return {
    message: 'Internal server error',
    locations: formatted.locations,
    path: formatted.path,
    extensions: { code: ErrorCode.INTERNAL_SERVER_ERROR, errorId },
  };
}
