// Measures how long `npm start` takes to answer the README's first query, on a fresh data
// folder (first start: initdb, migrations, demo data) and again on the same folder.
//   node scripts/measure-startup.mjs [project-dir]
import { spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';

const projectDir = path.resolve(process.argv[2] ?? '.');
const QUERY = '{ stocks(first: 5) { edges { node { symbol name } } } }';

function freePort() {
  return new Promise((resolve) => {
    const server = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function timeToFirstAnswer(dataDir) {
  const port = await freePort();
  const started = performance.now();
  const child = spawn('npm', ['start'], {
    cwd: projectDir,
    env: { ...process.env, DATA_DIR: dataDir, PORT: String(port) },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  let exitCode;
  child.once('exit', (code) => (exitCode = code));
  const url = `http://127.0.0.1:${port}/graphql`;
  for (;;) {
    if (exitCode !== undefined) throw new Error(`npm start exited with ${exitCode} before answering:\n${output}`);
    if (performance.now() - started > 120_000) throw new Error(`no answer within 120 s:\n${output}`);
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: QUERY }),
      });
      const body = await response.json();
      if (body.data?.stocks?.edges?.length === 5) break;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  const elapsed = performance.now() - started;
  const exited = new Promise((resolve) => (exitCode !== undefined ? resolve(exitCode) : child.once('exit', resolve)));
  process.kill(-child.pid, 'SIGINT');
  await exited;
  await new Promise((resolve) => setTimeout(resolve, 500));
  return elapsed;
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'stock-insight-measure-'));
chmodSync(dataDir, 0o755);
try {
  const first = await timeToFirstAnswer(dataDir);
  const second = await timeToFirstAnswer(dataDir);
  console.log(`first start (fresh data folder, demo data): ${(first / 1000).toFixed(1)} s to the first answer`);
  console.log(`second start (same data folder):           ${(second / 1000).toFixed(1)} s to the first answer`);
} finally {
  rmSync(dataDir, { recursive: true, force: true });
}
