/**
 * The parts that keep the gateway up when a store goes away, without I/O: the circuit breaker,
 * the guarded driver adapter (over an in-memory stand-in for a driver adapter, since the point
 * is the guard's contract, not SQL), the classification of store errors, and the
 * authentication throttle.
 */
import type { SqlDriverAdapter, SqlDriverAdapterFactory, SqlQuery, SqlResultSet } from '@prisma/driver-adapter-utils';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createAuthThrottle } from '../../src/http/auth-throttle.js';
import type { StatementOutcome } from '../../src/stores/guarded-adapter.js';
import { CircuitBreaker } from '../../src/stores/circuit-breaker.js';
import { isUnavailableCause, StoreUnavailableError, unavailableStore } from '../../src/stores/errors.js';
import { guardAdapter } from '../../src/stores/guarded-adapter.js';

const EMPTY: SqlResultSet = { columnNames: [], columnTypes: [], rows: [] };
const QUERY: SqlQuery = { sql: 'SELECT 1', args: [], argTypes: [] };
const driverError = (cause: Record<string, unknown>) =>
  Object.assign(new Error('driver'), { name: 'DriverAdapterError', cause });

/** A driver adapter whose every statement does what `behaviour` says. */
function scriptedAdapter() {
  let behaviour: () => Promise<SqlResultSet> = async () => EMPTY;
  let calls = 0;
  const adapter = {
    provider: 'postgres',
    adapterName: 'scripted',
    queryRaw: async () => {
      calls += 1;
      return behaviour();
    },
    executeRaw: async () => 0,
    executeScript: async () => undefined,
    startTransaction: async () => {
      throw new Error('not used');
    },
    dispose: async () => undefined,
  } as unknown as SqlDriverAdapter;
  const factory: SqlDriverAdapterFactory = {
    provider: 'postgres',
    adapterName: 'scripted',
    connect: async () => adapter,
  };
  return {
    factory,
    set: (next: () => Promise<SqlResultSet>) => (behaviour = next),
    calls: () => calls,
  };
}

