/**
 * Each client address's share of the gateway (config.ts ConcurrencyLimits): at most
 * `addressRequests` GraphQL requests in flight (one more is answered 429 RATE_LIMITED by the
 * handler), whose statements run at most `requestStatements` at once per request and
 * `addressStatements` at once per address (stores/statement-share.ts). Others are served
 * beside a flooding address: it only ever waits on its own slots.
 *
 * Memory is bounded by the requests in flight: an address is forgotten when its last one ends.
 */
import type { ConcurrencyLimits } from '../config.js';
import { Slots, type Share } from '../stores/statement-share.js';

export interface Ticket {
  /** This request's share of the stores, for its context (graphql/context.ts). */
  readonly share: Share;
  /** The request is over: its waiting statements are dropped and its address's place freed. */
  leave(): void;
}

export interface Admission {
  /** A ticket for one request from `address`; undefined when the address is at its limit. */
  enter(address: string): Ticket | undefined;
  /** Requests in flight per address (tests, diagnostics). */
  inFlight(address: string): number;
}

/**
 * The reason every request's signal aborts with. Nothing reads it (waiting statements reject
 * with their own ShareClosedError); without one, `abort()` builds a DOMException with a stack
 * trace for every request, which the boundary page's CPU profile showed at 1.6% of self time.
 */
const REQUEST_ENDED = Object.freeze({ name: 'RequestEnded' });

export function createAdmission(limits: ConcurrencyLimits): Admission {
  const addresses = new Map<string, { requests: number; readonly statements: Slots }>();
  // Statements still running hold slots of `statements`; an entry is dropped only when nothing
  // refers to it, else a new request would get fresh slots beside them.
  const forget = (address: string, entry: { requests: number; readonly statements: Slots }) => {
    if (entry.requests === 0 && entry.statements.idle && addresses.get(address) === entry) addresses.delete(address);
  };
  return {
    enter(address) {
      let entry = addresses.get(address);
      if (!entry) {
        const created = {
          requests: 0,
          statements: new Slots(limits.addressStatements, () => forget(address, created)),
        };
        addresses.set(address, (entry = created));
      }
      if (entry.requests >= limits.addressRequests) return undefined;
      entry.requests += 1;
      const held = entry;
      const ended = new AbortController();
      const share = { slots: [new Slots(limits.requestStatements), held.statements], signal: ended.signal };
      let left = false;
      return {
        share,
        leave() {
          if (left) return;
          left = true;
          ended.abort(REQUEST_ENDED);
          held.requests -= 1;
          forget(address, held);
        },
      };
    },
    inFlight: (address) => addresses.get(address)?.requests ?? 0,
  };
}
