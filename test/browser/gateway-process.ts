/**
 * `npm start` as a newcomer runs it: src/main.ts in a child process, on a fresh embedded
 * PostgreSQL in a temporary DATA_DIR (demo data loaded on first start), on a free port. The
 * origin and the tokens come from the banner it prints.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface GatewayProcess {
  readonly origin: string;
  readonly analystToken: string;
  readonly viewerToken: string;
  readonly adminToken: string;
  /** POSTs one GraphQL operation to /graphql with a token; returns `data` (throws on errors). */
  graphql(token: string, query: string, variables?: Record<string, unknown>): Promise<any>;
  stop(): Promise<void>;
}

const ROOT = path.resolve(import.meta.dirname, '..', '..');

export async function startGatewayProcess(): Promise<GatewayProcess> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sig-browser-'));
  // As root, the embedded PostgreSQL runs as the postgres user, which must reach its data.
  chmodSync(dataDir, 0o755);
  const child: ChildProcess = spawn(
    process.execPath,
    [path.join(ROOT, 'node_modules', 'tsx', 'dist', 'cli.mjs'), 'src/main.ts'],
    {
      cwd: ROOT,
      env: {
        ...process.env,
        NODE_ENV: 'development',
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  const banner = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString('utf8');
      if (/viewer \(user 1\):\s+\S+/.test(output)) resolve(output);
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`the gateway exited (${code}) before it was ready:\n${output}`)));
  });
  const field = (pattern: RegExp) => {
    const match = pattern.exec(banner);
    if (!match) throw new Error(`banner without ${pattern}:\n${banner}`);
    return match[1];
  };
  const origin = field(/ready in [\d.]+ s at (http:\/\/[^/\s]+)\/graphql/);
  return {
    origin,
    adminToken: field(/admin:\s+(\S+)/),
    analystToken: field(/analyst:\s+(\S+)/),
    viewerToken: field(/viewer \(user 1\):\s+(\S+)/),
    async graphql(token, query, variables = {}) {
      const response = await fetch(`${origin}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: unknown; errors?: unknown[] };
      if (body.errors) throw new Error(JSON.stringify(body.errors));
      return body.data;
    },
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((resolve) => child.once('exit', resolve));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
