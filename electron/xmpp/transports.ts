// The three ways to reach a server (ARCHITECTURE.md "Connections"), as @xmpp/connection transports whose
// sockets all go through `secureConnect`/`verifyPeer`: STARTTLS on a plain TCP stream (RFC 6120 §5),
// Direct TLS (XEP-0368, https://xmpp.org/extensions/xep-0368.html) and WebSocket (RFC 7395) over wss.
// @xmpp/client 0.14 has no hook for a CA or a pin (xmpp.js#598), so Vireo supplies its own sockets.
import { EventEmitter } from 'node:events';
import net from 'node:net';
import tls, { type TLSSocket } from 'node:tls';
import WebSocket from 'ws';
import ConnectionTCP from '@xmpp/connection-tcp';
import ConnectionWebSocket from '@xmpp/websocket/lib/Connection.js';
import { secureConnect, tlsNameOptions, verifyPeer, type TlsPolicy } from './tls-verify.js';
import { tunnel, type ProxyServer } from './proxy.js';
import { guardParser, MAX_STANZA_BYTES } from './stream-guard.js';
import { NS_CLIENT } from './rfc/6120-streams.js';

/** How one connection attempt reaches the server: TLS checks, and the HTTP proxy to tunnel through, if any. */
export type TransportPolicy = TlsPolicy & { timeoutMs?: number; proxy?: ProxyServer };

export interface SocketLike extends EventEmitter {
  secure: boolean;
  write(data: string, cb?: (err?: Error | null) => void): void;
  end(): void;
  /** Drop the connection at once, without a clean close (the peer must not think we got anything). */
  destroy(): void;
}

/** A TLS socket in the shape @xmpp/connection expects (events: connect, data, close, error). */
export class SecureSocket extends EventEmitter implements SocketLike {
  secure = true;
  socket: TLSSocket | null = null;
  constructor(private readonly policy: TransportPolicy) {
    super();
    // The connection listens for errors while this socket is attached; one that comes after it was
    // detached (a late write failing on a reset link) must not crash the process.
    this.on('error', () => {});
  }

  /** Direct TLS: dial and handshake. */
  connect(params: { host: string; port: number }): void {
    // XEP-0368 §3: ALPN 'xmpp-client' lets a multiplexing server on 443 route us.
    const { proxy, ...policy } = this.policy;
    const dialled = proxy
      ? tunnel(proxy, params.host, params.port, policy.timeoutMs).then((socket) =>
          secureConnect({ ...policy, socket, alpn: ['xmpp-client'] }),
        )
      : secureConnect({ ...policy, host: params.host, port: params.port, alpn: ['xmpp-client'] });
    dialled.then(
      (s) => this.attach(s),
      (err) => this.emit('error', err),
    );
  }

  /** STARTTLS: upgrade an established plain socket. */
  async upgrade(plain: net.Socket): Promise<void> {
    this.attach(await secureConnect({ ...this.policy, socket: plain }));
  }

  private attach(s: TLSSocket): void {
    this.socket = s;
    // Bytes, not text: the client decodes UTF-8 across chunk boundaries itself and refuses invalid
    // UTF-8 (guarded-connection.ts), where setEncoding would turn it into U+FFFD.
    s.on('data', (d: Buffer) => this.emit('data', d));
    s.on('error', (e: Error) => this.emit('error', e));
    s.on('close', (hadError: boolean) => {
      this.socket = null;
      this.emit('close', hadError);
    });
    this.emit('connect');
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.socket) return cb?.(new Error('socket closed'));
    this.socket.write(data, cb);
  }

  end(): void {
    this.socket?.end();
  }

  destroy(): void {
    this.socket?.destroy();
  }
}

/** RFC 7395 over `ws`, with TLS verified by the same policy. */
export class SecureWebSocket extends EventEmitter implements SocketLike {
  secure = false;
  url: string | null = null;
  private ws: WebSocket | null = null;
  constructor(private readonly policy: TransportPolicy) {
    super();
    this.on('error', () => {}); // see SecureSocket
  }

  connect(url: string): void {
    this.url = url;
    const u = new URL(url);
    this.secure = u.protocol === 'wss:';
    const policy = this.policy;
    const ws = new WebSocket(url, ['xmpp'], {
      handshakeTimeout: 15_000,
      // ws accepts 100 MiB messages by default. A frame is one stanza (RFC 7395 §3.3.3): one past the
      // stanza limit is refused by the parser with policy-violation; far past it, ws stops reading.
      maxPayload: 2 * MAX_STANZA_BYTES,
      // Dial TLS ourselves so the certificate is checked against the JID's domain (or the pin)
      // before the HTTP upgrade request is answered.
      // Through a proxy the tunnel is asked for first: Node's HTTP client then takes the socket from
      // the callback (createConnection may answer asynchronously).
      createConnection: ((
        opts: tls.ConnectionOptions & { host: string; port: number },
        done: (err: Error | null, s?: net.Socket) => void,
      ) => {
        const overTls = (raw?: net.Socket) => {
          if (!this.secure) return raw ?? net.connect(opts);
          const s = tls.connect({
            ...opts,
            ...(raw ? { socket: raw } : {}),
            ...tlsNameOptions(policy.servername),
            rejectUnauthorized: false,
          });
          s.setNoDelay(true); // see secureConnect
          s.once('secureConnect', () => {
            try {
              verifyPeer(s, policy);
            } catch (err) {
              s.destroy(err as Error);
            }
          });
          return s;
        };
        if (!policy.proxy) return overTls();
        tunnel(policy.proxy, opts.host, Number(opts.port) || (this.secure ? 443 : 80), policy.timeoutMs).then(
          (raw) => done(null, overTls(raw)),
          (err: Error) => done(err),
        );
        return undefined;
      }) as never,
    });
    this.ws = ws;
    ws.on('open', () => this.emit('connect'));
    ws.on('message', (data: WebSocket.RawData) => this.emit('data', data.toString()));
    ws.on('error', (err: Error & { code?: string }) => {
      if (err.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') this.emit('oversize');
      this.emit('error', err);
    });
    ws.on('close', (code: number) => {
      this.ws = null;
      this.emit('close', code !== 1000, { code });
    });
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.ws || this.ws.readyState !== WebSocket.OPEN) return cb?.(new Error('socket closed'));
    this.ws.send(data, (err) => cb?.(err ?? null));
  }