describe('isUnavailableCause', () => {
  it('tells a store that cannot answer from a statement it refused', () => {
    expect(isUnavailableCause(driverError({ kind: 'DatabaseNotReachable' }))).toBe(true);
    expect(isUnavailableCause(driverError({ kind: 'ConnectionClosed' }))).toBe(true);
    expect(isUnavailableCause(driverError({ kind: 'postgres', code: '57P01' }))).toBe(true); // admin shutdown
    expect(isUnavailableCause(driverError({ kind: 'postgres', code: '57014' }))).toBe(true); // statement timeout
    expect(isUnavailableCause(driverError({ kind: 'postgres', code: '08006' }))).toBe(true);
    expect(isUnavailableCause(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(true);
    expect(isUnavailableCause(new Error('Connection terminated unexpectedly'))).toBe(true);
    expect(isUnavailableCause(new Error('Connection terminated due to connection timeout'))).toBe(true);
    expect(isUnavailableCause(driverError({ kind: 'UniqueConstraintViolation' }))).toBe(false);
    expect(isUnavailableCause(driverError({ kind: 'postgres', code: '22P02' }))).toBe(false);
    expect(isUnavailableCause(new TypeError('x is not a function'))).toBe(false);
  });

  it('names the store, through any wrapper that keeps the code', () => {
    const error = new StoreUnavailableError('cold', 'timeout');
    expect(unavailableStore(error)).toBe('cold');
    expect(unavailableStore({ name: 'PrismaClientKnownRequestError', code: error.code })).toBe('cold');
    expect(unavailableStore(new StoreUnavailableError('hot', 'unreachable'))).toBe('hot');
    expect(unavailableStore({ code: 'P2002' })).toBeUndefined();
  });
});

describe('CircuitBreaker', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  it('opens after consecutive failures, probes every reset period, and closes by itself', async () => {
    let storeUp = false;
    const states: string[] = [];
    const breaker = new CircuitBreaker({
      failureThreshold: 3,
      resetMs: 1000,
      probe: async () => {
        if (!storeUp) throw new Error('down');
      },
      onChange: (state) => states.push(state),
    });
    breaker.failure();
    breaker.failure();
    breaker.success(); // a success in between resets the count
    breaker.failure();
    breaker.failure();
    expect(breaker.state).toBe('closed');
    breaker.failure();
    expect(breaker.state).toBe('open');
    expect(breaker.admits()).toBe(false);
    await vi.advanceTimersByTimeAsync(1000);
    expect(states).toEqual(['open', 'half-open', 'open']);
    storeUp = true;
    await vi.advanceTimersByTimeAsync(1000);
    expect(breaker.state).toBe('closed');
    expect(breaker.admits()).toBe(true);
    breaker.stop();
  });
});

describe('guardAdapter', () => {
  beforeEach(() => void vi.useFakeTimers());
  afterEach(() => void vi.useRealTimers());

  const guarded = (failureThreshold = 2) => {
    const inner = scriptedAdapter();
    const outcomes: StatementOutcome[] = [];
    let probe: () => Promise<void> = async () => undefined;
    const breaker = new CircuitBreaker({ failureThreshold, resetMs: 5000, probe: () => probe() });
    const guard = guardAdapter(inner.factory, {
      store: 'cold',
      timeoutMs: 100,
      breaker,
      observe: (outcome) => outcomes.push(outcome),
    });
    probe = guard.probe;
    return { inner, outcomes, breaker, guard };
  };

  it('passes statements through and counts them', async () => {
    const { guard, outcomes } = guarded();
    const adapter = await guard.factory.connect();
    expect(await adapter.queryRaw(QUERY)).toEqual(EMPTY);
    expect(outcomes).toEqual(['ok']);
  });

  it('fails a statement that outlives its timeout as the store being unavailable', async () => {
    const { guard, inner, outcomes } = guarded();
    const adapter = await guard.factory.connect();
    inner.set(() => new Promise(() => undefined));
    const pending = adapter.queryRaw(QUERY).catch((error: unknown) => error);
    await vi.advanceTimersByTimeAsync(100);
    const error = await pending;
    expect(error).toBeInstanceOf(StoreUnavailableError);
    expect(error).toMatchObject({ store: 'cold', reason: 'timeout', code: 'COLD_STORE_UNAVAILABLE' });
    expect(outcomes).toEqual(['unavailable']);
  });

  it('opens the breaker on unreachable-store errors, then fails fast without touching the store', async () => {
    const { guard, inner, outcomes, breaker } = guarded(2);
    const adapter = await guard.factory.connect();
    inner.set(async () => {
      throw driverError({ kind: 'DatabaseNotReachable' });
    });
    for (let i = 0; i < 2; i++)
      await expect(adapter.queryRaw(QUERY)).rejects.toMatchObject({
        reason: 'unreachable',
        code: 'COLD_STORE_UNAVAILABLE',
      });
    expect(breaker.state).toBe('open');
    const callsBefore = inner.calls();
    await expect(adapter.queryRaw(QUERY)).rejects.toMatchObject({ reason: 'circuit open' });
    expect(inner.calls()).toBe(callsBefore);
    expect(outcomes).toEqual(['unavailable', 'unavailable', 'rejected']);
    inner.set(async () => EMPTY);
    await vi.advanceTimersByTimeAsync(5000);
    expect(breaker.state).toBe('closed');
    expect(await adapter.queryRaw(QUERY)).toEqual(EMPTY);
    breaker.stop();
  });

  it('fails a statement that found every pooled connection busy, without counting it against the store', async () => {
    const { guard, inner, breaker, outcomes } = guarded(1);
    const adapter = await guard.factory.connect();
    inner.set(async () => {
      throw new Error('timeout exceeded when trying to connect');
    });
    for (let i = 0; i < 3; i++)
      await expect(adapter.queryRaw(QUERY)).rejects.toMatchObject({
        reason: 'pool exhausted',
        code: 'COLD_STORE_UNAVAILABLE',
      });
    expect(breaker.state).toBe('closed');
    expect(outcomes).toEqual(['unavailable', 'unavailable', 'unavailable']);
  });

  it('lets a refused statement through unchanged, as proof the store answers', async () => {
    const { guard, inner, breaker, outcomes } = guarded(2);
    const adapter = await guard.factory.connect();
    const refused = driverError({ kind: 'UniqueConstraintViolation' });
    inner.set(async () => {
      throw refused;
    });
    for (let i = 0; i < 3; i++) await expect(adapter.queryRaw(QUERY)).rejects.toBe(refused);
    expect(breaker.state).toBe('closed');
    expect(outcomes).toEqual(['error', 'error', 'error']);
  });
});

describe('createAuthThrottle', () => {
  it('answers "retry later" after the limit of failures in the window, per address, until they age out', () => {
    let now = 0;
    const throttle = createAuthThrottle({ limit: 3, windowMs: 60_000, now: () => now });
    for (let i = 0; i < 2; i++) throttle.recordFailure('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
    now = 10_000;
    throttle.recordFailure('10.0.0.1');
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(50_000);
    expect(throttle.retryAfterMs('10.0.0.2')).toBe(0);
    now = 60_001;
    expect(throttle.retryAfterMs('10.0.0.1')).toBe(0);
  });

  it('forgets the least recent addresses beyond its bound', () => {
    const throttle = createAuthThrottle({ limit: 1, windowMs: 60_000, maxAddresses: 2, now: () => 0 });
    throttle.recordFailure('a');
    throttle.recordFailure('b');
    throttle.recordFailure('c');
    expect(throttle.retryAfterMs('a')).toBe(0);
    expect(throttle.retryAfterMs('b')).toBeGreaterThan(0);
    expect(throttle.retryAfterMs('c')).toBeGreaterThan(0);
  });
});
