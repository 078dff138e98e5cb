/**
 * How many statements one request, and one client address, may have on the stores at once,
 * so that one client cannot hold the pools (config.ts ConcurrencyLimits).
 *
 * The HTTP handler gives each GraphQL request a share (http/admission.ts): the request's own
 * slots and those of its client address. The request's context (graphql/context.ts) holds it
 * explicitly: its SQL readers (sql/reader.ts forRequest) take one slot of each per statement,
 * its Prisma clients (shared-client.ts) one per operation, before the pool is asked for a
 * connection, and give them back when it ends. A statement over its share waits, in order; it
 * waits no longer than its request lives: when the request ends (answered, timed out), its
 * statements still waiting are dropped with a ShareClosedError, and never reach the store or
 * its circuit breaker. Work outside a request (archival, probes, migrations, the live feed)
 * has no share and is not limited here.
 *
 * The share is passed, not found in an AsyncLocalStorage: on Node 20 an active
 * AsyncLocalStorage runs a hook for every promise of the process, which cost the boundary page
 * about 9% of its throughput (README, "What each change bought").
 *
 * Slots are always taken request first, then address, and a transaction holds its slots from
 * its start to its end while its own statements take none, so no statement waits on a slot
 * held by one that waits on it.
 */

export class ShareClosedError extends Error {
  override readonly name = 'ShareClosedError';
  constructor() {
    super('the request ended before this statement got its turn');
  }
}

/** A counting semaphore whose waiters leave when their request's signal aborts. */
export class Slots {
  private active = 0;
  private readonly waiting: { readonly grant: () => void; readonly signal: AbortSignal }[] = [];

  /** `onIdle` runs whenever the last slot is given back with nobody waiting. */
  constructor(
    readonly limit: number,
    private readonly onIdle?: () => void,
  ) {}

  /** True when no slot is taken and nobody waits: the owner may forget it. */
  get idle(): boolean {
    return this.active === 0 && this.waiting.length === 0;
  }

  take(signal: AbortSignal): Promise<void> {
    if (signal.aborted) return Promise.reject(new ShareClosedError());
    if (this.active < this.limit) {
      this.active += 1;
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const waiter = {
        signal,
        grant: () => {
          signal.removeEventListener('abort', leave);
          resolve();
        },
      };
      const leave = () => {
        const index = this.waiting.indexOf(waiter);
        if (index >= 0) this.waiting.splice(index, 1);
        reject(new ShareClosedError());
      };
      signal.addEventListener('abort', leave, { once: true });
      this.waiting.push(waiter);
    });
  }

  give(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next waiter, so `active` stays as it is.
    if (next) next.grant();
    else this.active -= 1;
    if (this.idle) this.onIdle?.();
  }
}

export interface Share {
  /** Slots in the order they are taken: the request's, then its client address's. */
  readonly slots: readonly Slots[];
  /** Aborted when the request ends. */
  readonly signal: AbortSignal;
}

/** Takes a slot of each of `share`'s limits (none without one); resolves to the function that gives them back. */
export async function takeShare(share: Share | undefined): Promise<() => void> {
  if (!share) return () => undefined;
  const taken: Slots[] = [];
  const giveBack = () => {
    for (const slots of taken.splice(0).reverse()) slots.give();
  };
  try {
    for (const slots of share.slots) {
      await slots.take(share.signal);
      taken.push(slots);
    }
  } catch (error) {
    giveBack();
    throw error;
  }
  let given = false;
  return () => {
    if (given) return;
    given = true;
    giveBack();
  };
}

/** `work`, run holding a slot of each of `share`'s limits (at once without a share). */
export async function withSlot<T>(share: Share | undefined, work: () => PromiseLike<T>): Promise<T> {
  if (!share) return work();
  const giveBack = await takeShare(share);
  try {
    return await work();
  } finally {
    giveBack();
  }
}
