/**
 * How each implementation under test is started, always as its own child process on the
 * same machine and data (one at a time, so none competes with another for the two cores):
 *
 * - the gateway from the compiled build (`node dist/main.js`), in production mode, talking to
 *   the bench cluster's hot and cold databases;
 * - the peers from bench/peers/*.ts under tsx's loader (the loader compiles each module once
 *   at start; the code that runs per request is plain JavaScript).
 */
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';
import { MESSAGES_ORDERING } from '../src/graphql/message/message-sides.js';
import type { BenchCluster } from './cluster.js';
import { SINGLE_STORE_DATABASE } from './dataset/build.js';
import { startServer, type ChildServer } from './processes.js';

export const ADMIN_TOKEN = 'bench-admin-token-0123456789abcdef';
export const JWT_SECRET = 'bench-jwt-secret-'.padEnd(48, 'x');

/** `nodeArgs`: extra options for node, such as --cpu-prof (bench/profile.ts). */
export function startGateway(cluster: BenchCluster, nodeArgs: readonly string[] = []): Promise<ChildServer> {
  return startServer({
    name: 'gateway',
    command: process.execPath,
    cwd: PROJECT_ROOT,
    args: [...nodeArgs, path.join(PROJECT_ROOT, 'dist', 'main.js')],
    env: (port) => ({
      NODE_ENV: 'production',
      PORT: String(port),
      HOST: '127.0.0.1',
      ADMIN_TOKEN,
      JWT_SECRET,
      HOT_DATABASE_URL: cluster.url(cluster.hot.database),
      COLD_DATABASE_URL: cluster.url(cluster.cold.database),
      MIGRATE_ON_START: 'true',
      // Production refuses an open /metrics; the benchmark reads none.
      METRICS_TOKEN: 'bench-metrics-token-0123456789',
      // Every load connection comes from loopback but stands for a client of its own.
      ADDRESS_MAX_REQUESTS: '10000',
      ADDRESS_MAX_STATEMENTS: '10000',
    }),
    readiness: { method: 'GET', path: '/readyz' },
  });
}

export type PeerName = 'pgFloor' | 'seedStyle' | 'postgraphile';

const PEER_FILES: Record<PeerName, string> = {
  pgFloor: 'pg-floor.ts',
  seedStyle: 'seed-style.ts',
  postgraphile: 'postgraphile.ts',
};

export function startPeer(name: PeerName, cluster: BenchCluster): Promise<ChildServer> {
  return startServer({
    name,
    command: process.execPath,
    cwd: PROJECT_ROOT,
    args: ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'peers', PEER_FILES[name])],
    env: (port) => ({
      NODE_ENV: 'production',
      PEER_PORT: String(port),
      HOT_DATABASE_URL: cluster.url(cluster.hot.database),
      COLD_DATABASE_URL: cluster.url(cluster.cold.database),
      DATABASE_URL: cluster.url(SINGLE_STORE_DATABASE),
      MESSAGES_ORDERING_NAME: MESSAGES_ORDERING.name,
    }),
    readiness:
      name === 'postgraphile'
        ? { method: 'POST', path: '/graphql', body: JSON.stringify({ query: '{ __typename }' }) }
        : { method: 'GET', path: '/healthz' },
  });
}
