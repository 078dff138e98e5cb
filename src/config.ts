/**
 * The gateway's configuration: the only module that reads process.env.
 *
 * `loadConfig` validates everything up front and throws a `ConfigError` whose message is one
 * line naming the offending variable, so a bad deployment stops at start-up instead of at the
 * first request.
 */
import { isIP } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cron } from 'croner';

export type NodeEnv = 'development' | 'production' | 'test';
export type StoreName = 'hot' | 'cold';
export type StoreProvider = 'postgresql' | 'sqlserver';
/** disable: plain TCP; require: encrypted, any certificate; verify-full: encrypted and verified. */
export type TlsMode = 'disable' | 'require' | 'verify-full';

export interface PoolConfig {
  /** Connections per store (the seed's pool_size). */
  readonly max: number;
  /** How long a query may wait for a free connection (the seed's pool_timeout). */
  readonly acquireTimeoutMs: number;
  /** Connections are closed and replaced after this long (the seed's pool_recycle). */
  readonly maxLifetimeSeconds: number;
  /** Idle connections beyond need are closed after this long. */
  readonly idleTimeoutMs: number;
}

export interface StoreConfig {
  readonly name: StoreName;
  readonly provider: StoreProvider;
  readonly host: string;
  readonly port: number;
  readonly database: string;
  readonly user: string;
  readonly password: string;
  readonly tls: TlsMode;
  readonly pool: PoolConfig;
  readonly connectTimeoutMs: number;
  /** TCP keepalive probe delay, so a dead peer is noticed on an idle connection. */
  readonly keepAliveInitialDelayMs: number;
  /**
   * The longest one statement of a serving request may take, waiting for a pooled connection
   * included; the database cancels it too (statement_timeout, requestTimeout). Migrations,
   * archival and restore use their own connections without it.
   */
  readonly queryTimeoutMs: number;
}

/** Pool and connection settings that apply to a store whichever way it is located. */
export type StoreTuning = Pick<StoreConfig, 'pool' | 'connectTimeoutMs' | 'keepAliveInitialDelayMs' | 'queryTimeoutMs'>;

export type StoresConfig =
  /** `cold` is undefined in single-store mode (COLD_STORE=disabled). */
  | { readonly mode: 'external'; readonly hot: StoreConfig; readonly cold: StoreConfig | undefined }
  | {
      readonly mode: 'embedded';
      /** Where the embedded PostgreSQL keeps its cluster; a new folder means a fresh demo. */
      readonly dataDir: string;
      /** 0 picks a free port at start. */
      readonly port: number;
      readonly hotTuning: StoreTuning;
      readonly coldTuning: StoreTuning;
    };

/**
 * What one GraphQL operation may ask for. The defaults start from graphql-armor's (depth 6,
 * aliases 15, cost 5000, tokens 1000, directives 50), widened where the contract's own
 * queries need it: a viewer's conversations with their messages and senders is 9 levels deep.
 */
export interface OperationLimits {
  /** Nested field levels, fragments expanded (__typename not counted). */
  readonly maxDepth: number;
  /** Aliased fields in the whole operation. */
  readonly maxAliases: number;
  /** Fields requested, each multiplied by the first/last (or ids) of every list above it. */
  readonly maxCost: number;
  /** Lexical tokens in the document; parsing stops at the limit. */
  readonly maxTokens: number;
  /** Directives in the whole document. */
  readonly maxDirectives: number;
  /** HTTP request body; larger bodies are refused before they are read in full. */
  readonly maxBodyBytes: number;
  /** The variables object, as JSON. */
  readonly maxVariablesBytes: number;
  /** Nesting of arrays and objects in a JSON body (or GET variables/extensions); deeper is 400. */
  readonly maxJsonDepth: number;
}

export interface ResilienceConfig {
  /** A whole GraphQL request; past it the client gets REQUEST_TIMEOUT. */
  readonly requestTimeoutMs: number;
  /**
   * How long runArchival and restoreArchive wait for their run to finish before they answer it
   * RUNNING (the run goes on in the background). At most half of requestTimeoutMs, so that the
   * answer never races the request's timeout.
   */
  readonly archivalAnswerWaitMs: number;
  /** Consecutive unavailable-store failures that open a store's circuit breaker. */
  readonly breakerFailureThreshold: number;
  /** How long an open breaker fails fast before it lets one trial statement through. */
  readonly breakerResetMs: number;
  /** Failed authentications per client address within the window before 429. */
  readonly authFailureLimit: number;
  readonly authFailureWindowMs: number;
  /** A client must send its request line and headers within this (then 408 and close). */
  readonly headersTimeoutMs: number;
  /** ...and its whole request, body included, within this (then 408 and close). */
  readonly receiveTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  readonly keepAliveTimeoutMs: number;
}

