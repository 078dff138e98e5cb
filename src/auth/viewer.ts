/**
 * Who is calling, from `Authorization: Bearer <token>`:
 * - the ADMIN_TOKEN (compared in constant time): admin;
 * - an HS256 JWT signed with JWT_SECRET, with `exp`: `sub` is the user's databaseId, and
 *   `role: "analyst"` makes an analyst (whose `sub` may name no user);
 * - no header: anonymous.
 * A header that is present but not valid is an error, never a silent downgrade to anonymous.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { errors as joseErrors, jwtVerify, SignJWT } from 'jose';
import { UnauthenticatedError } from '../errors.js';

export type Viewer =
  | { readonly kind: 'anonymous' }
  | { readonly kind: 'admin' }
  | { readonly kind: 'analyst'; readonly userId: number | undefined }
  | { readonly kind: 'user'; readonly userId: number };

export interface AuthSecrets {
  readonly adminToken: string;
  readonly jwtSecret: string;
}

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

/** JWTs verified at most, per authenticator, before the least recently used is forgotten. */
export const VERIFIED_TOKENS_CACHED = 10_000;

/**
 * `viewerFromAuthorization` with a bounded cache of the JWTs it has verified, each until its
 * `exp`: a client sends the same token with every request, and verifying it (an HMAC through
 * WebCrypto) costs more than a page of rows. Only successes are kept; a token is its own key,
 * so nothing can be looked up without the token itself.
 */
export function createAuthenticator(
  secrets: AuthSecrets,
  now: () => number = Date.now,
): (header: string | undefined) => Promise<Viewer> {
  const verified = new Map<string, { readonly viewer: Viewer; readonly expiresAt: number }>();
  return async (header) => {
    const hit = header === undefined ? undefined : verified.get(header);
    if (hit && now() < hit.expiresAt) {
      // Map order is recency: move the hit to the end.
      verified.delete(header!);
      verified.set(header!, hit);
      return hit.viewer;
    }
    if (hit) verified.delete(header!);
    const { viewer, expiresAt } = await verify(header, secrets);
    if (expiresAt !== undefined) {
      verified.set(header!, { viewer, expiresAt });
      if (verified.size > VERIFIED_TOKENS_CACHED) verified.delete(verified.keys().next().value!);
    }
    return viewer;
  };
}

/**
 * The viewer and, for a JWT, the instant (epoch ms) it expires: a long-lived WebSocket
 * connection authenticates once and must end when its token does.
 */
export async function sessionFromAuthorization(
  header: string | undefined,
  secrets: AuthSecrets,
): Promise<{ readonly viewer: Viewer; readonly expiresAt?: number }> {
  return verify(header, secrets);
}

export async function viewerFromAuthorization(header: string | undefined, secrets: AuthSecrets): Promise<Viewer> {
  return (await verify(header, secrets)).viewer;
}

/** The viewer, and for a JWT the instant it expires. */
async function verify(
  header: string | undefined,
  secrets: AuthSecrets,
): Promise<{ viewer: Viewer; expiresAt?: number }> {
  if (header === undefined || header.trim() === '') return { viewer: ANONYMOUS };
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>".');
  const token = match[1];
  if (sameSecret(token, secrets.adminToken)) return { viewer: { kind: 'admin' } };
  if (token.split('.').length !== 3)
    throw new UnauthenticatedError('The bearer token is neither the admin token nor a JWT.');

  let payload;
  try {
    ({ payload } = await jwtVerify(token, secretKey(secrets.jwtSecret), {
      algorithms: ['HS256'],
      requiredClaims: ['exp'],
    }));
  } catch (error) {
    const reason = error instanceof joseErrors.JWTExpired ? 'The token has expired.' : 'The token is not valid.';
    throw new UnauthenticatedError(reason);
  }
  const sub = payload.sub === undefined ? undefined : Number(payload.sub);
  const userId = sub !== undefined && Number.isSafeInteger(sub) && sub > 0 ? sub : undefined;
  const expiresAt = payload.exp! * 1000;
  if (payload.role === 'analyst') return { viewer: { kind: 'analyst', userId }, expiresAt };
  if (payload.role !== undefined) throw new UnauthenticatedError('The token names an unknown role.');
  if (userId === undefined) throw new UnauthenticatedError('The token has no numeric sub (user databaseId).');
  return { viewer: { kind: 'user', userId }, expiresAt };
}

/** Signs a token the gateway accepts: for the start-up banner and tests. */
export async function signToken(
  jwtSecret: string,
  claims: { sub: number; role?: 'analyst' },
  expiresIn = '30d',
): Promise<string> {
  return new SignJWT(claims.role ? { role: claims.role } : {})
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setSubject(String(claims.sub))
    .setIssuedAt()
    .setExpirationTime(expiresIn)
    .sign(secretKey(jwtSecret));
}

function secretKey(secret: string): Uint8Array {
  return new TextEncoder().encode(secret);
}

/** Constant-time comparison of two secrets of any length (both hashed to 32 bytes first). */
export function sameSecret(given: string, expected: string): boolean {
  const digest = (text: string) => createHash('sha256').update(text, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
