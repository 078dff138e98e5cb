/**
 * Builds the gateway (schema, Apollo Server, HTTP server) without listening or touching the
 * process: the entry point and the tests decide when it starts and stops.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ApolloServer } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { createAuthenticator, type AuthSecrets } from './auth/viewer.js';
import {
  DEFAULT_CONCURRENCY,
  DEFAULT_LIMITS,
  DEFAULT_LIVE,
  DEFAULT_RESILIENCE,
  type ConcurrencyLimits,
  type LiveLimits,
  type NodeEnv,
  type OperationLimits,
  type ResilienceConfig,
  type TrustProxy,
} from './config.js';
import { createContext, type GatewayContext, type Stores } from './graphql/context.js';
import { createErrorFormatter } from './graphql/format-error.js';
import { jitGateway } from './graphql/jit-executor.js';
import { limitsPlugin } from './graphql/limits/limits-plugin.js';
import { buildGatewaySchema } from './graphql/schema.js';
import { createAdmission } from './http/admission.js';
import { createAuthThrottle } from './http/auth-throttle.js';
import { clientAddressResolver } from './http/client-address.js';
import { createLiveServer, type LiveServer } from './http/live-server.js';
import { createMetricsServer } from './http/metrics-listener.js';
import { createRequestHandler, GRAPHQL_PATH } from './http/node-handler.js';
import { checkReadiness } from './http/readiness.js';
import { guardTransport, serverOptions } from './http/transport-guards.js';
import { loadWebAssets, type DevelopmentToken } from './http/web-assets.js';
import { observabilityPlugin } from './graphql/observability-plugin.js';
import { silentLogger, type Logger } from './observability/logger.js';
import { createMetrics, type GatewayMetrics } from './observability/metrics.js';
import { createMessageFeed } from './runtime/message-feed.js';
import type { StoreProbe } from './stores/guarded-stores.js';

export interface GatewayOptions {
  readonly stores: Stores;
  readonly probes: Readonly<Record<string, StoreProbe | undefined>>;
  readonly secrets: AuthSecrets;
  /** production: no stack traces, no Sandbox or introspection unless enableSandbox; outside development: no field suggestions. */
  readonly nodeEnv: NodeEnv;
  readonly logger?: Logger;
  readonly metrics?: GatewayMetrics;
  readonly limits?: OperationLimits;
  readonly resilience?: Pick<
    ResilienceConfig,
    | 'requestTimeoutMs'
    | 'authFailureLimit'
    | 'authFailureWindowMs'
    | 'headersTimeoutMs'
    | 'receiveTimeoutMs'
    | 'keepAliveTimeoutMs'
  >;
  /** Introspection and the Sandbox landing page in production (always on elsewhere). */
  readonly enableSandbox?: boolean;
  readonly metricsToken?: string;
  /** Serve /metrics on a listener of its own at this address (and not on the GraphQL one). */
  readonly metricsListen?: { readonly host: string; readonly port: number };
  /** Which peers may name the client in X-Forwarded-For; none by default. */
  readonly trustProxy?: TrustProxy;
  readonly concurrency?: ConcurrencyLimits;
  readonly readinessTimeoutMs?: number;
  /** GraphQL over WebSocket (live-server.ts) and the message feed's interval. */
  readonly live?: LiveLimits;
  /** Sign-in choices the web app offers (development only: never pass them in production). */
  readonly developmentTokens?: readonly DevelopmentToken[];
}

export interface Gateway {
  readonly apollo: ApolloServer<GatewayContext>;
  readonly httpServer: http.Server;
  /** The separate /metrics listener (GatewayOptions.metricsListen), once listening. */
  readonly metricsServer: http.Server | undefined;
  readonly metrics: GatewayMetrics;
  /** Subscriptions over WebSocket on the same port and path. */
  readonly live: LiveServer;
  /** Starts Apollo and listens; resolves to the GraphQL URL. */
  listen(port: number, host: string): Promise<string>;
  /**
   * Answers new requests 503 SHUTTING_DOWN (and /readyz 503) while the requests in flight
   * finish, for up to `graceMs`; then closes every WebSocket with 1001 once its subscriptions
   * have delivered what they hold, stops listening and closes every connection.
   */
  stop(graceMs: number): Promise<void>;
}

