// Generates the three Prisma clients (hot on SQL Server, hot on PostgreSQL, cold) into
// src/stores/*/generated. Runs on `npm install`/`npm ci`.
//
// Prisma's CLI downloads a native schema engine on first use, which machines without access
// to Prisma's binary host cannot do; `generate` does not need it, and skips the download when
// PRISMA_SCHEMA_ENGINE_BINARY names any existing file.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const schemas = ['prisma-hot', 'prisma-hot/postgresql', 'prisma-cold'];
const prisma = path.join(root, 'node_modules', 'prisma', 'build', 'index.js');
const env = {
  ...process.env,
  PRISMA_SCHEMA_ENGINE_BINARY:
    process.env.PRISMA_SCHEMA_ENGINE_BINARY && existsSync(process.env.PRISMA_SCHEMA_ENGINE_BINARY)
      ? process.env.PRISMA_SCHEMA_ENGINE_BINARY
      : process.execPath,
  CHECKPOINT_DISABLE: '1',
  PRISMA_HIDE_UPDATE_MESSAGE: '1',
};

for (const dir of schemas) {
  const result = spawnSync(
    process.execPath,
    [prisma, 'generate', '--config', path.join(root, dir, 'prisma.config.ts')],
    {
      cwd: path.join(root, dir),
      env,
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) {
    process.stderr.write(result.stdout + result.stderr);
    console.error(`prisma generate failed for ${dir}/schema.prisma`);
    process.exit(1);
  }
  console.log(`generated the Prisma client for ${dir}/schema.prisma`);
}
