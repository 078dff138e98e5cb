/**
 * Slows down guessing of the admin token (and of JWTs): after `limit` failed authentications
 * from one client address within `windowMs`, requests from it that carry credentials are
 * answered 429 until the oldest failure leaves the window. Requests without credentials are
 * never throttled, so anonymous readers behind the same address are not locked out.
 *
 * Memory is bounded: at most `maxAddresses` addresses are tracked, the least recently failing
 * forgotten first.
 */
export interface AuthThrottleOptions {
  readonly limit: number;
  readonly windowMs: number;
  readonly maxAddresses?: number;
  readonly now?: () => number;
}

export interface AuthThrottle {
  /** Milliseconds until `address` may try again; 0 when it may now. */
  retryAfterMs(address: string): number;
  recordFailure(address: string): void;
}

export function createAuthThrottle({
  limit,
  windowMs,
  maxAddresses = 10_000,
  now = Date.now,
}: AuthThrottleOptions): AuthThrottle {
  // Failure times per address, oldest first, at most `limit` kept; Map order is recency.
  const failures = new Map<string, number[]>();
  const recent = (address: string): number[] => {
    const times = failures.get(address);
    if (!times) return [];
    const from = now() - windowMs;
    while (times.length > 0 && times[0] <= from) times.shift();
    if (times.length === 0) failures.delete(address);
    return times;
  };
  return {
    retryAfterMs(address) {
      const times = recent(address);
      return times.length >= limit ? Math.max(1, times[0] + windowMs - now()) : 0;
    },
    recordFailure(address) {
      const times = recent(address);
      times.push(now());
      if (times.length > limit) times.shift();
      failures.delete(address);
      failures.set(address, times);
      if (failures.size > maxAddresses) failures.delete(failures.keys().next().value!);
    },
  };
}
