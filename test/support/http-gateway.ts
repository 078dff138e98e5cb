/**
 * The gateway as production runs it, over given stores: the serving clients behind their
 * guards (openRuntime: timeouts, circuit breakers, metrics), listening on a loopback port.
 */
import type { AddressInfo } from 'node:net';
import { signToken } from '../../src/auth/viewer.js';
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
  type StoreConfig,
  type TrustProxy,
} from '../../src/config.js';
import { createMetrics, type GatewayMetrics } from '../../src/observability/metrics.js';
import { openRuntime, type Runtime } from '../../src/runtime/runtime.js';
import { createGateway, type Gateway } from '../../src/server.js';
import { capturingLogger, type CapturedLogs } from './logs.js';

export const HTTP_SECRETS = {
  adminToken: 'http-test-admin-token-0123456789',
  jwtSecret: 'http-test-jwt-secret-'.padEnd(40, 'x'),
};

const UNSHARED: ConcurrencyLimits = { ...DEFAULT_CONCURRENCY, addressStatements: 10_000, addressRequests: 10_000 };

export interface HttpGateway {
  readonly url: string;
  /** http://127.0.0.1:<port>, for /healthz, /readyz, /metrics. */
  readonly base: string;
  readonly gateway: Gateway;
  readonly stores: Runtime;
  readonly metrics: GatewayMetrics;
  readonly logs: CapturedLogs;
  /** POSTs one GraphQL operation; resolves to the status and the parsed body. */
  post(
    query: string,
    options?: { variables?: Record<string, unknown>; token?: string; headers?: Record<string, string> },
  ): Promise<{ status: number; body: any; headers: Headers }>;
  analystToken(): Promise<string>;
  stop(): Promise<void>;
}

export interface HttpGatewayOptions {
  readonly nodeEnv?: NodeEnv;
  readonly limits?: Partial<OperationLimits>;
  readonly resilience?: Partial<ResilienceConfig>;
  readonly enableSandbox?: boolean;
  readonly metricsToken?: string;
  /** Serve /metrics on its own listener (port 0: a free one). */
  readonly metricsListen?: { readonly host: string; readonly port: number };
  readonly trustProxy?: TrustProxy;
  /**
   * Every test request comes from loopback, though most suites stand for many clients: the
   * per-address shares are off (very large) unless a test sets them; the per-request one is
   * the default.
   */
  readonly concurrency?: Partial<ConcurrencyLimits>;
  /** Holds archival runs at a checkpoint until the test opens it (archival/checkpoint-gate.ts). */
  readonly archivalGate?: SharedArrayBuffer;
  /** Write the log lines and drop them, rather than keep them for the test to read (long runs). */
  readonly discardLogs?: boolean;
  /** Live delivery limits over the defaults. */
  readonly live?: Partial<LiveLimits>;
  /** The sign-in tokens the web app offers (the gateway passes them on outside production only). */
  readonly developmentTokens?: readonly { readonly label: string; readonly token: string }[];
}

export async function startHttpGateway(
  config: { hot: StoreConfig; cold: StoreConfig | undefined },
  options: HttpGatewayOptions = {},
): Promise<HttpGateway> {
  const resilience = { ...DEFAULT_RESILIENCE, ...options.resilience };
  const metrics = createMetrics();
  const logs = capturingLogger({ discard: options.discardLogs });
  const stores = openRuntime(config, {
    expectedMigrations: {},
    metrics,
    breaker: { failureThreshold: resilience.breakerFailureThreshold, resetMs: resilience.breakerResetMs },
    archivalOlderThanDays: 0,
    archivalAnswerWaitMs: resilience.archivalAnswerWaitMs,
    archivalGate: options.archivalGate,
  });
  const gateway = await createGateway({
    stores,
    probes: stores.probes,
    secrets: HTTP_SECRETS,
    nodeEnv: options.nodeEnv ?? 'production',
    logger: logs.logger,
    metrics,
    limits: { ...DEFAULT_LIMITS, ...options.limits },
    resilience,
    enableSandbox: options.enableSandbox,
    metricsToken: options.metricsToken,
    metricsListen: options.metricsListen,
    trustProxy: options.trustProxy,
    concurrency: { ...UNSHARED, ...options.concurrency },
    live: { ...DEFAULT_LIVE, ...options.live },
    developmentTokens: options.developmentTokens,
  });
  const url = await gateway.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(gateway.httpServer.address() as AddressInfo).port}`;
  return {
    url,
    base,
    gateway,
    stores,
    metrics,
    logs,
    async post(query, { variables, token, headers = {} } = {}) {
      const response = await fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...headers,
        },
        body: JSON.stringify({ query, ...(variables ? { variables } : {}) }),
      });
      return { status: response.status, body: await response.json(), headers: response.headers };
    },
    analystToken: () => signToken(HTTP_SECRETS.jwtSecret, { sub: 1, role: 'analyst' }),
    async stop() {
      await gateway.stop(1000);
      await stores.disconnect();
    },
  };
}
