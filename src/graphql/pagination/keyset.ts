/**
 * Keyset predicates over (sort key, id) in Prisma's filter language, without a row-value
 * comparison (T-SQL has none), for the connections still read through Prisma (prisma-side.ts:
 * users, stocks, conversations, archival runs). The SQL reader writes its own per dialect
 * (stores/sql/select.ts).
 */
export type SortDirection = 'asc' | 'desc';

/**
 * Rows strictly after (field, idField) = (value, id) in the order (field dir, idField dir).
 *
 * The OR alone is not an index range condition: both engines would walk the index from its
 * start and filter every row up to the cursor, so a page 100,000 rows deep read 100,000
 * index entries. The redundant `field <= value` (or `>=`) bounds the index scan at the
 * cursor, which keeps a deep page as cheap as the first.
 */
export function keysetAfter(
  field: string,
  value: unknown,
  id: number,
  direction: SortDirection,
  idField = 'id',
): Record<string, unknown> {
  const op = direction === 'asc' ? 'gt' : 'lt';
  return {
    [field]: { [`${op}e`]: value },
    OR: [{ [field]: { [op]: value } }, { [field]: value, [idField]: { [op]: id } }],
  };
}

export function flip(direction: SortDirection): SortDirection {
  return direction === 'asc' ? 'desc' : 'asc';
}