export async function createGateway(options: GatewayOptions): Promise<Gateway> {
  const production = options.nodeEnv === 'production';
  const sandbox = !production || options.enableSandbox === true;
  const limits = options.limits ?? DEFAULT_LIMITS;
  const resilience = options.resilience ?? DEFAULT_RESILIENCE;
  const logger = options.logger ?? silentLogger();
  const metrics = options.metrics ?? createMetrics();
  const schema = await buildGatewaySchema();
  // Slow clients are bounded by these timeouts; malformed HTTP and CONNECT are answered by
  // transport-guards.ts, everything that parses as a request by the handler's error boundary.
  const httpServer = http.createServer(serverOptions(resilience));
  guardTransport(httpServer, logger, metrics);
  let accepting = true;

  const formatError = createErrorFormatter(logger, metrics, production);
  const apollo = new ApolloServer<GatewayContext>({
    gateway: jitGateway(schema),
    csrfPrevention: true,
    // The entry point owns signals and stops the stores after Apollo; Apollo's own handlers
    // would race with it.
    stopOnTerminationSignals: false,
    includeStacktraceInErrorResponses: !production,
    // "Did you mean …?" names fields a client did not know of.
    hideSchemaDetailsFromClientErrors: options.nodeEnv !== 'development',
    // The limits plugin refuses introspection itself, with its own code.
    introspection: true,
    parseOptions: { maxTokens: limits.maxTokens },
    // Automatic persisted queries are not part of the contract: no server-side query cache
    // for clients to fill.
    persistedQueries: false,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer }),
      // The contract uses no cache hints; the plugin costs ~40% on large lists.
      ApolloServerPluginCacheControlDisabled(),
      // No page at all in production without the Sandbox: nothing there for a browser to load.
      sandbox
        ? ApolloServerPluginLandingPageLocalDefault({ embed: true, footer: false })
        : ApolloServerPluginLandingPageDisabled(),
      limitsPlugin(limits, sandbox),
      observabilityPlugin(metrics, formatError),
    ],
    formatError,
  });

  // Requests accepted before shutdown began, so that shutdown waits for exactly them.
  let inFlight = 0;
  let drained: (() => void) | undefined;
  const throttle = createAuthThrottle({ limit: resilience.authFailureLimit, windowMs: resilience.authFailureWindowMs });
  const clientAddress = clientAddressResolver(options.trustProxy ?? { kind: 'none' });
  const liveLimits = options.live ?? DEFAULT_LIVE;
  const live = createLiveServer({
    httpServer,
    schema,
    stores: options.stores,
    feed: createMessageFeed({
      sql: options.stores.hotSql,
      coldSql: options.stores.coldSql,
      bounds: options.stores.bounds,
      intervalMs: liveLimits.pollIntervalMs,
      metrics,
      onError: (error) => logger.warn({ err: error }, 'live message feed: read failed; retrying'),
    }),
    secrets: options.secrets,
    limits: liveLimits,
    operationLimits: limits,
    introspection: sandbox,
    metrics,
    logger,
    throttle,
    clientAddress,
    accepting: () => accepting,
    formatError,
  });
  const handler = createRequestHandler({
    apollo,
    authenticate: createAuthenticator(options.secrets),
    context: (viewer, request, share) => createContext(options.stores, viewer, request, metrics.observeBatch, share),
    readiness: () => checkReadiness(options.probes, options.readinessTimeoutMs ?? 2000),
    accepting: () => accepting,
    metrics,
    metricsToken: options.metricsToken,
    servesMetrics: options.metricsListen === undefined,
    logger,
    throttle,
    maxBodyBytes: limits.maxBodyBytes,
    maxVariablesBytes: limits.maxVariablesBytes,
    maxJsonDepth: limits.maxJsonDepth,
    requestTimeoutMs: resilience.requestTimeoutMs,
    clientAddress,
    admission: createAdmission(options.concurrency ?? DEFAULT_CONCURRENCY),
    // The IDE follows the Sandbox: off in production unless ENABLE_SANDBOX.
    web: loadWebAssets({
      ideEnabled: sandbox,
      developmentTokens: production ? undefined : options.developmentTokens,
    }),
  });
  const metricsServer = options.metricsListen && createMetricsServer(metrics, options.metricsToken);
  httpServer.on('request', (request, response) => {
    if (accepting) {
      inFlight += 1;
      response.once('close', () => {
        inFlight -= 1;
        if (inFlight === 0) drained?.();
      });
    }
    handler(request, response);
  });

  return {
    apollo,
    httpServer,
    metricsServer,
    metrics,
    live,
    async listen(port, host) {
      await apollo.start();
      await listenOn(httpServer, port, host);
      if (metricsServer && options.metricsListen)
        await listenOn(metricsServer, options.metricsListen.port, options.metricsListen.host);
      const address = httpServer.address() as AddressInfo;
      const shownHost = host === '0.0.0.0' || host === '::' ? 'localhost' : host;
      return `http://${shownHost}:${address.port}${GRAPHQL_PATH}`;
    },
    async stop(graceMs) {
      accepting = false;
      const deadline = Date.now() + graceMs;
      // New requests are answered 503 while those in flight finish...
      await new Promise<void>((resolve) => {
        if (inFlight === 0) return resolve();
        const timer = setTimeout(resolve, graceMs);
        drained = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      // ...subscriptions deliver what they hold and their sockets close 1001...
      await live.close(Math.max(0, deadline - Date.now()));
      // ...then the drain plugin stops listening and closes idle connections; whatever is
      // still open when the grace period ends is closed.
      const forced = setTimeout(() => httpServer.closeAllConnections(), Math.max(0, deadline - Date.now()));
      try {
        await apollo.stop();
      } finally {
        clearTimeout(forced);
        if (metricsServer?.listening) {
          metricsServer.closeAllConnections();
          await new Promise<void>((resolve) => metricsServer.close(() => resolve()));
        }
      }
    },
  };
}

function listenOn(server: http.Server, port: number, host: string): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}
