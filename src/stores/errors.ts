/** Recognising store errors the gateway handles, whichever engine and client raised them. */

/** A unique constraint refused the write (Prisma's P2002, from either generated client). */
export function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 'P2002';
}
