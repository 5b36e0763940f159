/**
 * The app's own origin, `app://gobs`, served from the built renderer folder instead of file://
 * (Electron security checklist: a file:// page can read any file and shares one origin with every
 * other local file). Only files inside that folder, of a known type, by GET or HEAD; every response
 * carries the Content-Security-Policy. Plain Node (WHATWG Request/Response), so the handler that
 * `protocol.handle` runs is the one the tests run.
 */
import { readFile, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { BASEMAP } from '../../shared/basemap';

export const APP_SCHEME = 'app';
export const APP_HOST = 'gobs';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** For `protocol.registerSchemesAsPrivileged`: a standard, secure origin; nothing else. */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true } as const;

export interface CspOptions {
  /** The user enabled the online basemap in Settings: its one origin may be fetched. */
  basemap?: boolean;
}

/**
 * The Content-Security-Policy of the app's pages. MapLibre's worker is a module file of the build
 * (worker-src 'self'); it draws into WebGL and needs neither eval nor inline styles. The basemap's
 * origin is allowed only while the basemap is enabled (the page reloads when it changes).
 */
export function contentSecurityPolicy(options: CspOptions = {}): string {
  const remote = options.basemap ? ` ${BASEMAP.origin}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    "worker-src 'self'",
    "style-src 'self'",
    `img-src 'self' data: blob:${remote}`,
    "font-src 'self'",
    `connect-src 'self'${remote}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'none'",
    "frame-ancestors 'none'",
  ].join('; ');
}

/** The policy with the basemap off (the default). */
export const CONTENT_SECURITY_POLICY = contentSecurityPolicy();

/** What the renderer build contains; anything else is not served. */
const MIME_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
};

export type AppResolution =
  { status: 200; file: string; mimeType: string } | { status: 400 | 403 | 404 | 405; reason: string };

/**
 * Which file of `rootDir` a request for `url` may read. Refused: another scheme or host, a method
 * other than GET/HEAD, encoded separators or NUL, `..` in any form, anything resolving outside the
 * folder, and file types the build does not produce.
 */
export function resolveAppRequest(url: string, rootDir: string, method = 'GET'): AppResolution {
  if (method !== 'GET' && method !== 'HEAD') return { status: 405, reason: 'method not allowed' };
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { status: 400, reason: 'not a URL' };
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return { status: 403, reason: 'not the app' };
  if (parsed.username || parsed.password || parsed.port) return { status: 403, reason: 'not the app' };
  const rawPath = parsed.pathname;
  // Encoded separators and NUL are never part of a real asset path; refusing them beats decoding them.
  if (/%(2f|5c|00)/i.test(rawPath) || rawPath.includes('\\')) return { status: 403, reason: 'encoded separator' };
  let path: string;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return { status: 400, reason: 'bad encoding' };
  }
  const segments = path.split('/').filter((s) => s !== '');
  if (segments.some((s) => s === '..' || s === '.' || s.includes('\0'))) return { status: 403, reason: 'traversal' };
  if (segments.length === 0) segments.push('index.html');
  const root = resolve(rootDir);
  const file = resolve(root, ...segments);
  const rel = relative(root, file);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.split(sep).includes('..')) {
    return { status: 403, reason: 'outside the app folder' };
  }
  const mimeType = MIME_TYPES[extname(file).toLowerCase()];
  if (!mimeType) return { status: 404, reason: 'not an app file type' };
  return { status: 200, file, mimeType };
}

/** Headers of every response of the app origin, errors included. */
export function appHeaders(contentType: string, csp = CONTENT_SECURITY_POLICY): Record<string, string> {
  return {
    'Content-Type': contentType,
    'Content-Security-Policy': csp,
    'X-Content-Type-Options': 'nosniff',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  };
}

/** The `protocol.handle('app', …)` handler: a WHATWG Request in, a Response out. */
export async function handleAppRequest(
  request: Pick<Request, 'url' | 'method'>,
  rootDir: string,
  csp: () => string = () => CONTENT_SECURITY_POLICY,
): Promise<Response> {
  const r = resolveAppRequest(request.url, rootDir, request.method);
  if (r.status !== 200) {
    return new Response(r.reason, { status: r.status, headers: appHeaders('text/plain; charset=utf-8') });
  }
  let body: Buffer;
  try {
    // A link inside the folder pointing out of it is refused too: compare the real paths.
    const [realRoot, realFile] = await Promise.all([realpath(rootDir), realpath(r.file)]);
    const rel = relative(realRoot, realFile);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) {
      return new Response('outside the app folder', { status: 403, headers: appHeaders('text/plain; charset=utf-8') });
    }
    body = await readFile(realFile);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const status = code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR' ? 404 : 500;
    return new Response(status === 404 ? 'not found' : 'cannot read', {
      status,
      headers: appHeaders('text/plain; charset=utf-8'),
    });
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), {
    status: 200,
    headers: appHeaders(r.mimeType, csp()),
  });
}
