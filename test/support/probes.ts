/** Readiness probes for gateways built over stores whose readiness a test does not check. */
import type { StoreProbe } from '../../src/stores/guarded-stores.js';

export function fakeProbe(applied: readonly string[] = [], expected: readonly string[] = []): StoreProbe {
  return {
    breaker: () => 'closed',
    ping: async () => undefined,
    appliedMigrations: async () => [...applied],
    expectedMigrations: expected,
  };
}
