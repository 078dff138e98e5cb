/**
 * The gateway's entry point, and the only module with process-level side effects: reads the
 * configuration, starts the embedded PostgreSQL when no stores are configured, migrates, loads
 * demo data on a fresh embedded cluster, serves, and shuts down cleanly on SIGTERM/SIGINT.
 */
import 'reflect-metadata';
import pg from 'pg';
import { scheduleArchival } from './archival/schedule.js';
import { signToken } from './auth/viewer.js';
import { ConfigError, DEVELOPMENT_ADMIN_TOKEN, loadConfig, type Config } from './config.js';
import { EmbeddedPostgresError } from './db/embedded.js';
import { migrate, MigrationError } from './db/migrations.js';
import { describeStore, locateStores, migrationsFor, StoreUnreachableError, withMigrationSession, type LocatedStores } from './db/stores.js';
import { loadDemoData } from './demo/load.js';
import { createGateway } from './server.js';
import { pgConnectionConfig } from './stores/pg-pool.js';
import { openStores } from './stores/index.js';

const log = (line: string) => console.log(line);

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const located = await locateStores(config, log);
  let stores: ReturnType<typeof openStores> | undefined;
  try {
    for (const store of [located.hot, located.cold]) {
      await withMigrationSession(store, async (session, migrations) => {
        if (!config.migrateOnStart) return;
        const applied = await migrate(session, migrations);
        if (applied.length > 0) log(`${describeStore(store)}: applied ${applied.join(', ')}`);
      });
    }
    if (located.embedded && config.demoData) await ensureDemoData(located);

    stores = openStores(located, {
      hot: migrationsFor(located.hot).map((m) => m.name),
      cold: migrationsFor(located.cold).map((m) => m.name),
    });
    const gateway = await createGateway({
      stores,
      probes: stores.probes,
      secrets: config,
      production: config.nodeEnv === 'production',
      logError: (errorId, error) => console.error(`errorId=${errorId}`, error),
    });
    const url = await gateway.listen(config.port, config.host);
    await printBanner(config, located, url, performance.now() - started);
    const schedule = config.archivalSchedule
      ? scheduleArchival({ expression: config.archivalSchedule, olderThanDays: config.archivalOlderThanDays, cold: stores.cold, archive: stores.archive, log })
      : undefined;
    handleSignals(config, async () => {
      schedule?.stop();
      await gateway.stop(config.shutdownTimeoutMs);
      await stores?.disconnect();
      await located.release();
    });
  } catch (error) {
    await stores?.disconnect();
    await located.release();
    throw error;
  }
}

/** Loads the demo on an embedded cluster whose hot store has no users yet. */
async function ensureDemoData(located: LocatedStores): Promise<void> {
  const hot = new pg.Client(pgConnectionConfig(located.hot));
  const cold = new pg.Client(pgConnectionConfig(located.cold));
  await Promise.all([hot.connect(), cold.connect()]);
  try {
    const { rows } = await hot.query<{ present: boolean }>('SELECT EXISTS (SELECT 1 FROM users) AS present');
    if (rows[0]?.present) return;
    log('loading demo data (first start)…');
    const summary = await loadDemoData(hot, cold, { anchor: new Date(), log });
    log(`demo data loaded in ${(summary.elapsedMs / 1000).toFixed(1)} s`);
  } finally {
    await Promise.all([hot.end(), cold.end()]);
  }
}

async function printBanner(config: Config, located: LocatedStores, url: string, elapsedMs: number): Promise<void> {
  const lines = [
    '',
    `Stock Insight Gateway ready in ${(elapsedMs / 1000).toFixed(1)} s at ${url}`,
    `  hot store:  ${describeStore(located.hot)}${located.embedded ? ' [embedded]' : ''}`,
    `  cold store: ${describeStore(located.cold)}${located.embedded ? ' [embedded]' : ''}`,
  ];
  if (config.nodeEnv !== 'production') {
    const analyst = await signToken(config.jwtSecret, { sub: 1, role: 'analyst' });
    const viewer = await signToken(config.jwtSecret, { sub: 1 });
    lines.push(
      `  Apollo Sandbox: open ${url} in a browser (it loads from Apollo's CDN, so it needs internet)`,
      '  Tokens, sent as "Authorization: Bearer <token>" (valid 30 days):',
      `    admin:              ${config.adminToken}${config.adminToken === DEVELOPMENT_ADMIN_TOKEN ? '  (development default)' : ''}`,
      `    analyst:            ${analyst}`,
      `    viewer (user 1):    ${viewer}`,
      `  Try: curl -s ${url} -H 'content-type: application/json' -d '{"query":"{ stocks(first: 5) { edges { node { symbol name } } } }"}'`,
    );
  }
  log(lines.join('\n'));
}

function handleSignals(config: Config, shutdown: () => Promise<void>): void {
  let stopping = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    log(`${signal}: finishing in-flight requests (up to ${config.shutdownTimeoutMs} ms), then stopping`);
    shutdown().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);
}

/** Failures an operator fixes from the message alone; anything else also prints its stack. */
const EXPECTED_FAILURES = new Set([ConfigError, StoreUnreachableError, MigrationError, EmbeddedPostgresError]);

main().catch((error: unknown) => {
  console.error(`stock-insight-gateway: ${error instanceof Error ? error.message : String(error)}`);
  if (!(error instanceof Error && EXPECTED_FAILURES.has(error.constructor as never))) console.error(error);
  process.exit(1);
});
