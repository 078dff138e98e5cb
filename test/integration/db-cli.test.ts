/**
 * The db:* commands as an operator runs them, against fresh databases named by URLs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT, type StoreConfig } from '../../src/config.js';
import { loadMigrations } from '../../src/db/migrations.js';
import { migrationsDir } from '../../src/db/stores.js';
import { freshStores, hotIsPostgres, type FreshStores } from '../support/databases.js';

const hotNames = loadMigrations(migrationsDir({ name: 'hot', provider: 'postgresql' })).map((m) => m.name);
const coldNames = loadMigrations(migrationsDir({ name: 'cold', provider: 'postgresql' })).map((m) => m.name);
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

let fresh: FreshStores;
const url = (store: StoreConfig) =>
  `postgresql://${store.user}:${encodeURIComponent(store.password)}@${store.host}:${store.port}/${store.database}`;

function db(args: string[], env: Record<string, string> = {}) {
  const result = spawnSync(process.execPath, ['--import', 'tsx', path.join('src', 'cli', 'db.ts'), ...args], {
    cwd: PROJECT_ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'development',
      HOT_DATABASE_URL: url(fresh.hot),
      COLD_DATABASE_URL: url(fresh.cold),
      ...env,
    },
  });
  return { status: result.status, out: result.stdout, err: result.stderr };
}

beforeAll(async () => {
  fresh = await freshStores({ migrated: false });
});
afterAll(() => fresh?.drop());

describe.runIf(hotIsPostgres())('npm run db:*', () => {
  it('check reports pending migrations and exits 1 until setup has run', () => {
    const before = db(['check']);
    expect(before.status).toBe(1);
    expect(before.out).toMatch(
      new RegExp(
        `hot \\(postgresql .*\\): reachable \\(connected in \\d+ ms\\), 0 applied, ${hotNames.length} pending`,
      ),
    );
    const setup = db(['setup']);
    expect(setup.status).toBe(0);
    expect(setup.out).toMatch(new RegExp(`hot .*: applied ${escape(hotNames.join(', '))}`));
    expect(setup.out).toMatch(new RegExp(`cold .*: applied ${escape(coldNames.join(', '))}`));
    const after = db(['check']);
    expect(after.status).toBe(0);
    expect(after.out).toMatch(new RegExp(`hot .*: reachable .*, ${hotNames.length} applied, up to date`));
    expect(after.out).toMatch(new RegExp(`cold .*: reachable .*, ${coldNames.length} applied, up to date`));
  });

  it('status lists every migration per store', () => {
    const { status, out } = db(['status']);
    expect(status).toBe(0);
    for (const name of [...hotNames, ...coldNames]) expect(out).toContain(`${name}  applied`);
  });

  it('rollback undoes the last migration of one store; migrate brings it back', () => {
    const rolled = db(['rollback', '--store', 'cold']);
    expect(rolled.status).toBe(0);
    expect(rolled.out).toMatch(new RegExp(`^cold .*: rolled back ${coldNames.at(-1)}$`, 'm'));
    expect(rolled.out).not.toMatch(/^hot/m);
    expect(db(['check']).status).toBe(1);
    expect(db(['migrate']).out).toMatch(
      new RegExp(`hot .*: already up to date\\ncold .*: applied ${coldNames.at(-1)}`),
    );
  });

  it('reset refuses outside development and test unless forced', () => {
    const secrets = { ADMIN_TOKEN: 'a'.repeat(20), JWT_SECRET: 'j'.repeat(40), NODE_ENV: 'production' };
    const refused = db(['reset'], secrets);
    expect(refused.status).toBe(1);
    expect(refused.err.trim()).toBe('db:reset drops every table; NODE_ENV=production, so pass --force to confirm');
    const forced = db(['reset', '--force'], secrets);
    expect(forced.status).toBe(0);
    expect(forced.out).toMatch(
      new RegExp(`hot .*: reset \\(rolled back ${hotNames.length}, applied ${hotNames.length}\\)`),
    );
    expect(forced.out).toMatch(
      new RegExp(`cold .*: reset \\(rolled back ${coldNames.length}, applied ${coldNames.length}\\)`),
    );
  });

  it('names an unreachable store in one line', () => {
    const { status, err } = db(['check'], { HOT_DATABASE_URL: 'postgresql://postgres:x@127.0.0.1:1/none' });
    expect(status).toBe(1);
    expect(err.trim().split('\n')).toHaveLength(1);
    expect(err).toMatch(/^db: hot \(postgresql 127\.0\.0\.1:1\/none\) is unreachable/);
  });

  it('rejects an unknown command with its usage', () => {
    const { status, err } = db(['explode']);
    expect(status).toBe(2);
    expect(err).toMatch(/usage: db <setup\|check\|status\|migrate\|rollback\|reset>/);
  });
});
