/**
 * Child servers (the gateway and each peer): started on a free loopback port, awaited until
 * a readiness request answers 200, stopped with SIGTERM (SIGKILL after a grace period).
 *
 * Contract: `startServer` either resolves to a ready server or rejects with the child's last
 * output lines (a crash at start is reported, not waited for); a started server is
 * registered for clean-up, so it never outlives the harness. The child's environment is
 * exactly PATH/HOME/LANG plus `env`: nothing of the harness's shell (a stray
 * HOT_DATABASE_URL, a DATA_DIR) leaks into what is measured.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { freePort } from '../src/db/embedded.js';
import { isInterrupted, onCleanUp } from './lifecycle.js';

export interface ChildServer {
  readonly name: string;
  readonly port: number;
  readonly pid: number;
  /** http://127.0.0.1:<port> */
  readonly origin: string;
  /** The last lines the child wrote (stdout and stderr). */
  output(): string;
  stop(): Promise<void>;
}

export interface ServerSpec {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Gets the chosen port; returns the child's environment (added to PATH, HOME, LANG). */
  readonly env: (port: number) => Record<string, string>;
  /** A request that answers 200 once the server is ready. */
  readonly readiness: { readonly method: 'GET' | 'POST'; readonly path: string; readonly body?: string };
  readonly cwd?: string;
  readonly startTimeoutMs?: number;
}

const OUTPUT_LINES = 40;

export async function startServer(spec: ServerSpec): Promise<ChildServer> {
  if (isInterrupted()) throw new Error(`not starting ${spec.name}: the run was interrupted`);
  const port = await freePort();
  const base = Object.fromEntries(
    ['PATH', 'HOME', 'LANG'].flatMap((name) => (process.env[name] ? [[name, process.env[name]]] : [])),
  );
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: { ...base, ...spec.env(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim()) lines.push(line);
    }
    lines.splice(0, Math.max(0, lines.length - OUTPUT_LINES));
  };
  child.stdout.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await terminate(child, exited);
  };
  const unregister = onCleanUp(`stop ${spec.name}`, stop);
  const server: ChildServer = {
    name: spec.name,
    port,
    pid: child.pid!,
    origin: `http://127.0.0.1:${port}`,
    output: () => lines.join('\n'),
    stop: () => unregister(),
  };

  const deadline = Date.now() + (spec.startTimeoutMs ?? 90_000);
  let exitCode: number | null | undefined;
  void exited.then((code) => (exitCode = code));
  for (;;) {
    if (exitCode !== undefined) {
      await server.stop();
      throw new Error(`${spec.name} exited with ${exitCode} before it was ready:\n${server.output()}`);
    }
    if (await answers200(port, spec.readiness)) return server;
    if (Date.now() > deadline) {
      await server.stop();
      throw new Error(
        `${spec.name} was not ready after ${(spec.startTimeoutMs ?? 90_000) / 1000} s:\n${server.output()}`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function terminate(child: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const killed = await Promise.race([
    exited.then(() => true),
    new Promise((resolve) => setTimeout(() => resolve(false), 15_000)),
  ]);
  if (!killed) {
    child.kill('SIGKILL');
    await exited;
  }
}

async function answers200(port: number, readiness: ServerSpec['readiness']): Promise<boolean> {
  try {
    const response = await fetch(`http://127.0.0.1:${port}${readiness.path}`, {
      method: readiness.method,
      headers: readiness.body ? { 'content-type': 'application/json' } : {},
      body: readiness.body,
      signal: AbortSignal.timeout(2_000),
    });
    await response.arrayBuffer();
    return response.status === 200;
  } catch {
    return false;
  }
}
