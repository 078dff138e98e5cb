/**
 * A Prisma client as one request sees it: every operation takes the request's share of the
 * stores (statement-share.ts) before it runs and gives it back when it ends.
 *
 * Contract:
 * - A model operation (`client.user.findMany(…)`) and a raw one (`$queryRaw`, `$executeRaw`
 *   and their Unsafe forms) hold one slot of each limit while they run. Prisma runs one
 *   operation's statements one after another, so this bounds the statements at once as
 *   closely as a slot per statement, without reaching inside Prisma.
 * - An interactive transaction (`$transaction(async (tx) => …)`) holds one slot from its start
 *   to its end; its own operations (on `tx`, the client itself) take none, so it never waits
 *   on a slot while holding a connection.
 * - Operations answer plain promises, not Prisma's lazy ones: they start when called, and the
 *   array form of `$transaction`, which needs lazy ones, is refused (no request path uses it).
 * - Everything else (`$connect`, `$on`, …) is the client's own.
 */
import { withSlot, type Share } from './statement-share.js';

const RAW = new Set(['$queryRaw', '$queryRawUnsafe', '$executeRaw', '$executeRawUnsafe']);

type Method = (...args: unknown[]) => PromiseLike<unknown>;

export function sharedClient<Client extends object>(client: Client, share: Share): Client {
  const delegates = new Map<string, object>();
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      if (typeof property !== 'string') return value;
      if (property === '$transaction') {
        const transaction = value as (work: unknown, options?: unknown) => PromiseLike<unknown>;
        return (work: unknown, options?: unknown) => {
          if (typeof work !== 'function')
            return Promise.reject(new Error("a request's Prisma client runs interactive transactions only"));
          return withSlot(share, () => transaction.call(target, work, options));
        };
      }
      if (RAW.has(property)) return holding(share, value as Method, target);
      if (!isDelegate(value)) return typeof value === 'function' ? (value as Method).bind(target) : value;
      let delegate = delegates.get(property);
      if (!delegate) delegates.set(property, (delegate = sharedDelegate(value, share)));
      return delegate;
    },
  });
}

/** `method` of `target`, each call run holding a slot of `share`. */
function holding(share: Share, method: Method, target: object): Method {
  return (...args) => withSlot(share, () => method.apply(target, args));
}

/** A model's delegate (`client.user`): an object with the model operations. */
function isDelegate(value: unknown): value is Record<string, unknown> {
  return (
    typeof value === 'object' && value !== null && typeof (value as { findMany?: unknown }).findMany === 'function'
  );
}

function sharedDelegate(delegate: Record<string, unknown>, share: Share): object {
  return new Proxy(delegate, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property);
      return typeof value === 'function' ? holding(share, value as Method, target) : value;
    },
  });
}
