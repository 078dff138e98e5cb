/**
 * Serves the web app (`/`) and the offline analyst IDE (`/ide`) that `npm ci` builds into
 * web/dist (scripts/build-web.mjs). Both talk to /graphql only: no second API.
 *
 * Contract:
 * - files are read once, at start; a path outside the build is never served (the set of paths
 *   is the build's own file list, so `..` and the like simply do not match);
 * - `/ide` exists only when `ideEnabled` (outside production, or ENABLE_SANDBOX=true there);
 * - in development the HTML pages carry the sign-in tokens start-up prints, in a
 *   <meta name="gateway-dev-tokens"> element; in production they carry none and the app asks
 *   for a token;
 * - every page gets a content security policy allowing exactly its own scripts and styles and
 *   requests to its own origin: the pages load nothing from anywhere else.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A sign-in choice shown by the app in development: a label and the bearer token. */
export interface DevelopmentToken {
  readonly label: string;
  readonly token: string;
}

export interface WebAsset {
  readonly body: Buffer;
  readonly contentType: string;
  /** Hashed file names under /assets may be cached for good; pages never are. */
  readonly immutable: boolean;
}

export interface WebAssets {
  /** The asset for a request path, or undefined when the build has none there. */
  find(pathname: string): WebAsset | undefined;
  /** False when web/dist is missing (installed with --ignore-scripts and never built). */
  readonly built: boolean;
}

/** The build's location: the same from src/http (tsx) and from dist/http (compiled). */
export const WEB_DIST = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..', 'web', 'dist');

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

/**
 * The policy of every page: scripts and fonts from this origin only, requests to this origin
 * only. Styles also allow inline ones: GraphiQL and lightweight-charts inject <style> elements.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const DEV_TOKENS_PLACEHOLDER = '<meta name="gateway-dev-tokens" content="[]" />';

export function loadWebAssets(
  options: { readonly ideEnabled: boolean; readonly developmentTokens?: readonly DevelopmentToken[] },
  root = WEB_DIST,
): WebAssets {
  const files = new Map<string, WebAsset>();
  if (!existsSync(path.join(root, 'index.html'))) return { built: false, find: () => undefined };
  const tokens = escapeAttribute(JSON.stringify(options.developmentTokens ?? []));
  for (const relative of listFiles(root)) {
    const extension = path.extname(relative);
    let body = readFileSync(path.join(root, relative));
    if (extension === '.html')
      body = Buffer.from(
        body.toString('utf8').replace(DEV_TOKENS_PLACEHOLDER, `<meta name="gateway-dev-tokens" content="${tokens}" />`),
      );
    files.set(`/${relative}`, {
      body,
      contentType: TYPES[extension] ?? 'application/octet-stream',
      immutable: relative.startsWith('assets/'),
    });
  }
  const page = (name: string) => files.get(`/${name}`);
  return {
    built: true,
    find(pathname) {
      if (pathname === '/' || pathname === '/index.html') return page('index.html');
      if (pathname === '/ide' || pathname === '/ide.html') return options.ideEnabled ? page('ide.html') : undefined;
      return pathname.endsWith('.html') ? undefined : files.get(pathname);
    },
  };
}

function listFiles(root: string, prefix = ''): string[] {
  return readdirSync(path.join(root, prefix)).flatMap((name) => {
    const relative = prefix ? `${prefix}/${name}` : name;
    return statSync(path.join(root, relative)).isDirectory() ? listFiles(root, relative) : [relative];
  });
}

function escapeAttribute(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
