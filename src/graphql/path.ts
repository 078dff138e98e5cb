/** A field's response path as the keys GraphQL errors carry. */
import type { GraphQLResolveInfo } from 'graphql';

export function pathToArray(path: GraphQLResolveInfo['path'] | undefined): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let current = path; current; current = current.prev) keys.unshift(current.key);
  return keys;
}
