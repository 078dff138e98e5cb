/**
 * Who the app signs in as: a bearer token kept in sessionStorage. In development the gateway
 * puts the tokens start-up prints into <meta name="gateway-dev-tokens">; in production that
 * list is empty and the user pastes a token.
 */
export interface DevelopmentToken {
  readonly label: string;
  readonly token: string;
}

export type Role = 'viewer' | 'analyst' | 'admin';

export interface Session {
  readonly token: string;
  readonly label: string;
  readonly role: Role;
}

const KEY = 'stock-insight-session';

export function developmentTokens(): DevelopmentToken[] {
  const content = document.querySelector('meta[name="gateway-dev-tokens"]')?.getAttribute('content') ?? '[]';
  try {
    const parsed: unknown = JSON.parse(content);
    return Array.isArray(parsed) ? (parsed as DevelopmentToken[]) : [];
  } catch {
    return [];
  }
}

/**
 * The role a token claims, for what the UI offers; the gateway decides what it may see. A
 * JWT with role "analyst" is an analyst, another JWT a viewer; anything else is taken for the
 * ADMIN_TOKEN.
 */
export function roleOf(token: string): Role {
  const parts = token.split('.');
  if (parts.length !== 3) return 'admin';
  try {
    const claims = JSON.parse(atob(parts[1].replace(/-/g, '+').replace(/_/g, '/'))) as { role?: unknown };
    return claims.role === 'analyst' ? 'analyst' : 'viewer';
  } catch {
    return 'admin';
  }
}

export function loadSession(): Session | undefined {
  const stored = sessionStorage.getItem(KEY);
  if (!stored) return undefined;
  try {
    return JSON.parse(stored) as Session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}
