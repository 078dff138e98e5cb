/** Recognising store errors the gateway handles, whichever engine and client raised them. */
import type { StoreName } from '../config.js';
import { ErrorCode } from '../errors.js';

/** A unique constraint refused the write (Prisma's P2002, from either generated client). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}

export type UnavailableReason = 'unreachable' | 'timeout' | 'circuit open' | 'pool exhausted';

export const UNAVAILABLE_CODE: Record<StoreName, ErrorCode.HOT_STORE_UNAVAILABLE | ErrorCode.COLD_STORE_UNAVAILABLE> = {
  hot: ErrorCode.HOT_STORE_UNAVAILABLE,
  cold: ErrorCode.COLD_STORE_UNAVAILABLE,
};

/**
 * A store could not answer: unreachable, too slow, or its breaker is open. Thrown by the
 * guarded driver adapter (guarded-adapter.ts). The Prisma client wraps adapter errors in its
 * own class but keeps `code`, so callers recognise it with `unavailableStore`, never by class.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
  readonly code: ErrorCode.HOT_STORE_UNAVAILABLE | ErrorCode.COLD_STORE_UNAVAILABLE;
  constructor(
    readonly store: StoreName,
    readonly reason: UnavailableReason,
  ) {
    super(`the ${store} store is unavailable (${reason})`);
    this.code = UNAVAILABLE_CODE[store];
  }
}

/** Which store an error says is unavailable, if it says so (after any wrapping by Prisma). */
export function unavailableStore(error: unknown): StoreName | undefined {
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  if (code === ErrorCode.HOT_STORE_UNAVAILABLE) return 'hot';
  if (code === ErrorCode.COLD_STORE_UNAVAILABLE) return 'cold';
  return undefined;
}

/** Driver-adapter error kinds that mean the store, not the statement, failed. */
const UNAVAILABLE_KINDS = new Set([
  'DatabaseNotReachable',
  'ConnectionClosed',
  'SocketTimeout',
  'TooManyConnections',
  'TlsConnectionError',
  'DatabaseDoesNotExist',
  'DatabaseAccessDenied',
  'AuthenticationFailed',
]);
/** PostgreSQL: connection exceptions, shutdown, cannot connect now, statement timeout, out of connections. */
const UNAVAILABLE_SQLSTATE = /^(08...|57P0[1-3]|57014|53300)$/;
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ESOCKET',
  'ETIMEOUT',
  'ECONNCLOSED',
]);
/** node-postgres and tedious failures that carry no code of their own. */
const CONNECTION_MESSAGE =
  /connection (terminated|timeout|closed|ended|refused)|not queryable|socket hang up|Connection lost|Failed to connect/i;
/** node-postgres's pool and tarn (mssql): every connection busy for the whole wait. */
const POOL_EXHAUSTED =
  /timeout exceeded when trying to connect|operation timed out for an unknown reason|Timeout acquiring a connection|ResourceRequest timed out/i;

/**
 * Whether a statement failed because every pooled connection stayed busy: this process is
 * saturated, which says nothing of the store's health (the breaker does not count it).
 */
export function isPoolExhausted(error: unknown): boolean {
  const message = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
  return typeof message === 'string' && POOL_EXHAUSTED.test(message);
}

/**
 * Whether an error from a driver adapter means the store could not serve the statement (as
 * opposed to the statement being refused: a constraint, a bad value).
 */
export function isUnavailableCause(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { name, cause, code, message } = error as {
    name?: unknown;
    cause?: { kind?: unknown; code?: unknown };
    code?: unknown;
    message?: unknown;
  };
  if (name === 'DriverAdapterError' && typeof cause === 'object' && cause !== null) {
    if (UNAVAILABLE_KINDS.has(String(cause.kind))) return true;
    return cause.kind === 'postgres' && typeof cause.code === 'string' && UNAVAILABLE_SQLSTATE.test(cause.code);
  }
  if (typeof code === 'string' && SOCKET_CODES.has(code)) return true;
  return typeof message === 'string' && CONNECTION_MESSAGE.test(message);
}
