/**
 * Keyset predicates over (sort key, id) in Prisma's filter language: no row-value comparison
 * and no raw SQL, so the same query runs on SQL Server and PostgreSQL.
 */
export type SortDirection = 'asc' | 'desc';

/** Rows strictly after (field, idField) = (value, id) in the order (field dir, idField dir). */
export function keysetAfter(field: string, value: unknown, id: number, direction: SortDirection, idField = 'id'): Record<string, unknown> {
  const op = direction === 'asc' ? 'gt' : 'lt';
  return { OR: [{ [field]: { [op]: value } }, { [field]: value, [idField]: { [op]: id } }] };
}

export function flip(direction: SortDirection): SortDirection {
  return direction === 'asc' ? 'desc' : 'asc';
}