/**
 * Which peers may say who the client is in X-Forwarded-For (proxy-addr's semantics): none (the
 * socket's address is the client's), the nearest `hops` peers, or peers whose address is in
 * `ranges`. http/client-address.ts walks from the socket leftwards through the header and
 * takes the first address that is not trusted.
 */
export type TrustProxy =
  | { readonly kind: 'none' }
  | { readonly kind: 'hops'; readonly hops: number }
  /** Validated CIDRs (`10.0.0.0/8`, `::1/128`); the names loopback, linklocal, uniquelocal expanded. */
  | {
      readonly kind: 'ranges';
      readonly ranges: readonly {
        readonly address: string;
        readonly prefix: number;
        readonly family: 'ipv4' | 'ipv6';
      }[];
    };

/** proxy-addr's named ranges. */
const NAMED_RANGES: Readonly<Record<string, readonly string[]>> = {
  loopback: ['127.0.0.0/8', '::1/128'],
  linklocal: ['169.254.0.0/16', 'fe80::/10'],
  uniquelocal: ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', 'fc00::/7'],
};

/**
 * Bounds on how much of the stores one request and one client address may hold at once, so a
 * single client cannot starve the pools (README "Concurrency per request and per address").
 */
export interface ConcurrencyLimits {
  /** Statements one GraphQL request runs at once; the rest wait their turn. */
  readonly requestStatements: number;
  /** Statements all requests of one client address run at once; the rest wait their turn. */
  readonly addressStatements: number;
  /** GraphQL requests in flight from one client address; one more is 429 RATE_LIMITED. */
  readonly addressRequests: number;
}

/**
 * Live delivery (GraphQL over WebSocket, README "Live chat"): what one socket, one address and
 * one subscription may hold, and how often each process's feed reads the hot store.
 */
export interface LiveLimits {
  /** Subscriptions open on one socket; one more is refused with RATE_LIMITED. */
  readonly subscriptionsPerConnection: number;
  /** Subscriptions open from one client address, over all its sockets. */
  readonly subscriptionsPerAddress: number;
  /** Sockets open from one client address; one more is refused at the upgrade (429). */
  readonly socketsPerAddress: number;
  /** A larger incoming WebSocket message closes the socket (1009). */
  readonly maxMessageBytes: number;
  /** Incoming messages per second per socket (a burst of twice as many); more close it (1008). */
  readonly messagesPerSecond: number;
  /** A ping every interval; no pong by the next one closes the socket. */
  readonly pingIntervalMs: number;
  /** A socket with no subscription for this long is closed (4000). */
  readonly idleTimeoutMs: number;
  /** connection_init must arrive within this (4408). */
  readonly initTimeoutMs: number;
  /** Events waiting for one subscriber; one more ends its subscription with SLOW_CONSUMER. */
  readonly queueLimit: number;
  /** How often the feed reads new messages of the watched conversations (one statement). */
  readonly pollIntervalMs: number;
}

export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

