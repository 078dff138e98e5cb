/**
 * Keyset predicates over (sort key, id) in Prisma's filter language: no row-value comparison
 * and no raw SQL, so the same query runs on SQL Server and PostgreSQL.
 */
export type SortDirection = 'asc' | 'desc';

/** Rows strictly after (field, id) = (value, id) in the order (field dir, id dir). */
export function keysetAfter<TField extends string, TValue>(field: TField, value: TValue, id: number, direction: SortDirection) {
  const op = direction === 'asc' ? 'gt' : 'lt';
  return { OR: [{ [field]: { [op]: value } }, { [field]: value, id: { [op]: id } }] } as Record<string, unknown>;
}

export function flip(direction: SortDirection): SortDirection {
  return direction === 'asc' ? 'desc' : 'asc';
}
