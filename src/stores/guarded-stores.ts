/**
 * Each store's serving driver adapter behind its guard (guarded-adapter.ts: timeout, circuit
 * breaker, per-statement observation), and the probe readiness checks ask of it.
 *
 * Knows nothing of what runs over the stores: the runtime (src/runtime/runtime.ts) composes
 * these with archival, metrics and readiness.
 */
import type { SqlDriverAdapterFactory } from '@prisma/driver-adapter-utils';
import type { StoreConfig, StoreName } from '../config.js';
import { CircuitBreaker, type BreakerState } from './circuit-breaker.js';
import { guardAdapter, type StatementOutcome } from './guarded-adapter.js';

export interface GuardOptions {
  readonly breaker: { readonly failureThreshold: number; readonly resetMs: number };
  readonly onBreakerChange?: (store: StoreName, state: BreakerState) => void;
  readonly observeStatement?: (store: StoreName, outcome: StatementOutcome, seconds: number) => void;
}

export interface GuardedStore {
  readonly name: StoreName;
  /** The guarded factory every serving client and SQL reader of the store shares. */
  readonly factory: SqlDriverAdapterFactory;
  readonly breaker: CircuitBreaker;
  /** One round trip past the breaker, with the statement timeout. */
  probe(): Promise<void>;
}

export function guardStore(store: StoreConfig, adapter: SqlDriverAdapterFactory, options: GuardOptions): GuardedStore {
  // The breaker probes through the guard, which needs the breaker: tied after both exist.
  let probe: () => Promise<void> = async () => undefined;
  const breaker = new CircuitBreaker({
    ...options.breaker,
    probe: () => probe(),
    onChange: (state) => options.onBreakerChange?.(store.name, state),
  });
  const guard = guardAdapter(adapter, {
    store: store.name,
    timeoutMs: store.queryTimeoutMs,
    breaker,
    observe: (outcome, seconds) => options.observeStatement?.(store.name, outcome, seconds),
  });
  probe = guard.probe;
  return { name: store.name, factory: guard.factory, breaker, probe: guard.probe };
}

/** What a readiness check asks of one store. */
export interface StoreProbe {
  /** The store's circuit breaker (circuit-breaker.ts). */
  breaker(): BreakerState;
  /** One round trip to the store. */
  ping(): Promise<void>;
  /** Names of the migrations the store has applied. */
  appliedMigrations(): Promise<string[]>;
  /** The migrations this build expects. */
  readonly expectedMigrations: readonly string[];
}

/** A client that can read `_prisma_migrations` (either store's). */
interface MigrationsReader {
  $queryRawUnsafe<T>(sql: string): Promise<T>;
}

export function storeProbe(
  guard: GuardedStore,
  client: MigrationsReader,
  expectedMigrations: readonly string[] = [],
): StoreProbe {
  return {
    breaker: () => guard.breaker.state,
    // A readiness ping that fails is evidence like any statement's: it counts toward the breaker.
    ping: () =>
      guard.probe().catch((error: unknown) => {
        guard.breaker.failure();
        throw error;
      }),
    appliedMigrations: async () => {
      const rows = await client.$queryRawUnsafe<{ migration_name: string }[]>(
        'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL',
      );
      return rows.map((row) => row.migration_name);
    },
    expectedMigrations,
  };
}