export interface Config {
  readonly nodeEnv: NodeEnv;
  readonly host: string;
  readonly port: number;
  readonly adminToken: string;
  readonly jwtSecret: string;
  /** True when ADMIN_TOKEN / JWT_SECRET fell back to the development defaults. */
  readonly usesDevelopmentSecrets: boolean;
  readonly stores: StoresConfig;
  /** Load deterministic demo data into an empty embedded cluster. */
  readonly demoData: boolean;
  /** Apply pending migrations to both stores at start. */
  readonly migrateOnStart: boolean;
  /** Grace period for in-flight requests at shutdown. */
  readonly shutdownTimeoutMs: number;
  /** An in-process archival schedule (cron, UTC), for deployments without cron; off when undefined. */
  readonly archivalSchedule: string | undefined;
  /** What scheduled runs and `npm run archive` pass as olderThanDays. */
  readonly archivalOlderThanDays: number;
  /** Where `npm run archive` finds the running gateway. */
  readonly gatewayUrl: string;
  /** Single-store mode (COLD_STORE=disabled): the hot store alone, archival off. */
  readonly singleStore: boolean;
  readonly limits: OperationLimits;
  readonly resilience: ResilienceConfig;
  /** Introspection and the Sandbox landing page (always on outside production). */
  readonly enableSandbox: boolean;
  readonly logLevel: LogLevel;
  /** When set, /metrics needs `Authorization: Bearer <METRICS_TOKEN>`. */
  readonly metricsToken: string | undefined;
  /**
   * Where /metrics is served on its own listener (METRICS_HOST, METRICS_PORT); undefined when
   * it shares the GraphQL listener. In production one of this or `metricsToken` is required.
   */
  readonly metricsListen: { readonly host: string; readonly port: number } | undefined;
  /** Which peers may name the client in X-Forwarded-For (behind a reverse proxy that sets it). */
  readonly trustProxy: TrustProxy;
  readonly concurrency: ConcurrencyLimits;
  readonly live: LiveLimits;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(
    readonly variable: string,
    problem: string,
  ) {
    super(`invalid configuration: ${variable} ${problem}`);
  }
}

/** The project root: two levels above this file in both src/ and dist/. */
export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const DEVELOPMENT_ADMIN_TOKEN = 'dev-admin-token-not-for-production';
export const DEVELOPMENT_JWT_SECRET = 'dev-jwt-secret-not-for-production-0000';

type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env): Config {
  const read = reader(env);
  const nodeEnv = read.oneOf('NODE_ENV', ['development', 'production', 'test'] as const, 'development');
  const production = nodeEnv === 'production';

  const adminToken = read.string('ADMIN_TOKEN');
  const jwtSecret = read.string('JWT_SECRET');
  if (production && !adminToken) throw new ConfigError('ADMIN_TOKEN', 'is required when NODE_ENV=production');
  if (production && !jwtSecret) throw new ConfigError('JWT_SECRET', 'is required when NODE_ENV=production');
  if (adminToken !== undefined && adminToken.length < 16) {
    throw new ConfigError('ADMIN_TOKEN', 'must be at least 16 characters');
  }
  if (jwtSecret !== undefined && jwtSecret.length < 32) {
    throw new ConfigError('JWT_SECRET', 'must be at least 32 characters (HS256 needs a 256-bit key)');
  }

  const singleStore = read.oneOf('COLD_STORE', ['enabled', 'disabled'] as const, 'enabled') === 'disabled';
  const metricsToken = read.string('METRICS_TOKEN');
  if (metricsToken !== undefined && metricsToken.length < 16)
    throw new ConfigError('METRICS_TOKEN', 'must be at least 16 characters');
  const metricsListen = readMetricsListen(read);

  return {
    nodeEnv,
    host: read.string('HOST') ?? (production ? '0.0.0.0' : '127.0.0.1'),
    port: read.int('PORT', 4000, 0, 65535),
    adminToken: adminToken ?? DEVELOPMENT_ADMIN_TOKEN,
    jwtSecret: jwtSecret ?? DEVELOPMENT_JWT_SECRET,
    usesDevelopmentSecrets: !adminToken || !jwtSecret,
    stores: readStores(read, production, singleStore),
    demoData: read.bool('DEMO_DATA', true),
    migrateOnStart: read.bool('MIGRATE_ON_START', true),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    archivalSchedule: readSchedule(read),
    archivalOlderThanDays: read.int('ARCHIVAL_OLDER_THAN_DAYS', 30, 0, 3650),
    gatewayUrl: read.string('GATEWAY_URL') ?? `http://127.0.0.1:${read.int('PORT', 4000, 0, 65535) || 4000}/graphql`,
    singleStore,
    limits: readLimits(read),
    resilience: readResilience(read),
    enableSandbox: production ? read.bool('ENABLE_SANDBOX', false) : read.bool('ENABLE_SANDBOX', true),
    logLevel: read.oneOf('LOG_LEVEL', ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const, 'info'),
    metricsToken,
    metricsListen,
    trustProxy: readTrustProxy(read),
    concurrency: readConcurrency(read),
    live: readLive(read),
  };
}

/**
 * /metrics names operations, error rates and store latencies, so production never serves it to
 * anyone who can reach the GraphQL port: it needs METRICS_TOKEN, or its own listener
 * (METRICS_PORT, on METRICS_HOST, loopback by default); `assertSafeToServe` refuses anything
 * else. Outside production it shares the GraphQL listener unless METRICS_PORT is set.
 */
