/**
 * Wraps a driver adapter factory so that every statement the gateway's Prisma client sends to
 * a store (model queries, raw queries, statements inside transactions):
 *
 * - fails at once while the store's circuit breaker is open;
 * - fails after `timeoutMs`, waiting for a pooled connection included (the database cancels
 *   it too: statement_timeout on PostgreSQL, requestTimeout on SQL Server);
 * - is counted and timed per store;
 * - when it fails because the store could not answer (errors.ts `isUnavailableCause`), fails
 *   with a StoreUnavailableError naming the store, which the Prisma client passes on with its
 *   `code` (HOT_STORE_UNAVAILABLE / COLD_STORE_UNAVAILABLE), and counts toward the breaker;
 * - when no pooled connection came free in time, fails the same way, but does not count
 *   toward the breaker: a saturated process says nothing of the store's health.
 *
 * A statement the store refuses (a constraint, a bad value) proves the store answers: it
 * passes through unchanged and counts as a success for the breaker.
 *
 * A serving request's share of the stores (statement-share.ts) is taken before its statements
 * reach this adapter: by its SQL readers and its Prisma clients (shared-client.ts).
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, Transaction } from '@prisma/driver-adapter-utils';
import type { StoreName } from '../config.js';
import type { CircuitBreaker } from './circuit-breaker.js';
import { isPoolExhausted, isUnavailableCause, StoreUnavailableError } from './errors.js';

/** ok; error: refused by the store; unavailable: unreachable or timed out; rejected: breaker open. */
export type StatementOutcome = 'ok' | 'error' | 'unavailable' | 'rejected';

export interface StoreGuard {
  readonly store: StoreName;
  readonly timeoutMs: number;
  readonly breaker: CircuitBreaker;
  readonly observe: (outcome: StatementOutcome, seconds: number) => void;
}

const PROBE: SqlQuery = { sql: 'SELECT 1', args: [], argTypes: [] };

export interface GuardedFactory {
  readonly factory: SqlDriverAdapterFactory;
  /** One round trip past the breaker, with the timeout: the breaker's probe and /readyz's ping. */
  readonly probe: () => Promise<void>;
}

export function guardAdapter(inner: SqlDriverAdapterFactory, guard: StoreGuard): GuardedFactory {
  const run = <T>(statement: () => Promise<T>): Promise<T> => guarded(guard, statement);
  let connected: Promise<SqlDriverAdapter> | undefined;
  let disposed: Promise<void> | undefined;
  // Prisma connects once, lazily; the probe and the SQL reader share that adapter (and its
  // pool), which is released once, whoever disposes it first.
  const connect = () =>
    (connected ??= withTimeout(guard, inner.connect()).catch((error: unknown) => {
      connected = undefined;
      throw isUnavailableCause(error) || error instanceof StoreUnavailableError
        ? new StoreUnavailableError(guard.store, 'unreachable')
        : error;
    }));
  const factory: SqlDriverAdapterFactory = {
    provider: inner.provider,
    adapterName: inner.adapterName,
    async connect() {
      const adapter = await connect();
      return {
        provider: adapter.provider,
        adapterName: adapter.adapterName,
        queryRaw: (query) => run(() => adapter.queryRaw(query)),
        executeRaw: (query) => run(() => adapter.executeRaw(query)),
        executeScript: (script) => run(() => adapter.executeScript(script)),
        startTransaction: async (isolationLevel) =>
          guardTransaction(await run(() => adapter.startTransaction(isolationLevel)), run),
        ...(adapter.getConnectionInfo ? { getConnectionInfo: () => adapter.getConnectionInfo!() } : {}),
        dispose: () => (disposed ??= adapter.dispose()),
      };
    },
  };
  return {
    factory,
    async probe() {
      const adapter = await connect();
      await withTimeout(guard, adapter.queryRaw(PROBE)).catch((error: unknown) => {
        throw isUnavailableCause(error) || error instanceof StoreUnavailableError
          ? new StoreUnavailableError(guard.store, 'unreachable')
          : error;
      });
    },
  };
}

function guardTransaction(transaction: Transaction, run: <T>(statement: () => Promise<T>) => Promise<T>): Transaction {
  return {
    provider: transaction.provider,
    adapterName: transaction.adapterName,
    options: transaction.options,
    queryRaw: (query) => run(() => transaction.queryRaw(query)),
    executeRaw: (query) => run(() => transaction.executeRaw(query)),
    commit: () => run(() => transaction.commit()),
    rollback: () => transaction.rollback(),
    ...(transaction.createSavepoint
      ? { createSavepoint: (name: string) => run(() => transaction.createSavepoint!(name)) }
      : {}),
    ...(transaction.rollbackToSavepoint
      ? { rollbackToSavepoint: (name: string) => run(() => transaction.rollbackToSavepoint!(name)) }
      : {}),
    ...(transaction.releaseSavepoint
      ? { releaseSavepoint: (name: string) => run(() => transaction.releaseSavepoint!(name)) }
      : {}),
  };
}

async function guarded<T>(guard: StoreGuard, statement: () => Promise<T>): Promise<T> {
  if (!guard.breaker.admits()) {
    guard.observe('rejected', 0);
    throw new StoreUnavailableError(guard.store, 'circuit open');
  }
  const started = performance.now();
  try {
    const result = await withTimeout(guard, statement());
    guard.breaker.success();
    guard.observe('ok', (performance.now() - started) / 1000);
    return result;
  } catch (error) {
    if (isPoolExhausted(error)) {
      guard.observe('unavailable', (performance.now() - started) / 1000);
      throw new StoreUnavailableError(guard.store, 'pool exhausted');
    }
    if (error instanceof StoreUnavailableError || isUnavailableCause(error)) {
      guard.breaker.failure();
      guard.observe('unavailable', (performance.now() - started) / 1000);
      throw error instanceof StoreUnavailableError ? error : new StoreUnavailableError(guard.store, 'unreachable');
    }
    guard.breaker.success();
    guard.observe('error', (performance.now() - started) / 1000);
    throw error;
  }
}

function withTimeout<T>(guard: StoreGuard, promise: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new StoreUnavailableError(guard.store, 'timeout')), guard.timeoutMs);
  });
  // A statement that answers after its timeout is dropped; its rejection must not go unhandled.
  promise.catch(() => undefined);
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
