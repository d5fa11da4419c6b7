// Vireo's own scheme for the renderer (ARCHITECTURE.md "Security of the shell"): the window loads
// vireo://app/index.html, served from the renderer folder by `protocol.handle`, instead of file://.
// Electron security checklist, "Avoid usage of the file protocol and prefer usage of custom protocols"
// (https://www.electronjs.org/docs/latest/tutorial/security): a file:// page may read any file the user
// can, and gets extra privileges (switched off by a fuse in build/electron-builder.yml); a page on this
// scheme reaches only the files below one folder. Electron is injected (types only), so the whole
// policy is unit-tested with fakes and a real folder.
import type { CustomScheme, Protocol } from 'electron';
import { readFile, realpath, stat } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { createLogger } from '../lib/log.js';
import { CONTENT_SECURITY_POLICY } from './session-policy.js';

const log = createLogger('app-protocol');

export const APP_SCHEME = 'vireo';
export const APP_HOST = 'app';
/** The renderer's document; also the one URL the IPC sender check and the window trust. */
export const APP_INDEX_URL = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * https://www.electronjs.org/docs/latest/api/protocol#protocolregisterschemesasprivilegedcustomschemes
 * `standard`: parsed like http (relative URLs, the origin vireo://app that CSP 'self' names, storage);
 * `secure`: a secure context, like https; `supportFetchAPI`: module scripts and preloads are fetched;
 * `codeCache`: V8 keeps compiled scripts between starts (needs `standard`). Left off on purpose:
 * `bypassCSP` (our CSP applies), `corsEnabled` (no other origin may read these files),
 * `allowServiceWorkers`, `stream`, `allowExtensions`.
 */
export const APP_SCHEME_PRIVILEGES: CustomScheme = {
  scheme: APP_SCHEME,
  privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true },
};

/** Must run before the app's 'ready' event (Electron throws afterwards). */
export function registerAppScheme(protocol: Pick<Protocol, 'registerSchemesAsPrivileged'>): void {
  protocol.registerSchemesAsPrivileged([APP_SCHEME_PRIVILEGES]);
}

/**
 * What Vite's build emits and the renderer loads. Module scripts are refused by Chromium unless they
 * come with a JavaScript type (HTML's strict MIME check), and `nosniff` below makes every type binding.
 */
const MIME_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
  '.wasm': 'application/wasm',
};

export function mimeTypeFor(file: string): string {
  return MIME_TYPES[path.extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * The file below `rootDir` that `rawUrl` names, or undefined when the URL is not ours or could leave
 * the folder. Judged on the text alone (symlinks are checked when the file is opened):
 * another scheme or host, credentials, a query that could select something else, and any path segment
 * that is empty, `.` or `..` once decoded (`%2e%2e`), or contains `/`, `\`, `:` (drive letters,
 * Windows streams) or NUL once decoded (`..%2f`, `%5c`, `%00`) are refused. The URL parser already
 * folds `..` it can see; these catch what it cannot.
 */
export function resolveAppPath(rootDir: string, rawUrl: string): string | undefined {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    return undefined;
  }
  // Chromium lower-cases the host of a standard scheme; Node's parser does not for unknown schemes.
  if (url.protocol !== `${APP_SCHEME}:` || url.host.toLowerCase() !== APP_HOST) return undefined;
  if (url.username !== '' || url.password !== '' || url.search !== '') return undefined;
  const raw = url.pathname.split('/');
  // pathname starts with '/', so the first piece is always empty.
  if (raw.shift() !== '' || raw.length === 0) return undefined;
  const segments: string[] = [];
  for (const piece of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(piece);
    } catch {
      return undefined;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/u.test(segment)) return undefined;
    segments.push(segment);
  }
  const root = path.resolve(rootDir);
  const file = path.resolve(root, ...segments);
  return isInside(root, file) ? file : undefined;
}

function isInside(root: string, file: string): boolean {
  const rel = path.relative(root, file);
  return rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
}

/** The file operations the handler needs; Node's by default (Electron makes them read inside app.asar). */
export interface AppFileSystem {
  realpath(file: string): Promise<string>;
  isFile(file: string): Promise<boolean>;
  readFile(file: string): Promise<Uint8Array>;
}

// The callback forms: Electron's asar support patches these (https://www.electronjs.org/docs/latest/tutorial/asar-archives).
const nodeFiles: AppFileSystem = {
  realpath: (file) => promisify(realpath)(file),
  isFile: async (file) => (await promisify(stat)(file)).isFile(),
  readFile: (file) => promisify(readFile)(file),
};

const SECURITY_HEADERS = {
  // The same policy the session puts on responses; sent here too because responses from a
  // protocol handler are not guaranteed to pass through webRequest.
  'Content-Security-Policy': CONTENT_SECURITY_POLICY,
  'X-Content-Type-Options': 'nosniff',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

function refusal(status: 403 | 404 | 405): Response {
  const text = status === 405 ? 'Method not allowed' : status === 403 ? 'Forbidden' : 'Not found';
  return new Response(text, { status, headers: { ...SECURITY_HEADERS, 'Content-Type': 'text/plain; charset=utf-8' } });
}

/** The `protocol.handle` handler that serves the files below `rootDir`, and nothing else. */
export function createAppProtocolHandler(rootDir: string, files: AppFileSystem = nodeFiles): (request: Request) => Promise<Response> {
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD') return refusal(405);
    const file = resolveAppPath(rootDir, request.url);
    if (file === undefined) {
      log.warn('refused a renderer request outside the renderer folder');
      return refusal(403);
    }
    try {
      // A symlink (or a junction) below the folder must not lead out of it.
      const [root, real] = await Promise.all([files.realpath(path.resolve(rootDir)), files.realpath(file)]);
      if (!isInside(root, real)) {
        log.warn('refused a renderer file that links outside the renderer folder');
        return refusal(403);
      }
      if (!(await files.isFile(real))) return refusal(404);
      const body = request.method === 'HEAD' ? null : await files.readFile(real);
      return new Response(body, { status: 200, headers: { ...SECURITY_HEADERS, 'Content-Type': mimeTypeFor(file) } });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') log.warn('could not read a renderer file', err);
      return refusal(404);
    }
  };
}

/** Serves the renderer folder on vireo:// for one session (call after 'ready'). */
export function serveAppScheme(protocol: Pick<Protocol, 'handle'>, rootDir: string, files?: AppFileSystem): void {
  protocol.handle(APP_SCHEME, createAppProtocolHandler(rootDir, files));
}
