// Builds the web app and the offline IDE (web/) into web/dist, which the gateway serves at /
// and /ide. Runs on `npm install`/`npm ci` after the Prisma clients; the output stays out of
// git. Without Vite (an install with --omit=dev) there is nothing to build with: it says so and
// the gateway serves GraphQL alone.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const vite = path.join(root, 'node_modules', 'vite', 'bin', 'vite.js');
if (!existsSync(vite)) {
  console.log('build-web: vite is not installed (production install); the web app is not built');
  process.exit(0);
}
const result = spawnSync(process.execPath, [vite, 'build', '--config', path.join(root, 'web', 'vite.config.ts')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
