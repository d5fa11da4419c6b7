// The browser host refuses what is not Vireo's own page and carries the contract for what is.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import WebSocket from 'ws';
import { startBrowserHost, type BrowserHost } from './server.js';
import { createIpcRouter, type Handlers } from '../ipc/router.js';
import { createEventBus } from '../core/kernel/events.js';
import { ok } from '../../shared/errors.js';

let host: BrowserHost;
let dir: string;
const events = createEventBus();
const token = 'test-token-0123456789';

beforeAll(async () => {
  dir = await mkdtemp(path.join(os.tmpdir(), 'vireo-host-'));
  await writeFile(path.join(dir, 'index.html'), '<!doctype html><title>Vireo</title>');
  const handlers = new Proxy({} as Handlers, {
    get: (_t, name) => async () =>
      name === 'app:info' ? ok({ version: 't', host: 'browser-host', secrets: { best: 'memory', keychainAvailable: false } }) : ok(null),
  });
  host = await startBrowserHost({ router: createIpcRouter(handlers), events, rendererDir: dir, token });
});
afterAll(async () => {
  await host?.close();
  await rm(dir, { recursive: true, force: true });
});

function get(
  pathname: string,
  hostHeader = `127.0.0.1:${host.port}`,
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
  return new Promise((resolve, reject) => {
    http
      .get({ host: '127.0.0.1', port: host.port, path: pathname, headers: { host: hostHeader } }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      })
      .on('error', reject);
  });
}

function openSocket(opts: { token?: string; origin?: string }): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/ipc`, `vireo.${opts.token ?? token}`, {
      origin: opts.origin ?? `http://127.0.0.1:${host.port}`,
    });
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

describe('browser host', () => {
  it('serves the renderer with a strict CSP, only on loopback names', async () => {
    const r = await get('/');
    expect(r.status).toBe(200);
    expect(r.headers['content-security-policy']).toMatch(/default-src 'none'/);
    expect(host.url).toBe(`http://127.0.0.1:${host.port}/#token=${token}`);
    // DNS rebinding: a page on evil.example resolving to 127.0.0.1 sends its own Host header.
    expect((await get('/', `evil.example:${host.port}`)).status).toBe(421);
  });

  it('does not serve files outside the renderer folder', async () => {
    expect((await get('/../../../../etc/passwd')).status).toBe(404);
    expect((await get('/%2e%2e/%2e%2e/etc/passwd')).status).toBe(404);
    // A malformed escape from any web page must not bring the host down.
    expect((await get('/%E0')).status).toBe(404);
    expect((await get('/')).status).toBe(200);
  });

  it('refuses a WebSocket without the token or from another origin', async () => {
    await expect(openSocket({ token: 'wrong' })).rejects.toThrow(/403/);
    await expect(openSocket({ origin: 'http://evil.example' })).rejects.toThrow(/403/);
  });

  it('answers calls and pushes events on an authorised socket', async () => {
    const ws = await openSocket({});
    const messages: unknown[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
    ws.send(JSON.stringify({ id: 7, command: 'app:info', input: {} }));
    ws.send(JSON.stringify({ id: 8, command: 'no:such', input: {} }));
    events.emit('accounts:changed', []);
    await new Promise((r) => setTimeout(r, 200));
    expect(messages).toContainEqual({
      id: 7,
      result: { ok: true, value: { version: 't', host: 'browser-host', secrets: { best: 'memory', keychainAvailable: false } } },
    });
    expect(messages).toContainEqual({ id: 8, result: { ok: false, error: { code: 'unknown-command', detail: 'no:such' } } });
    expect(messages).toContainEqual({ event: 'accounts:changed', payload: [] });
    ws.close();
  });

  it('closes a socket that sends a frame over 1 MiB, and keeps serving the others', async () => {
    // In the real host an 'error' nobody listens to is an uncaught exception that ends the process.
    const uncaught: unknown[] = [];
    const onUncaught = (err: unknown) => uncaught.push(err);
    process.on('uncaughtException', onUncaught);
    const big = await openSocket({});
    const other = await openSocket({});
    const closed = new Promise<number>((resolve) => big.once('close', (code) => resolve(code)));
    big.on('error', () => {}); // the host closes it: that is the point
    big.send(JSON.stringify({ id: 1, command: 'chat:send', input: { body: 'x'.repeat(1024 * 1024 + 1) } }));
    expect(await closed).toBe(1009); // RFC 6455 §7.4.1: message too big
    const answered = new Promise((resolve) => other.once('message', (d) => resolve(JSON.parse(d.toString()))));
    other.send(JSON.stringify({ id: 9, command: 'app:info', input: {} }));
    expect(await answered).toMatchObject({ id: 9, result: { ok: true } });
    expect((await get('/')).status).toBe(200);
    const fresh = await openSocket({});
    fresh.close();
    other.close();
    process.off('uncaughtException', onUncaught);
    expect(uncaught).toEqual([]);
  });
});