  end(): void {
    this.ws?.close(1000);
  }

  destroy(): void {
    this.ws?.terminate();
  }
}

/** A plain TCP socket for the STARTTLS path; `secure` becomes true only after the upgrade. */
export class PlainSocket extends net.Socket {
  secure = false;
  constructor() {
    super();
    this.on('error', () => {}); // see SecureSocket
  }
}

/**
 * The STARTTLS path through a proxy: the plain stream runs in the proxy's tunnel. Shaped like the
 * socket @xmpp/connection-tcp drives (connect, write, end, destroy; data/connect/close/error), and
 * hands its tunnel over for the TLS upgrade (`release`).
 */
export class TunnelPlainSocket extends EventEmitter implements SocketLike {
  secure = false;
  private inner: net.Socket | null = null;
  private readonly forward = {
    data: (d: Buffer) => this.emit('data', d),
    error: (e: Error) => this.emit('error', e),
    close: (hadError: boolean) => {
      this.inner = null;
      this.emit('close', hadError);
    },
  };
  constructor(private readonly policy: TransportPolicy) {
    super();
    this.on('error', () => {}); // see SecureSocket
  }

  connect(params: { host: string; port: number }): void {
    tunnel(this.policy.proxy!, params.host, params.port, this.policy.timeoutMs).then(
      (s) => {
        this.inner = s;
        s.on('data', this.forward.data);
        s.on('error', this.forward.error);
        s.on('close', this.forward.close);
        s.resume();
        this.emit('connect');
      },
      (err: Error) => this.emit('error', err),
    );
  }

  /** The tunnel itself, no longer forwarded: STARTTLS wraps it in TLS. */
  release(): net.Socket {
    const s = this.inner;
    if (!s) throw new Error('socket closed');
    s.off('data', this.forward.data);
    s.off('error', this.forward.error);
    s.off('close', this.forward.close);
    this.inner = null;
    return s;
  }

  write(data: string, cb?: (err?: Error | null) => void): void {
    if (!this.inner) return cb?.(new Error('socket closed'));
    this.inner.write(data, cb);
  }

  end(): void {
    this.inner?.end();
  }

  destroy(): void {
    this.inner?.destroy();
  }
}

function parseHostPort(service: string, scheme: string): { host: string; port: number } | undefined {
  if (!service.startsWith(scheme)) return undefined;
  const u = new URL(service);
  return { host: u.hostname.replace(/^\[|\]$/g, ''), port: Number(u.port) };
}

/**
 * Transport classes bound to one account's TLS policy. @xmpp/connection instantiates sockets with
 * `new this.Socket()`, so the policy is captured by subclasses made per connection.
 */
export function makeTransports(policy: TransportPolicy) {
  // Every transport parses through the guard (stream-guard.ts): bad XML is a StreamFault that ends
  // the stream with a stream error (guarded-connection.ts), never markup skipped in silence.
  const TcpParser = guardParser((ConnectionTCP.prototype as unknown as { Parser: never }).Parser, false);
  class StartTls extends ConnectionTCP {
    override socketParameters(service: string) {
      const p = parseHostPort(service, 'xmpp://');
      return p && { port: p.port || 5222, host: p.host };
    }
  }
  class BoundTunnelPlainSocket extends TunnelPlainSocket {
    constructor() {
      super(policy);
    }
  }
  StartTls.prototype.Socket = policy.proxy ? BoundTunnelPlainSocket : PlainSocket;
  // The stream's default namespace for stanzas (RFC 6120 §4.8.2), as @xmpp/tcp sets it.
  StartTls.prototype.NS = NS_CLIENT;
  (StartTls.prototype as unknown as { Parser: unknown }).Parser = TcpParser;

  class BoundSecureSocket extends SecureSocket {
    constructor() {
      super(policy);
    }
  }
  class DirectTls extends ConnectionTCP {
    override socketParameters(service: string) {
      const p = parseHostPort(service, 'xmpps://');
      return p && { port: p.port || 5223, host: p.host };
    }
  }
  DirectTls.prototype.Socket = BoundSecureSocket;
  DirectTls.prototype.NS = NS_CLIENT;
  (DirectTls.prototype as unknown as { Parser: unknown }).Parser = TcpParser;

  class BoundWebSocket extends SecureWebSocket {
    constructor() {
      super(policy);
    }
  }
  class WebSocketTransport extends ConnectionWebSocket {}
  WebSocketTransport.prototype.Socket = BoundWebSocket;
  // RFC 7395 §3.3.3: each WebSocket message is one element, so a "stanza" is a frame there.
  (WebSocketTransport.prototype as unknown as { Parser: unknown }).Parser = guardParser(
    (ConnectionWebSocket.prototype as unknown as { Parser: never }).Parser,
    true,
  );

  return { transports: [WebSocketTransport, DirectTls, StartTls], SecureSocket: BoundSecureSocket };
}
