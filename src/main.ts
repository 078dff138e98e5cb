/**
 * The gateway's entry point, and the only module with process-level side effects: reads the
 * configuration, starts the embedded PostgreSQL when no stores are configured, migrates, loads
 * demo data on a fresh embedded cluster, serves, and shuts down cleanly on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import pg from 'pg';
import { pino } from 'pino';
import { failInterruptedRuns } from './archival/recorded-run.js';
import { scheduleArchival } from './archival/schedule.js';
import { signToken } from './auth/viewer.js';
import {
  assertSafeToServe,
  ConfigError,
  DEVELOPMENT_ADMIN_TOKEN,
  loadConfig,
  type Config,
  type StoreConfig,
} from './config.js';
import { EmbeddedPostgresError } from './db/embedded.js';
import { migrate, MigrationError } from './db/migrations.js';
import {
  describeStore,
  locateStores,
  migrationsFor,
  StoreUnreachableError,
  withMigrationSession,
  type LocatedStores,
} from './db/stores.js';
import { loadDemoData } from './demo/load.js';
import { createLogger } from './observability/logger.js';
import { createMetrics } from './observability/metrics.js';
import { GRAPHQL_PATH } from './http/node-handler.js';
import { createGateway } from './server.js';
import { openRuntime, type Runtime } from './runtime/runtime.js';
import { pgConnectionConfig } from './stores/pg-pool.js';

// Asynchronous, buffered writes to stdout; flushed before the process exits.
const destination = pino.destination({ dest: 1, sync: false });
let log: (line: string) => void = (line) => console.log(line);

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  assertSafeToServe(config);
  const logger = createLogger(config.logLevel, destination);
  log = (line) => logger.info(line);
  const located = await locateStores(config, log);
  let runtime: Runtime | undefined;
  try {
    for (const store of [located.hot, located.cold]) {
      if (!store) continue;
      await withMigrationSession(store, async (session, migrations) => {
        if (!config.migrateOnStart) return;
        const applied = await migrate(session, migrations);
        if (applied.length > 0) log(`${describeStore(store)}: applied ${applied.join(', ')}`);
      });
    }
    if (located.embedded && located.cold && config.demoData) await ensureDemoData(located.hot, located.cold);
    const metrics = createMetrics();
    runtime = openRuntime(located, {
      expectedMigrations: {
        hot: migrationsFor(located.hot).map((m) => m.name),
        ...(located.cold ? { cold: migrationsFor(located.cold).map((m) => m.name) } : {}),
      },
      metrics,
      breaker: {
        failureThreshold: config.resilience.breakerFailureThreshold,
        resetMs: config.resilience.breakerResetMs,
      },
      archivalOlderThanDays: config.archivalOlderThanDays,
      archivalAnswerWaitMs: config.resilience.archivalAnswerWaitMs,
      log,
      onWorkerDied: (ids, error) => logger.error(`archival runs ${ids.join(', ')} ended FAILED: ${error.message}`),
    });
    if (located.cold) {
      // A run whose process died (kill -9, OOM, power) is still RUNNING in its row: end it now,
      // and settle the batches it left in both stores, unless a live process holds the archival lock.
      const interrupted = await failInterruptedRuns(located.cold, { hot: runtime.hot, log });
      if (interrupted.length > 0) log(`archival runs ${interrupted.join(', ')} were interrupted; marked FAILED`);
    }
    // Before the awaits below: the banner's flushSync does not wait for an asynchronous write
    // still in flight, so a line written just before it could follow the banner.
    if (config.singleStore)
      logger.warn('single-store mode (COLD_STORE=disabled): serving the hot store alone; archival is disabled');
    const tokens = config.nodeEnv === 'production' ? undefined : await developmentTokens(config);
    const gateway = await createGateway({
      stores: runtime,
      probes: runtime.probes,
      secrets: config,
      nodeEnv: config.nodeEnv,
      logger,
      metrics,
      limits: config.limits,
      resilience: config.resilience,
      enableSandbox: config.enableSandbox,
      metricsToken: config.metricsToken,
      metricsListen: config.metricsListen,
      trustProxy: config.trustProxy,
      concurrency: config.concurrency,
      live: config.live,
      developmentTokens: tokens && [
        { label: 'Demo user (user 1)', token: tokens.viewer },
        { label: 'Analyst', token: tokens.analyst },
        { label: 'Admin', token: config.adminToken },
      ],
    });
    const url = await gateway.listen(config.port, config.host);
    printBanner(config, located, url, tokens, performance.now() - started);
    const schedule =
      config.archivalSchedule && runtime.cold && runtime.startArchive
        ? scheduleArchival({
            expression: config.archivalSchedule,
            olderThanDays: config.archivalOlderThanDays,
            cold: runtime.cold,
            // The schedule logs each run's outcome: it waits for the end, not for the answer.
            archive: (options) => runtime!.startArchive!(options).then((run) => run.finished),
            log,
          })
        : undefined;
    if (config.archivalSchedule && !schedule)
      logger.warn('ARCHIVAL_SCHEDULE is set but archival is disabled in single-store mode; not scheduling it');
    handleSignals(config, async () => {
      schedule?.stop();
      await gateway.stop(config.shutdownTimeoutMs);
      await runtime?.disconnect();
      await located.release();
    });
  } catch (error) {
    await runtime?.disconnect();
    await located.release();
    throw error;
  }
}

/** Loads the demo on an embedded cluster whose hot store has no users yet. */
async function ensureDemoData(hotStore: StoreConfig, coldStore: StoreConfig): Promise<void> {
  const hot = new pg.Client(pgConnectionConfig(hotStore));
  const cold = new pg.Client(pgConnectionConfig(coldStore));
  // A second cold connection: messages_archive is written on it at the same time as the rest.
  const coldMessages = new pg.Client(pgConnectionConfig(coldStore));
  const clients = [hot, cold, coldMessages];
  await Promise.all(clients.map((client) => client.connect()));
  try {
    const { rows } = await hot.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS present');
    if (rows[0]?.present) return;
    log('loading demo data (first start)…');
    const summary = await loadDemoData(hot, cold, { anchor: new Date(), log, messagesConnection: coldMessages });
    log(`demo data loaded in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all(clients.map((client) => client.end()));
  }
}

/** The tokens the banner prints and the web app offers outside production. */
async function developmentTokens(config: Config): Promise<{ analyst: string; viewer: string }> {
  return {
    analyst: await signToken(config.jwtSecret, { sub: 1, role: 'analyst' }),
    viewer: await signToken(config.jwtSecret, { sub: 1 }),
  };
}

/** Production: one JSON log line. Elsewhere: a banner for a person, with ready-to-paste tokens. */
function printBanner(
  config: Config,
  located: LocatedStores,
  url: string,
  tokens: { analyst: string; viewer: string } | undefined,
  elapsedMs: number,
): void {
  const ready = `Stock Insight Gateway ready in ${(elapsedMs / 1000).toFixed(1)} s at ${url}`;
  const cold = located.cold ? describeStore(located.cold) : 'disabled (single-store mode)';
  if (config.nodeEnv === 'production' || !tokens)
    return log(`${ready} (hot store ${describeStore(located.hot)}, cold store ${cold})`);
  const { analyst, viewer } = tokens;
  const origin = url.slice(0, -GRAPHQL_PATH.length);
  const lines = [
    '',
    ready,
    `  hot store:  ${describeStore(located.hot)}${located.embedded ? ' [embedded]' : ''}`,
    `  cold store: ${cold}${located.embedded && located.cold ? ' [embedded]' : ''}`,
    `  Web app:        ${origin}/ (sign in as the demo user, the analyst or the admin)`,
    `  GraphiQL IDE:   ${origin}/ide (served by the gateway itself: works offline)`,
    `  Apollo Sandbox: open ${url} in a browser (it loads from Apollo's CDN, so it needs internet)`,
    '  Tokens, sent as "Authorization: Bearer <token>" (valid 30 days):',
    `    admin:              ${config.adminToken}${config.adminToken === DEVELOPMENT_ADMIN_TOKEN ? '  (development default)' : ''}`,
    `    analyst:            ${analyst}`,
    `    viewer (user 1):    ${viewer}`,
    `  Try: curl -s ${url} -H 'content-type: application/json' -d '{"query":"{ stocks(first: 5) { edges { node { symbol name } } } }"}'`,
  ];
  // After the log lines written so far, not between them.
  destination.flushSync();
  console.log(lines.join('\n'));
}

function handleSignals(config: Config, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests (up to ${config.shutdownTimeoutMs} ms), then stopping`);
    shutdown().then(
      () => exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Failures an operator fixes from the message alone; anything else also prints its stack. */
const EXPECTED_FAILURES = new Set([ConfigError, StoreUnreachableError, MigrationError, EmbeddedPostgresError]);

/** Exits once the buffered log lines are written. */
function exit(code: number): never {
  destination.flushSync();
  process.exit(code);
}

main().catch((error: unknown) => {
  console.error(`stock-insight-gateway: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof Error && EXPECTED_FAILURES.has(error.constructor as never))) console.error(error);
  exit(1);
});
