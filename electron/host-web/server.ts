// The browser host (CONTRIBUTING.md): the same core in plain Node, serving the built renderer on
// 127.0.0.1 and carrying the IPC contract over a WebSocket. Guarded like a local service should be:
// loopback only, a random per-run token (sent as the WebSocket subprotocol, compared in constant
// time), Host and Origin checks against DNS rebinding and other sites' pages, and a payload cap.
import http from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { readFile, realpath } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import type { IpcRouter } from '../ipc/router.js';
import type { EventBus } from '../core/kernel/events.js';
import { createLogger } from '../lib/log.js';
import { CONTENT_SECURITY_POLICY } from '../windows/session-policy.js';

const log = createLogger('host-web');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
  '.ico': 'image/x-icon',
};

export interface BrowserHost {
  port: number;
  /** The address to open, token included in the fragment (never sent to the server in requests). */
  url: string;
  close(): Promise<void>;
}

export interface BrowserHostOptions {
  router: IpcRouter;
  events: EventBus;
  rendererDir: string;
  port?: number;
  token?: string;
}

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export async function startBrowserHost(opts: BrowserHostOptions): Promise<BrowserHost> {
  const token = opts.token ?? randomBytes(24).toString('base64url');
  const root = await realpath(opts.rendererDir);
  let port = 0;
  const allowedHosts = () => new Set([`127.0.0.1:${port}`, `localhost:${port}`]);

  const server = http.createServer(async (req, res) => {
    const headers = {
      'Content-Security-Policy': CONTENT_SECURITY_POLICY,
      'X-Content-Type-Options': 'nosniff',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': 'no-store',
      'Cross-Origin-Opener-Policy': 'same-origin',
      'Cross-Origin-Resource-Policy': 'same-origin',
    };
    if (!allowedHosts().has(req.headers.host ?? '')) {
      res.writeHead(421, headers).end('misdirected request');
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, headers).end();
      return;
    }
    try {
      const pathname = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
      const file = path.resolve(root, `.${pathname === '/' ? '/index.html' : pathname}`);
      const real = await realpath(file);
      if (real !== root && !real.startsWith(root + path.sep)) throw new Error('outside');
      const body = await readFile(real);
      res.writeHead(200, { ...headers, 'Content-Type': TYPES[path.extname(real)] ?? 'application/octet-stream' });
      res.end(req.method === 'HEAD' ? undefined : body);
    } catch {
      res.writeHead(404, headers).end('not found');
    }
  });

  const wss = new WebSocketServer({
    noServer: true,
    // 1 MiB: the largest command input is chat:send's body of MAX_MESSAGE_LENGTH (100,000) UTF-16 units,
    // at most 6 bytes each as JSON ("\u0000"), so 600,000 bytes plus the envelope. Media never travels
    // in these frames. A bigger frame is refused by ws, which then emits 'error' on that socket.
    maxPayload: 1024 * 1024,
    handleProtocols: (protocols) => [...protocols].find((p) => p.startsWith('vireo.') && sameToken(p.slice(6), token)) ?? false,
  });
  const sockets = new Set<WebSocket>();

  server.on('upgrade', (req, socket, head) => {
    // A reset while the upgrade is refused or under way must not end the host (no listener = a crash).
    socket.on('error', () => socket.destroy());
    const origin = req.headers.origin ?? '';
    const host = req.headers.host ?? '';
    const offered = String(req.headers['sec-websocket-protocol'] ?? '')
      .split(',')
      .map((s) => s.trim());
    const tokenOk = offered.some((p) => p.startsWith('vireo.') && sameToken(p.slice(6), token));
    const urlOk = new URL(req.url ?? '/', 'http://x').pathname === '/ipc';
    if (!urlOk || !allowedHosts().has(host) || origin !== `http://${host}` || !tokenOk) {
      log.warn(`refused a WebSocket from origin ${origin.slice(0, 100)}`);
      socket.end('HTTP/1.1 403 Forbidden\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      sockets.add(ws);
      ws.on('close', () => sockets.delete(ws));
      // A frame over maxPayload, bad UTF-8, a broken frame: ws reports it here (an 'error' without a
      // listener would be an uncaught exception that ends the host). Only this socket is closed.
      ws.on('error', (err: Error) => {
        log.warn(`closed a browser connection: ${err.message}`);
        ws.terminate();
      });
      ws.on('message', async (data) => {
        let msg: { id?: unknown; command?: unknown; input?: unknown };
        try {
          msg = JSON.parse(data.toString());
        } catch {
          return ws.close(1003, 'not JSON');
        }
        if (typeof msg?.id !== 'number') return ws.close(1003, 'no id');
        // The token was checked at the upgrade: every call on this socket is from Vireo's page.
        const result = await opts.router.dispatch(msg.command, msg.input, true);
        if (ws.readyState === ws.OPEN) ws.send(JSON.stringify({ id: msg.id, result }));
      });
    });
  });

  const unsubscribe = opts.events.subscribe((event, payload) => {
    const frame = JSON.stringify({ event, payload });
    for (const ws of sockets) if (ws.readyState === ws.OPEN) ws.send(frame);
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as { port: number }).port;

  return {
    port,
    url: `http://127.0.0.1:${port}/#token=${token}`,
    async close() {
      unsubscribe();
      for (const ws of sockets) ws.terminate();
      wss.close();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
