// The renderer's scheme, checked with a fake `protocol` and a real folder (with real symlinks): only
// files below the renderer folder are served, with the right types; nothing else is reachable.
import type { CustomScheme, Protocol } from 'electron';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  APP_INDEX_URL,
  APP_SCHEME,
  APP_SCHEME_PRIVILEGES,
  createAppProtocolHandler,
  mimeTypeFor,
  registerAppScheme,
  resolveAppPath,
  serveAppScheme,
} from './app-protocol.js';
import { CONTENT_SECURITY_POLICY } from './session-policy.js';

// Made at load time: the table of refused URLs below names a real absolute path in it.
const base = mkdtempSync(path.join(tmpdir(), 'vireo-app-protocol-'));
const root = path.join(base, 'renderer');
const INDEX = '<!doctype html><title>Vireo</title>';
const SECRET = 'the contents of a file outside the renderer folder';

beforeAll(() => {
  mkdirSync(path.join(root, 'assets'), { recursive: true });
  writeFileSync(path.join(root, 'index.html'), INDEX);
  writeFileSync(path.join(root, 'assets', 'index-abc.js'), 'export const x = 1;');
  writeFileSync(path.join(root, 'assets', 'index-abc.css'), 'body{}');
  writeFileSync(path.join(root, 'assets', 'font.woff2'), Buffer.from([0x77, 0x4f, 0x46, 0x32]));
  writeFileSync(path.join(root, 'assets', 'logo.svg'), '<svg/>');
  writeFileSync(path.join(root, 'assets', 'blob.bin'), 'x');
  writeFileSync(path.join(base, 'secret.txt'), SECRET);
  mkdirSync(path.join(base, 'renderer-old'));
  writeFileSync(path.join(base, 'renderer-old', 'index.html'), SECRET);
  // Links out of the folder (a file and a folder), and one that stays inside.
  symlinkSync(path.join(base, 'secret.txt'), path.join(root, 'leak.txt'));
  symlinkSync(base, path.join(root, 'up'), 'dir');
  symlinkSync(path.join(root, 'assets', 'index-abc.js'), path.join(root, 'alias.js'));
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
beforeEach(() => {
  // Refusals are logged as warnings; keep the output clean.
  vi.spyOn(console, 'error').mockImplementation(() => {});
  vi.spyOn(console, 'warn').mockImplementation(() => {});
});

async function get(url: string, method = 'GET') {
  const response = await createAppProtocolHandler(root)(new Request(url, { method }));
  return { status: response.status, type: response.headers.get('content-type'), headers: response.headers, text: await response.text() };
}

describe('registerAppScheme', () => {
  it('registers vireo: as a standard, secure scheme that does not bypass the CSP or open CORS', () => {
    const calls: CustomScheme[][] = [];
    registerAppScheme({
      registerSchemesAsPrivileged: (schemes: CustomScheme[]) => {
        calls.push(schemes);
      },
    });
    expect(calls).toEqual([[APP_SCHEME_PRIVILEGES]]);
    const { scheme, privileges } = calls[0]![0]!;
    expect(scheme).toBe('vireo');
    expect(privileges?.standard).toBe(true);
    expect(privileges?.secure).toBe(true);
    expect(privileges?.bypassCSP ?? false).toBe(false);
    expect(privileges?.corsEnabled ?? false).toBe(false);
    expect(privileges?.allowServiceWorkers ?? false).toBe(false);
    expect(APP_INDEX_URL).toBe('vireo://app/index.html');
  });

  it('serves the scheme through protocol.handle', async () => {
    const handled: [string, (r: Request) => Promise<Response>][] = [];
    serveAppScheme(
      {
        handle: (scheme: string, handler: (r: Request) => Promise<Response>) => {
          handled.push([scheme, handler]);
        },
      } as unknown as Pick<Protocol, 'handle'>,
      root,
    );
    expect(handled.map(([s]) => s)).toEqual([APP_SCHEME]);
    const response = await handled[0]![1](new Request(APP_INDEX_URL));
    expect(await response.text()).toBe(INDEX);
  });
});

describe('the vireo: handler', () => {
  it('serves the renderer document with the CSP and its type', async () => {
    const r = await get(APP_INDEX_URL);
    expect(r.status).toBe(200);
    expect(r.text).toBe(INDEX);
    expect(r.type).toBe('text/html; charset=utf-8');
    expect(r.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(r.headers.get('x-content-type-options')).toBe('nosniff');
  });

  it('serves assets with the types Chromium needs (module scripts are refused without a JavaScript type)', async () => {
    expect(await get('vireo://app/assets/index-abc.js')).toMatchObject({
      status: 200,
      type: 'text/javascript; charset=utf-8',
      text: 'export const x = 1;',
    });
    expect(await get('vireo://app/assets/index-abc.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await get('vireo://app/assets/font.woff2')).toMatchObject({ status: 200, type: 'font/woff2' });
    expect(await get('vireo://app/assets/logo.svg')).toMatchObject({ status: 200, type: 'image/svg+xml' });
    expect(await get('vireo://app/assets/blob.bin')).toMatchObject({ status: 200, type: 'application/octet-stream' });
    // A link that stays inside the folder is fine.
    expect(await get('vireo://app/alias.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect(mimeTypeFor('A.PNG')).toBe('image/png');
    expect(mimeTypeFor('x.json')).toBe('application/json; charset=utf-8');
  });

  it('answers HEAD without a body and refuses other methods', async () => {
    expect(await get(APP_INDEX_URL, 'HEAD')).toMatchObject({ status: 200, text: '' });
    expect((await get(APP_INDEX_URL, 'POST')).status).toBe(405);
  });

  it.each([
    // `..` and its encodings: folded by the URL parser to a path inside the folder, or refused.
    'vireo://app/../secret.txt',
    'vireo://app/%2e%2e/secret.txt',
    'vireo://app/.%2E/.%2e/secret.txt',
    'vireo://app/assets/../../secret.txt',
    'vireo://app/..%2fsecret.txt',
    'vireo://app/..%2Fsecret.txt',
    'vireo://app/%2e%2e%2fsecret.txt',
    'vireo://app/..%5csecret.txt',
    'vireo://app/..%5Crenderer-old%5Cindex.html',
    'vireo://app/%2e%2e%2frenderer-old/index.html',
    // Absolute paths, drive letters, NUL.
    `vireo://app/${encodeURIComponent(path.join(base, 'secret.txt'))}`,
    'vireo://app//etc/passwd',
    'vireo://app/C:%5CWindows%5Cwin.ini',
    'vireo://app/index.html%00.js',
    // Symlinks out of the folder.
    'vireo://app/leak.txt',
    'vireo://app/up/secret.txt',
    'vireo://app/up/renderer-old/index.html',
    // Not our URL at all.
    'vireo://other/index.html',
    'https://app/index.html',
    `file://${path.join(root, 'index.html')}`,
  ])('never serves anything outside the folder: %s', async (url) => {
    const r = await get(url);
    expect([403, 404]).toContain(r.status);
    expect(r.text).not.toContain(SECRET);
    expect(r.text).not.toContain(INDEX);
  });

  it('refuses encoded traversal before touching the disk, and says 403', async () => {
    const files = {
      realpath: vi.fn(async (p: string) => p),
      isFile: vi.fn(async () => true),
      readFile: vi.fn(async () => new Uint8Array()),
    };
    const handler = createAppProtocolHandler(root, files);
    for (const url of ['vireo://app/..%2fsecret.txt', 'vireo://app/%5C..%5Csecret.txt', 'vireo://app/a%00b', 'vireo://evil/index.html']) {
      expect((await handler(new Request(url))).status, url).toBe(403);
    }
    expect(files.readFile).not.toHaveBeenCalled();
    expect((await get('vireo://app/leak.txt')).status).toBe(403);
  });

  it('answers 404 for folders and files that do not exist', async () => {
    expect((await get('vireo://app/assets')).status).toBe(404);
    expect((await get('vireo://app/assets/')).status).toBe(403);
    expect((await get('vireo://app/')).status).toBe(403);
    expect((await get('vireo://app/missing.js')).status).toBe(404);
  });
});

describe('resolveAppPath', () => {
  it('maps a URL to the file below the folder, case-insensitively on the host', () => {
    expect(resolveAppPath('/r', 'vireo://app/index.html')).toBe(path.resolve('/r/index.html'));
    expect(resolveAppPath('/r', 'vireo://APP/assets/a%20b.js')).toBe(path.resolve('/r/assets/a b.js'));
    expect(resolveAppPath('/r', 'vireo://app/index.html#/settings')).toBe(path.resolve('/r/index.html'));
    expect(resolveAppPath('/r', 'vireo://app/index.html?x=1')).toBeUndefined();
    expect(resolveAppPath('/r', 'vireo://app/%E0%A4%A')).toBeUndefined();
    expect(resolveAppPath('/r', 'not a url')).toBeUndefined();
    expect(resolveAppPath('/r', 'vireo://user:pw@app/index.html')).toBeUndefined();
  });
});
