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
  return new UserInputError(`"${argumentName}" is not a valid cursor for this connection: ${why}.`, argumentName, ErrorCode.INVALID_CURSOR);
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
