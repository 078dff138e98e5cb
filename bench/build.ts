/**
 * Builds the gateway (what `npm run build` does: tsc -p tsconfig.build.json into dist/), so
 * the suite measures the compiled build a deployment runs. src/ may be mid-edit by someone
 * else: a failed build is retried after a pause, up to `attempts` times, then reported with
 * the compiler's output.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from '../src/config.js';

export async function buildGateway(log: (line: string) => void, attempts = 3, pauseMs = 60_000): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    const { code, output } = await tsc();
    if (code === 0) return;
    if (attempt >= attempts) throw new Error(`the build failed ${attempts} times; last output:\n${output}`);
    log(
      `the build failed (attempt ${attempt} of ${attempts}); retrying in ${pauseMs / 1000} s:\n${output.split('\n').slice(0, 15).join('\n')}`,
    );
    await new Promise((resolve) => setTimeout(resolve, pauseMs));
  }
}

function tsc(): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(
      process.execPath,
      [path.join(PROJECT_ROOT, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.build.json'],
      {
        cwd: PROJECT_ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.once('exit', (code) => resolve({ code, output }));
  });
}