function readMetricsListen(read: Reader): Config['metricsListen'] {
  const port = read.string('METRICS_PORT') === undefined ? undefined : read.int('METRICS_PORT', 0, 0, 65535);
  const host = read.string('METRICS_HOST');
  if (host !== undefined && port === undefined)
    throw new ConfigError('METRICS_HOST', 'needs METRICS_PORT (the port of the separate /metrics listener)');
  return port === undefined ? undefined : { host: host ?? '127.0.0.1', port };
}

/**
 * What only a serving process needs on top of `loadConfig` (the CLIs share the configuration
 * but serve nothing): in production, /metrics must not answer anyone who reaches the GraphQL
 * port, so it needs METRICS_TOKEN or a listener of its own (METRICS_PORT).
 */
export function assertSafeToServe(config: Config): void {
  if (config.nodeEnv === 'production' && config.metricsToken === undefined && config.metricsListen === undefined) {
    throw new ConfigError(
      'METRICS_TOKEN',
      'is required when NODE_ENV=production, unless METRICS_PORT serves /metrics on its own address (METRICS_HOST, default 127.0.0.1)',
    );
  }
}

/**
 * TRUST_PROXY: unset or false trusts no proxy; a whole number trusts that many hops; a comma
 * list trusts those addresses, CIDRs and the names loopback, linklocal, uniquelocal. `true`
 * (the old switch) means one hop, the proxy in front: trusting every hop, as proxy-addr does,
 * would let any client write its own address.
 */
function readTrustProxy(read: Reader): TrustProxy {
  const value = read.string('TRUST_PROXY');
  if (value === undefined) return { kind: 'none' };
  const lower = value.toLowerCase();
  if (['0', 'false', 'no', 'off'].includes(lower)) return { kind: 'none' };
  if (['true', 'yes', 'on'].includes(lower)) return { kind: 'hops', hops: 1 };
  if (/^\d+$/.test(value)) return { kind: 'hops', hops: read.int('TRUST_PROXY', 0, 0, 100) };
  const ranges = value
    .split(',')
    .map((entry) => entry.trim())
    .filter((entry) => entry !== '')
    .flatMap((entry) => NAMED_RANGES[entry.toLowerCase()] ?? [entry]);
  return { kind: 'ranges', ranges: ranges.map((entry) => parseRange(entry)) };
}

