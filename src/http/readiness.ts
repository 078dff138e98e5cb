/**
 * Readiness: each store reachable, its circuit breaker closed, and fully migrated, with the
 * time one round trip took. A store whose breaker is open is not ready and is not pinged (the
 * breaker probes it in the background and closes by itself).
 */
import type { BreakerState } from '../stores/circuit-breaker.js';
import type { StoreProbe } from '../stores/guarded-stores.js';

export interface StoreReadiness {
  readonly ready: boolean;
  readonly reachable: boolean;
  readonly breaker: BreakerState;
  readonly latencyMs: number | null;
  readonly pendingMigrations: readonly string[];
  readonly error?: string;
}

export interface Readiness {
  readonly ready: boolean;
  readonly stores: Record<string, StoreReadiness>;
}

export async function checkReadiness(
  probes: Readonly<Record<string, StoreProbe | undefined>>,
  timeoutMs: number,
): Promise<Readiness> {
  const entries = await Promise.all(
    Object.entries(probes).flatMap(([name, probe]) =>
      probe ? [(async () => [name, await checkStore(probe, timeoutMs)] as const)()] : [],
    ),
  );
  return { ready: entries.every(([, store]) => store.ready), stores: Object.fromEntries(entries) };
}

async function checkStore(probe: StoreProbe, timeoutMs: number): Promise<StoreReadiness> {
  const breaker = probe.breaker();
  if (breaker !== 'closed')
    return {
      ready: false,
      reachable: false,
      breaker,
      latencyMs: null,
      pendingMigrations: [],
      error: 'circuit open: failing fast until the store answers again',
    };
  const started = performance.now();
  try {
    await withTimeout(probe.ping(), timeoutMs);
    const latencyMs = Math.round((performance.now() - started) * 10) / 10;
    const applied = new Set(await withTimeout(probe.appliedMigrations(), timeoutMs));
    const pendingMigrations = probe.expectedMigrations.filter((name) => !applied.has(name));
    return { ready: pendingMigrations.length === 0, reachable: true, breaker, latencyMs, pendingMigrations };
  } catch (error) {
    return {
      ready: false,
      reachable: false,
      breaker,
      latencyMs: null,
      pendingMigrations: [],
      // The error's class only: driver messages can carry hostnames.
      error: error instanceof TimeoutError ? `no answer within ${timeoutMs} ms` : 'unreachable',
    };
  }
}

class TimeoutError extends Error {}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError()), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
