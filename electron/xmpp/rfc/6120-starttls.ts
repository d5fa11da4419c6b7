// STARTTLS, RFC 6120 §5 — https://www.rfc-editor.org/rfc/rfc6120#section-5
// Always negotiated when offered on a plain stream, whether or not the server marks it <required/>;
// if it is not offered, SASL refuses to run (see 6120-sasl.ts), so nothing secret crosses in clear.
import { xml } from '@xmpp/client';
import type { Element } from '@xmpp/xml';
import type net from 'node:net';
import { XmppFailure } from '../errors.js';
import type { SecureSocket } from '../transports.js';

export const NS_TLS = 'urn:ietf:params:xml:ns:xmpp-tls';

interface TlsEntity {
  socket: unknown;
  isSecure(): boolean;
  sendReceive(el: Element): Promise<Element>;
  _attachSocket(socket: unknown): void;
  _detachSocket(): void;
  restart(): Promise<unknown>;
}

interface StreamFeatures {
  use(name: string, ns: string, handler: (ctx: { entity: TlsEntity }, next: () => unknown, feature: Element) => unknown): void;
}

export function setupStartTls(streamFeatures: StreamFeatures, makeSecureSocket: () => SecureSocket): void {
  streamFeatures.use('starttls', NS_TLS, async ({ entity }, next) => {
    if (entity.isSecure()) return next();
    const reply = await entity.sendReceive(xml('starttls', { xmlns: NS_TLS }));
    // §5.4.2.2: on <failure/> the server closes the stream; report it in words.
    if (!reply.is('proceed', NS_TLS)) throw new XmppFailure('tls-required', 'the server refused to start TLS');
    const secure = makeSecureSocket();
    // Through a proxy the plain stream is a tunnel (transports.ts TunnelPlainSocket): TLS wraps the tunnel.
    const own = entity.socket as net.Socket | { release(): net.Socket };
    const plain = 'release' in own ? own.release() : own;
    // Stop listening to the plain socket before TLS takes it over: otherwise its own 'close' later
    // reaches the connection as a second disconnect, possibly after a reconnect attached a new socket.
    entity._detachSocket();
    // The TLS socket now owns this connection and reports its errors; the plain socket's own error
    // (e.g. ECONNRESET) must not go unhandled and bring the process down.
    plain.on('error', () => {});
    await secure.upgrade(plain);
    entity._attachSocket(secure);
    await entity.restart();
  });
}
