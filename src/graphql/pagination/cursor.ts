/**
 * Opaque cursors: base64url of `[version, ordering, key]`, where `key` holds the row's
 * sort-key values and id. A cursor never holds an offset or a store-specific locator, so it
 * stays valid when its row moves between stores; a cursor of another connection or ordering
 * is refused rather than silently misread.
 */
import { ErrorCode, UserInputError } from '../../errors.js';

const VERSION = 1;
export type KeyPart = string | number;
export type KeyShape = readonly ('string' | 'number')[];

export function encodeCursor(ordering: string, key: readonly KeyPart[]): string {
  return Buffer.from(JSON.stringify([VERSION, ordering, key]), 'utf8').toString('base64url');
}

export function invalidCursor(argumentName: string, why: string): UserInputError {
  return new UserInputError(
    `"${argumentName}" is not a valid cursor for this connection: ${why}.`,
    argumentName,
    ErrorCode.INVALID_CURSOR,
  );
}

export function decodeCursor(cursor: string, ordering: string, shape: KeyShape, argumentName: string): KeyPart[] {
  const invalid = (why: string) => invalidCursor(argumentName, why);
  if (cursor.length > 1024 || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw invalid('malformed');
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw invalid('malformed');
  }
  if (!Array.isArray(decoded) || decoded.length !== 3) throw invalid('malformed');
  const [version, cursorOrdering, key] = decoded as [unknown, unknown, unknown];
  if (version !== VERSION) throw invalid('unsupported version');
  if (cursorOrdering !== ordering) throw invalid('it belongs to another connection or ordering');
  if (!Array.isArray(key) || key.length !== shape.length || !key.every((part, i) => typeof part === shape[i])) {
    throw invalid('malformed key');
  }
  return key as KeyPart[];
}

/** The instants every store can hold: 0001-01-01 to 9999-12-31 (SQL Server's datetime2, ISO 8601). */
const MIN_INSTANT_MS = new Date('0001-01-01T00:00:00.000Z').getTime();
const MAX_INSTANT_MS = new Date('9999-12-31T23:59:59.999Z').getTime();

/**
 * A cursor's instant (epoch milliseconds) as a Date, or undefined unless it is a whole number
 * within the years 1 to 9999: beyond them no store can compare it, and the SQL cast would fail.
 */
export function cursorInstant(value: unknown): Date | undefined {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < MIN_INSTANT_MS || value > MAX_INSTANT_MS)
    return undefined;
  return new Date(value);
}

/** A cursor's day: `YYYY-MM-DD` naming a real calendar day of the years 1 to 9999 (not 2026-02-30). */
export function isCursorDay(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!match) return false;
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (year < 1 || month < 1 || month > 12 || day < 1) return false;
  const date = new Date(0);
  date.setUTCFullYear(year, month - 1, day);
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}
