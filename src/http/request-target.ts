/**
 * The request target (RFC 9112 §3.2) as the handler routes on it, without `new URL` on the
 * client's bytes: origin-form `/path?query`, absolute-form `http://host/path?query`,
 * asterisk-form `*` (OPTIONS only) and authority-form (CONNECT only; node:http hands CONNECT to
 * the server's 'connect' event, see transport-guards.ts, so it never reaches here).
 * A target that is none of these is undefined: the handler answers 400.
 */
export interface RequestTarget {
  /** The path as sent (not percent-decoded, not normalised): routes match it exactly. */
  readonly pathname: string;
  /** '' or '?…' as sent. */
  readonly search: string;
  readonly form: 'origin' | 'absolute' | 'asterisk';
}

/** `http(s)://` and an authority: a registered name or IPv4, or a bracketed IPv6, and a port; no userinfo. */
const ABSOLUTE = /^https?:\/\/(?:[A-Za-z0-9._~%!$&'()*+,;=-]+|\[[0-9A-Fa-f:.]+\])(?::\d{0,5})?(?=[/?#]|$)/i;

export function parseTarget(method: string | undefined, raw: string | undefined): RequestTarget | undefined {
  if (raw === undefined || raw === '') return undefined;
  if (raw === '*') return method === 'OPTIONS' ? { pathname: '*', search: '', form: 'asterisk' } : undefined;
  if (raw.startsWith('/')) return split(raw, 'origin');
  const authority = ABSOLUTE.exec(raw);
  if (!authority) return undefined;
  const rest = raw.slice(authority[0].length);
  // `http://host` alone names the root; anything after the authority must be a path or query.
  if (rest === '') return { pathname: '/', search: '', form: 'absolute' };
  if (rest.startsWith('/')) return split(rest, 'absolute');
  if (rest.startsWith('?')) return { pathname: '/', search: withoutFragment(rest), form: 'absolute' };
  return undefined;
}

function split(target: string, form: 'origin' | 'absolute'): RequestTarget {
  const clean = withoutFragment(target);
  const question = clean.indexOf('?');
  return question < 0
    ? { pathname: clean, search: '', form }
    : { pathname: clean.slice(0, question), search: clean.slice(question), form };
}

/** A fragment has no business in a request target; it is dropped as URL parsers do. */
function withoutFragment(target: string): string {
  const hash = target.indexOf('#');
  return hash < 0 ? target : target.slice(0, hash);
}
