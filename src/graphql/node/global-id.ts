/**
 * Relay global ids: base64url of `<Type>:<databaseId>`. A record keeps its id when it moves
 * between stores (the hot id survives archival as original_id), so ids never say where a
 * record lives.
 */
import { UserInputError } from '../../errors.js';

export const NODE_TYPES = [
  'User',
  'Stock',
  'Conversation',
  'Message',
  'Post',
  'Comment',
  'StockPrice',
  'ArchivalRun',
] as const;
export type NodeTypeName = (typeof NODE_TYPES)[number];

export interface GlobalId {
  readonly type: NodeTypeName;
  readonly databaseId: number;
}

export function toGlobalId(type: NodeTypeName, databaseId: number): string {
  return Buffer.from(`${type}:${databaseId}`, 'utf8').toString('base64url');
}

/** Decodes an id; a malformed one, or one of another type when `expected` is given, is BAD_USER_INPUT. */
export function fromGlobalId(id: string, argumentName: string, expected?: NodeTypeName): GlobalId {
  const decoded = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? Buffer.from(id, 'base64url').toString('utf8') : '';
  const match = /^([A-Za-z]+):([1-9]\d{0,9})$/.exec(decoded);
  const type = match?.[1] as NodeTypeName | undefined;
  const databaseId = Number(match?.[2]);
  if (!type || !NODE_TYPES.includes(type) || !Number.isSafeInteger(databaseId) || databaseId > 2_147_483_647) {
    throw new UserInputError(`"${truncate(id)}" is not a valid id.`, argumentName);
  }
  if (expected && type !== expected) {
    throw new UserInputError(`"${truncate(id)}" is a ${type} id, not a ${expected} id.`, argumentName);
  }
  return { type, databaseId };
}

function truncate(text: string): string {
  return text.length > 40 ? `${text.slice(0, 40)}…` : text;
}