function parseRange(entry: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } {
  const [address = '', prefixText, extra] = entry.split('/');
  const version = isIP(address);
  const bits = version === 4 ? 32 : 128;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (
    version === 0 ||
    extra !== undefined ||
    (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) ||
    prefix > bits
  ) {
    throw new ConfigError(
      'TRUST_PROXY',
      `must be true, false, a hop count, or a comma list of addresses, CIDRs, loopback, linklocal, uniquelocal (got "${entry}")`,
    );
  }
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

function readConcurrency(read: Reader): ConcurrencyLimits {
  return {
    requestStatements: read.int('REQUEST_MAX_STATEMENTS', 4, 1, 1000),
    addressStatements: read.int('ADDRESS_MAX_STATEMENTS', 5, 1, 10_000),
    addressRequests: read.int('ADDRESS_MAX_REQUESTS', 8, 1, 10_000),
  };
}

function readLive(read: Reader): LiveLimits {
  return {
    subscriptionsPerConnection: read.int('LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', 20, 1, 10_000),
    subscriptionsPerAddress: read.int('LIVE_MAX_SUBSCRIPTIONS_PER_ADDRESS', 200, 1, 1_000_000),
    socketsPerAddress: read.int('LIVE_MAX_SOCKETS_PER_ADDRESS', 50, 1, 1_000_000),
    maxMessageBytes: read.int('LIVE_MAX_MESSAGE_BYTES', 64 * 1024, 1024, 16 * 1024 * 1024),
    messagesPerSecond: read.int('LIVE_MAX_MESSAGES_PER_SECOND', 20, 1, 100_000),
    pingIntervalMs: read.int('LIVE_PING_INTERVAL_MS', 15_000, 100, 600_000),
    idleTimeoutMs: read.int('LIVE_IDLE_TIMEOUT_MS', 60_000, 100, 3_600_000),
    initTimeoutMs: read.int('LIVE_INIT_TIMEOUT_MS', 3_000, 100, 600_000),
    queueLimit: read.int('LIVE_QUEUE_LIMIT', 256, 1, 100_000),
    pollIntervalMs: read.int('LIVE_POLL_INTERVAL_MS', 100, 10, 60_000),
  };
}

/** The limits and resilience settings with no variable set (tests and tools). */
export const DEFAULT_LIMITS: OperationLimits = readLimits(reader({}));
export const DEFAULT_RESILIENCE: ResilienceConfig = readResilience(reader({}));
export const DEFAULT_CONCURRENCY: ConcurrencyLimits = readConcurrency(reader({}));
export const DEFAULT_LIVE: LiveLimits = readLive(reader({}));

function readLimits(read: Reader): OperationLimits {
  return {
    maxDepth: read.int('QUERY_MAX_DEPTH', 10, 1, 100),
    maxAliases: read.int('QUERY_MAX_ALIASES', 15, 0, 1000),
    maxCost: read.int('QUERY_MAX_COST', 5000, 1, 10_000_000),
    maxTokens: read.int('QUERY_MAX_TOKENS', 1000, 10, 1_000_000),
    maxDirectives: read.int('QUERY_MAX_DIRECTIVES', 50, 0, 10_000),
    maxBodyBytes: read.int('MAX_BODY_BYTES', 1024 * 1024, 1024, 100 * 1024 * 1024),
    maxVariablesBytes: read.int('MAX_VARIABLES_BYTES', 256 * 1024, 64, 100 * 1024 * 1024),
    maxJsonDepth: read.int('MAX_JSON_DEPTH', 64, 2, 1000),
  };
}

function readResilience(read: Reader): ResilienceConfig {
  const requestTimeoutMs = read.int('REQUEST_TIMEOUT_MS', 15_000, 100, 600_000);
  const archivalAnswerWaitMs = read.int('ARCHIVAL_ANSWER_WAIT_MS', 2_000, 0, 300_000);
  if (archivalAnswerWaitMs > requestTimeoutMs / 2)
    throw new ConfigError(
      'ARCHIVAL_ANSWER_WAIT_MS',
      `must be at most half of REQUEST_TIMEOUT_MS (${requestTimeoutMs})`,
    );
  return {
    requestTimeoutMs,
    archivalAnswerWaitMs,
    breakerFailureThreshold: read.int('STORE_BREAKER_FAILURES', 5, 1, 1000),
    breakerResetMs: read.int('STORE_BREAKER_RESET_MS', 5_000, 100, 600_000),
    authFailureLimit: read.int('AUTH_FAILURE_LIMIT', 10, 1, 100_000),
    authFailureWindowMs: read.int('AUTH_FAILURE_WINDOW_MS', 60_000, 1000, 86_400_000),
    headersTimeoutMs: read.int('HTTP_HEADERS_TIMEOUT_MS', 20_000, 100, 600_000),
    receiveTimeoutMs: read.int('HTTP_RECEIVE_TIMEOUT_MS', 30_000, 100, 600_000),
    keepAliveTimeoutMs: read.int('HTTP_KEEP_ALIVE_TIMEOUT_MS', 5_000, 100, 600_000),
  };
}

function readStores(read: Reader, production: boolean, singleStore: boolean): StoresConfig {
  const hotTuning = readTuning(read, 'HOT', 20);
  const coldTuning = readTuning(read, 'COLD', 10);
  const hot = readStore(read, 'hot', hotTuning);
  const cold = readStore(read, 'cold', coldTuning);
  if (singleStore && cold)
    throw new ConfigError('COLD_STORE', 'is disabled, but COLD_DATABASE_URL (or COLD_DB_*) is set; unset one of them');
  if (singleStore && hot) return { mode: 'external', hot, cold: undefined };
  if (hot && cold) return { mode: 'external', hot, cold };
  if (hot || cold) {
    const missing = hot ? 'COLD_DATABASE_URL' : 'HOT_DATABASE_URL';
    const alone = hot ? ', or COLD_STORE=disabled to serve the hot store alone' : '';
    throw new ConfigError(
      missing,
      `is required when the other store is configured (set both stores, or neither for the embedded PostgreSQL${alone})`,
    );
  }
  if (production) {
    throw new ConfigError(
      'HOT_DATABASE_URL',
      'is required when NODE_ENV=production (the embedded PostgreSQL is for development)',
    );
  }
  return {
    mode: 'embedded',
    dataDir: path.resolve(PROJECT_ROOT, read.string('DATA_DIR') ?? '.data'),
    port: read.int('EMBEDDED_PG_PORT', 0, 0, 65535),
    hotTuning,
    coldTuning,
  };
}

function readSchedule(read: Reader): string | undefined {
  const expression = read.string('ARCHIVAL_SCHEDULE');
  if (expression === undefined) return undefined;
  try {
    new Cron(expression, { paused: true, timezone: 'UTC' }).stop();
  } catch (error) {
    throw new ConfigError(
      'ARCHIVAL_SCHEDULE',
      `is not a cron expression (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  return expression;
}

function readTuning(read: Reader, prefix: 'HOT' | 'COLD', defaultPoolSize: number): StoreTuning {
  return {
    pool: {
      max: read.int(`${prefix}_DB_POOL_SIZE`, defaultPoolSize, 1, 1000),
      acquireTimeoutMs: read.int(`${prefix}_DB_POOL_TIMEOUT_MS`, 30_000, 1, 600_000),
      maxLifetimeSeconds: read.int(`${prefix}_DB_POOL_RECYCLE_SECONDS`, 3600, 1, 86_400),
      idleTimeoutMs: read.int(`${prefix}_DB_POOL_IDLE_MS`, 600_000, 1, 86_400_000),
    },
    connectTimeoutMs: read.int(`${prefix}_DB_CONNECT_TIMEOUT_MS`, 10_000, 1, 600_000),
    keepAliveInitialDelayMs: read.int(`${prefix}_DB_KEEPALIVE_MS`, 600_000, 1, 86_400_000),
    queryTimeoutMs: read.int(`${prefix}_DB_QUERY_TIMEOUT_MS`, 5_000, 50, 600_000),
  };
}

/** A store from its URL or from its parts; undefined when neither is set. */
function readStore(read: Reader, name: StoreName, tuning: StoreTuning): StoreConfig | undefined {
  const P = name.toUpperCase();
  const urlVar = `${P}_DATABASE_URL`;
  const url = read.string(urlVar);
  const partVars = ['HOST', 'PORT', 'NAME', 'USER', 'PASSWORD', 'PROVIDER'].map((p) => `${P}_DB_${p}`);
  const hasParts = partVars.some((v) => read.string(v) !== undefined);
  if (url && hasParts) {
    throw new ConfigError(urlVar, `and ${P}_DB_* parts are both set; use one or the other`);
  }

  let located: Omit<StoreConfig, keyof StoreTuning | 'tls' | 'name'> & { tls?: TlsMode };
  if (url) {
    located = parseStoreUrl(urlVar, url);
  } else if (hasParts) {
    const provider = read.oneOf(
      `${P}_DB_PROVIDER`,
      ['postgresql', 'sqlserver'] as const,
      name === 'hot' ? 'sqlserver' : 'postgresql',
    );
    located = {
      provider,
      host: read.required(`${P}_DB_HOST`),
      port: read.int(`${P}_DB_PORT`, provider === 'sqlserver' ? 1433 : 5432, 1, 65535),
      database: read.required(`${P}_DB_NAME`),
      user: read.required(`${P}_DB_USER`),
      password: read.string(`${P}_DB_PASSWORD`) ?? '',
    };
  } else {
    return undefined;
  }
  if (name === 'cold' && located.provider !== 'postgresql') {
    throw new ConfigError(
      url ? urlVar : `${P}_DB_PROVIDER`,
      'must name a PostgreSQL server (the cold store is PostgreSQL)',
    );
  }
  const defaultTls: TlsMode = located.tls ?? (located.provider === 'sqlserver' ? 'require' : 'disable');
  return {
    name,
    ...located,
    tls: read.oneOf(`${P}_DB_TLS`, ['disable', 'require', 'verify-full'] as const, defaultTls),
    ...tuning,
  };
}

/**
 * Parses `postgresql://user:pass@host:port/db?sslmode=…` or Prisma's SQL Server form
 * `sqlserver://host:port;database=db;user=u;password=p;encrypt=true;trustServerCertificate=true`.
 */
export function parseStoreUrl(
  variable: string,
  url: string,
): Omit<StoreConfig, keyof StoreTuning | 'tls' | 'name'> & { tls?: TlsMode } {
  if (/^postgres(ql)?:\/\//i.test(url)) {
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new ConfigError(variable, 'is not a valid postgresql:// URL');
    }
    const database = decodeURIComponent(parsed.pathname.replace(/^\//, ''));
    if (!parsed.hostname) throw new ConfigError(variable, 'has no host');
    if (!database) throw new ConfigError(variable, 'has no database name');
    const sslmode = parsed.searchParams.get('sslmode');
    return {
      provider: 'postgresql',
      host: decodeURIComponent(parsed.hostname),
      port: parsed.port ? Number(parsed.port) : 5432,
      database,
      user: decodeURIComponent(parsed.username) || 'postgres',
      password: decodeURIComponent(parsed.password),
      tls:
        sslmode === null
          ? undefined
          : sslmode === 'disable'
            ? 'disable'
            : sslmode === 'verify-full'
              ? 'verify-full'
              : 'require',
    };
  }
  if (/^sqlserver:\/\//i.test(url)) {
    const [address = '', ...pairs] = splitSqlServerUrl(url.replace(/^sqlserver:\/\//i, ''));
    const [host, portText] = address.split(':');
    if (!host) throw new ConfigError(variable, 'has no host');
    const props = new Map<string, string>();
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq < 0) throw new ConfigError(variable, `has a malformed property "${pair.split('=')[0]}"`);
      props.set(pair.slice(0, eq).trim().toLowerCase(), unbrace(pair.slice(eq + 1).trim()));
    }
    const port = portText ? Number(portText) : 1433;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ConfigError(variable, 'has an invalid port');
    const database = props.get('database') ?? props.get('initial catalog');
    if (!database) throw new ConfigError(variable, 'has no database= property');
    const encrypt = props.get('encrypt');
    const trust = props.get('trustservercertificate');
    return {
      provider: 'sqlserver',
      host,
      port,
      database,
      user: props.get('user') ?? props.get('username') ?? props.get('uid') ?? 'sa',
      password: props.get('password') ?? props.get('pwd') ?? '',
      tls:
        encrypt === 'false'
          ? 'disable'
          : trust === 'false'
            ? 'verify-full'
            : encrypt === undefined && trust === undefined
              ? undefined
              : 'require',
    };
  }
  throw new ConfigError(variable, 'must start with postgresql:// or sqlserver://');
}

/** Splits on `;` outside `{…}` (Prisma's escape for values containing `;`). */
function splitSqlServerUrl(text: string): string[] {
  const parts: string[] = [];
  let current = '';
  let depth = 0;
  for (const ch of text) {
    if (ch === '{') depth++;
    if (ch === '}') depth = Math.max(0, depth - 1);
    if (ch === ';' && depth === 0) {
      if (current) parts.push(current);
      current = '';
    } else current += ch;
  }
  if (current) parts.push(current);
  return parts;
}

function unbrace(value: string): string {
  return value.startsWith('{') && value.endsWith('}') ? value.slice(1, -1) : value;
}

interface Reader {
  string(name: string): string | undefined;
  required(name: string): string;
  int(name: string, fallback: number, min: number, max: number): number;
  bool(name: string, fallback: boolean): boolean;
  oneOf<const T extends string>(name: string, values: readonly T[], fallback: T): T;
}

function reader(env: Env): Reader {
  const string = (name: string) => {
    const value = env[name]?.trim();
    return value === undefined || value === '' ? undefined : value;
  };
  return {
    string,
    required(name) {
      const value = string(name);
      if (value === undefined) throw new ConfigError(name, 'is required');
      return value;
    },
    int(name, fallback, min, max) {
      const value = string(name);
      if (value === undefined) return fallback;
      const n = Number(value);
      if (!/^-?\d+$/.test(value) || n < min || n > max) {
        throw new ConfigError(name, `must be a whole number from ${min} to ${max} (got "${value}")`);
      }
      return n;
    },
    bool(name, fallback) {
      const value = string(name)?.toLowerCase();
      if (value === undefined) return fallback;
      if (['1', 'true', 'yes', 'on'].includes(value)) return true;
      if (['0', 'false', 'no', 'off'].includes(value)) return false;
      throw new ConfigError(name, `must be true or false (got "${value}")`);
    },
    oneOf(name, values, fallback) {
      const value = string(name);
      if (value === undefined) return fallback;
      const match = values.find((v) => v === value.toLowerCase());
      if (!match) throw new ConfigError(name, `must be one of ${values.join(', ')} (got "${value}")`);
      return match;
    },
  };
}
