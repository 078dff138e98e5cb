/**
 * `npm run db:<command>`: the seed's db.sh for both stores.
 *
 *   setup      create the databases if missing, then migrate both stores
 *   check      connectivity (with latency) and pending migrations per store; exit 1 if not ready
 *   status     every migration of each store: applied, pending, failed, modified
 *   migrate    apply pending migrations to both stores
 *   rollback   run down.sql of the last applied migration (--store hot|cold, default both)
 *   reset      roll back everything and migrate again; refuses outside development without --force
 *
 * With no database URLs configured, the commands work on the embedded cluster (starting it
 * for the command's duration when the gateway is not running).
 */
import 'reflect-metadata';
import { ConfigError, loadConfig, type StoreConfig } from '../config.js';
import { EmbeddedPostgresError } from '../db/embedded.js';
import { migrate, MigrationError, readStatus, reset, rollback } from '../db/migrations.js';
import {
  describeStore,
  ensureDatabase,
  locateStores,
  StoreUnreachableError,
  withMigrationSession,
} from '../db/stores.js';

const COMMANDS = ['setup', 'check', 'status', 'migrate', 'rollback', 'reset'] as const;
type Command = (typeof COMMANDS)[number];

const out = (line: string) => console.log(line);

async function run(argv: string[]): Promise<number> {
  const [command, ...flags] = argv;
  if (!COMMANDS.includes(command as Command)) {
    console.error(`usage: db <${COMMANDS.join('|')}> [--store hot|cold] [--force]`);
    return 2;
  }
  const config = loadConfig();
  const storeFlag = flagValue(flags, '--store');
  if (storeFlag !== undefined && storeFlag !== 'hot' && storeFlag !== 'cold') {
    console.error('--store must be hot or cold');
    return 2;
  }
  if (
    command === 'reset' &&
    config.nodeEnv !== 'development' &&
    config.nodeEnv !== 'test' &&
    !flags.includes('--force')
  ) {
    console.error(`db:reset drops every table; NODE_ENV=${config.nodeEnv}, so pass --force to confirm`);
    return 1;
  }

  const located = await locateStores(config, out);
  try {
    // Single-store mode has no cold store to work on.
    const stores = [located.hot, located.cold].filter(
      (store): store is StoreConfig => store !== undefined && (storeFlag === undefined || store.name === storeFlag),
    );
    let exitCode = 0;
    for (const store of stores) {
      exitCode = Math.max(exitCode, await runOn(command as Command, store));
    }
    return exitCode;
  } finally {
    await located.release();
  }
}

async function runOn(command: Command, store: StoreConfig): Promise<number> {
  const label = describeStore(store);
  if (command === 'setup') {
    const created = await ensureDatabase(store).catch((error: unknown) => {
      throw new StoreUnreachableError(store, error);
    });
    if (created) out(`${label}: database created`);
  }
  const started = performance.now();
  return withMigrationSession(store, async (session, migrations) => {
    switch (command) {
      case 'setup':
      case 'migrate': {
        const applied = await migrate(session, migrations);
        out(`${label}: ${applied.length ? `applied ${applied.join(', ')}` : 'already up to date'}`);
        return 0;
      }
      case 'check': {
        const latency = (performance.now() - started).toFixed(0);
        const status = await readStatus(session, migrations);
        const problems = [
          status.pending.length ? `${status.pending.length} pending` : '',
          status.failed.length ? `${status.failed.length} failed` : '',
          status.modified.length ? `${status.modified.length} modified since applied` : '',
        ].filter(Boolean);
        out(
          `${label}: reachable (connected in ${latency} ms), ${status.applied.length} applied${problems.length ? `, ${problems.join(', ')}` : ', up to date'}`,
        );
        return status.pending.length || status.failed.length ? 1 : 0;
      }
      case 'status': {
        const status = await readStatus(session, migrations);
        out(`${label}:`);
        for (const migration of migrations) {
          const state = status.failed.includes(migration.name)
            ? 'FAILED'
            : status.modified.includes(migration.name)
              ? 'applied, MODIFIED since'
              : status.applied.includes(migration.name)
                ? 'applied'
                : 'pending';
          out(`  ${migration.name}  ${state}`);
        }
        for (const name of status.unknown) out(`  ${name}  applied, but not in this build's migrations folder`);
        if (migrations.length === 0) out('  (no migrations)');
        return 0;
      }
      case 'rollback': {
        const undone = await rollback(session, migrations);
        out(`${label}: ${undone ? `rolled back ${undone}` : 'nothing to roll back'}`);
        return 0;
      }
      case 'reset': {
        const undone = await reset(session, migrations);
        const applied = await migrate(session, migrations);
        out(`${label}: reset (rolled back ${undone.length}, applied ${applied.length})`);
        return 0;
      }
    }
  });
}

function flagValue(flags: string[], name: string): string | undefined {
  const inline = flags.find((flag) => flag.startsWith(`${name}=`));
  if (inline) return inline.slice(name.length + 1);
  const index = flags.indexOf(name);
  return index >= 0 ? flags[index + 1] : undefined;
}

const EXPECTED_FAILURES = [ConfigError, StoreUnreachableError, MigrationError, EmbeddedPostgresError];

run(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`db: ${error instanceof Error ? error.message : String(error)}`);
    if (!EXPECTED_FAILURES.some((type) => error instanceof type)) console.error(error);
    process.exit(1);
  },
);
