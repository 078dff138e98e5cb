/**
 * Role checks shared by resolvers. A field the caller may not see fails with FORBIDDEN, or
 * UNAUTHENTICATED when no token was sent; it never returns someone else's data.
 */
import { ForbiddenError, UnauthenticatedError } from '../errors.js';
import type { Viewer } from './viewer.js';

/** Analysts and admins read everything. */
export function readsEverything(viewer: Viewer): boolean {
  return viewer.kind === 'analyst' || viewer.kind === 'admin';
}

export function requireAnalyst(viewer: Viewer, what: string): void {
  if (readsEverything(viewer)) return;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError(`${what} needs an analyst or admin token.`);
  throw new ForbiddenError(`${what} is visible to analysts and admins only.`);
}

/** The user themself, an analyst or an admin. */
export function requireSelfOrAnalyst(viewer: Viewer, userId: number, what: string): void {
  if (readsEverything(viewer)) return;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError(`${what} needs a token.`);
  if (viewer.kind !== 'user' || viewer.userId !== userId)
    throw new ForbiddenError(`${what} is visible to that user, analysts and admins only.`);
}

/** A participant of the conversation, an analyst or an admin. */
export async function requireParticipant(
  viewer: Viewer,
  participantIds: () => Promise<readonly number[]>,
  what: string,
): Promise<void> {
  if (readsEverything(viewer)) return;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError(`${what} needs a token.`);
  if (viewer.kind !== 'user' || !(await participantIds()).includes(viewer.userId)) {
    throw new ForbiddenError(`${what} is visible to the conversation's participants, analysts and admins only.`);
  }
}

export function requireAdmin(viewer: Viewer, what: string): void {
  if (viewer.kind === 'admin') return;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError(`${what} needs the admin token.`);
  throw new ForbiddenError(`${what} needs the admin token.`);
}

/** The user behind a viewer token: the write mutations act as a user, never as a role. */
export function requireUser(viewer: Viewer, what: string): number {
  if (viewer.kind === 'user') return viewer.userId;
  if (viewer.kind === 'anonymous') throw new UnauthenticatedError(`${what} needs a user token.`);
  throw new ForbiddenError(`${what} acts as a user: it needs a user token, not an ${viewer.kind} token.`);
}
