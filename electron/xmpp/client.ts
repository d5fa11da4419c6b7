// Vireo's XMPP composition root per account, in the xmpp.js style (one factory wiring small
// packages): Vireo's own transports, STARTTLS and SASL; xmpp.js's middleware, IQ and resource binding.
import { Client } from '@xmpp/client-core';
import _middleware from '@xmpp/middleware';
import _streamFeatures from '@xmpp/stream-features';
import _iqCaller from '@xmpp/iq/caller.js';
import _iqCallee from '@xmpp/iq/callee.js';
import type { Element } from '@xmpp/xml';
import { xml } from '@xmpp/client';
import { makeTransports } from './transports.js';
import { guardStream, type StreamGuard } from './guarded-connection.js';
import { setupStartTls } from './rfc/6120-starttls.js';
import { setupSasl } from './rfc/6120-sasl.js';
import type { TlsPolicy } from './tls-verify.js';
import { setupStreamManagement, type StreamManagement } from './stream-management.js';
import { XmppFailure } from './errors.js';
import { buildStanzaError } from './rfc/6120-stanza-errors.js';
import type { SaltedPasswordCache } from './sasl/scram.js';
import type { ProxyServer } from './proxy.js';
import { buildCaps, capsVer, CAPS_NODE, NS_CAPS } from './xep/0115-caps.js';
import { MDS_NOTIFY_FEATURE } from './xep/0490-mds.js';
import { BOOKMARKS_NOTIFY_FEATURE } from './xep/0402-bookmarks.js';
import { LEGACY_BOOKMARKS_NOTIFY_FEATURE } from './xep/0048-bookmarks.js';
import { NS_CONFERENCE } from './xep/0249-direct-invitation.js';
import { NS_DISCO_INFO } from './xep/0030-disco.js';
import { NS_PING } from './xep/0199-ping.js';
import { NS_RECEIPTS } from './xep/0184-receipts.js';
import { NS_MARKERS } from './xep/0333-chat-markers.js';
import { NS_CARBONS } from './xep/0280-carbons.js';
import { NS_SID } from './xep/0359-stable-ids.js';
import { NS_STREAMS } from './rfc/6120-streams.js';

const IDENTITY = { category: 'client', type: 'pc', name: 'Vireo' };
/** What this client implements (XEP-0030 features); "+notify" asks PEP to push those nodes (XEP-0163). */
export const CLIENT_FEATURES = [
  NS_DISCO_INFO,
  NS_CAPS,
  NS_PING,
  NS_RECEIPTS,
  NS_MARKERS,
  NS_CARBONS,
  NS_SID,
  MDS_NOTIFY_FEATURE,
  // XEP-0402: our bookmarks pushed to us (other devices join and leave rooms); XEP-0249 §3: a client
  // that accepts direct invitations "MUST advertise that fact" with jabber:x:conference.
  BOOKMARKS_NOTIFY_FEATURE,
  NS_CONFERENCE,
  // XEP-0048 §3.3 bookmarks in PEP, where the server keeps them in step with private storage (XEP-0411).
  LEGACY_BOOKMARKS_NOTIFY_FEATURE,
  // XEP-0384 v0.3 §4.3: contacts' OMEMO device lists pushed to us (the node of electron/omemo/legacy/wire.ts).
  'eu.siacs.conversations.axolotl.devicelist+notify',
];
const CAPS_VER = capsVer([IDENTITY], CLIENT_FEATURES);
/** The XEP-0115 <c/> for our presence. */
export const clientCaps = () => buildCaps(CAPS_VER);

export interface XmppClientOptions {
  /** Bare JID `local@domain`. */
  jid: string;
  password: string;
  resource: string;
  /** `xmpp://host:port` (STARTTLS), `xmpps://host:port` (Direct TLS) or `wss://…` (RFC 7395). */
  service: string;
  /** Pinned certificate fingerprint, if the user chose one. */
  pinned?: string;
  /** Per-step timeout (socket, stream open, each IQ). */
  timeoutMs?: number;
  /** How long an unanswered ack request may wait before the link counts as dead (XEP-0198). */
  answerTimeoutMs?: number;
  /** This account's salted-password cache (see sasl/scram.ts). */
  scramCache?: SaltedPasswordCache;
  /** An HTTP proxy to tunnel through (Direct TLS and WebSocket; see proxy.ts). */
  proxy?: ProxyServer;
  /** The strongest password mechanism this server offered before, read at each sign-in: weaker offers are refused (rfc/6120-sasl.ts). */
  saslFloor?: () => string | undefined;
}

export interface IqCaller {
  request(el: Element, timeout?: number): Promise<Element>;
  get(el: Element, to?: string, timeout?: number): Promise<Element>;
  set(el: Element, to?: string, timeout?: number): Promise<Element>;
}

export interface XmppClient extends StreamGuard {
  readonly jid: { toString(): string; bare(): { toString(): string } } | null;
  status: string;
  /** SASL mechanism used by the last successful login (for diagnostics and the benchmark). */
  readonly mechanism: string | undefined;
  start(): Promise<unknown>;
  stop(): Promise<unknown>;
  send(el: Element): Promise<void>;
  isSecure(): boolean;
  on(event: string, fn: (...args: any[]) => void): unknown;
  off(event: string, fn: (...args: any[]) => void): unknown;
  once(event: string, fn: (...args: any[]) => void): unknown;
  iqCaller: IqCaller;
  iqCallee: {
    get(ns: string, name: string, fn: (ctx: unknown) => unknown): void;
    set(ns: string, name: string, fn: (ctx: unknown) => unknown): void;
  };
  middleware: { use(fn: (ctx: any, next: () => Promise<unknown>) => unknown): void };
  socket: unknown;
  /** XEP-0198 session: acks, resumption. */
  sm: StreamManagement;
  /** The last stream features the server sent. */
  features?: Element;
  options: { service: string; domain: string; lang?: string };
  connect(service: string): Promise<unknown>;
  open(opts: { domain: string; lang?: string }): Promise<unknown>;
}

export function createXmppClient(opts: XmppClientOptions): XmppClient {
  const at = opts.jid.lastIndexOf('@');
  const username = opts.jid.slice(0, at);
  const domain = opts.jid.slice(at + 1);
  // A WebSocket endpoint is an HTTPS URL: its certificate is checked against the URL's host (RFC 7395
  // §3.1 builds on RFC 6455, which uses the URL's host), which is how a domain can delegate WebSocket
  // service to another host in its host-meta (XEP-0156). TCP transports are checked against the JID's
  // domain (RFC 6120 §13.7.2.1) whatever host was dialled.
  const servername = /^wss?:\/\//.test(opts.service) ? new URL(opts.service).hostname.replace(/^\[|\]$/g, '') : domain;
  const policy: TlsPolicy = { servername, ...(opts.pinned ? { pinned: opts.pinned } : {}) };

  // Guarded: bad XML from the server ends the stream with a stream error, never an uncaught exception.
  const entity = new (guardStream(Client) as any)({ service: opts.service, domain, timeout: opts.timeoutMs ?? 15_000 });
  const { transports, SecureSocket } = makeTransports({
    ...policy,
    timeoutMs: opts.timeoutMs ?? 15_000,
    ...(opts.proxy ? { proxy: opts.proxy } : {}),
  });
  entity.transports.push(...transports);

  const middleware = _middleware({ entity });
  const streamFeatures = _streamFeatures({ middleware });
  // The latest <stream:features/>, for features that change what we send (e.g. roster versioning).
  middleware.use((ctx: { stanza: Element }, next: () => unknown) => {
    if (ctx.stanza.is('features', NS_STREAMS)) entity.features = ctx.stanza;
    return next();
  });
  // SASL success on the current connection; every new socket starts unauthenticated.
  let authenticated = false;
  entity.on('connect', () => (authenticated = false));
  // Stream management first among the middleware, so it sees every stanza finish (persist, then ack).
  const sm = setupStreamManagement({
    entity,
    middleware,
    streamFeatures: streamFeatures as never,
    resource: opts.resource,
    isAuthenticated: () => authenticated,
    ...(opts.answerTimeoutMs ? { answerTimeoutMs: opts.answerTimeoutMs } : {}),
  });
  const iqCaller = _iqCaller({ middleware, entity });
  // @xmpp/iq's request() registers its Deferred, then awaits the write before it listens to it: a
  // fast error reply (loopback) rejects a promise nobody observes yet, which Node treats as an
  // unhandled rejection and ends the process. Observing every Deferred at registration is harmless
  // (the caller still receives the rejection) and closes that window.
  const handlers = (iqCaller as unknown as { handlers: Map<string, { promise: Promise<unknown> }> }).handlers;
  const register = handlers.set.bind(handlers);
  handlers.set = (id, deferred) => {
    deferred.promise.catch(() => {});
    return register(id, deferred);
  };
  // A new session (not a resumption) never gets the answers to requests made on the session before
  // it: the server dropped that session with everything queued for it. Fail them now, in words,
  // instead of letting each wait out its timeout (a minute for an archive page) while the user
  // waits for older messages that will not come. 'online' is not emitted on a resumption.
  entity.on('online', () => {
    for (const [id, deferred] of [...handlers]) {
      handlers.delete(id);
      (deferred as unknown as { reject(e: Error): void }).reject(
        new XmppFailure('connection-lost', 'the connection was lost before the server answered'),
      );
    }
  });
  const iqCallee = _iqCallee({ middleware, entity });

  let mechanism: string | undefined;
  // RFC 6120 §9 order: TLS, then SASL, then resource binding (+ XEP-0198 resume/enable, in sm).
  setupStartTls(streamFeatures as never, () => new SecureSocket());
  setupSasl(
    streamFeatures as never,
    () => ({
      username,
      password: opts.password,
      ...(opts.scramCache ? { cache: opts.scramCache } : {}),
      ...(opts.saslFloor ? { floor: opts.saslFloor() } : {}),
    }),
    (m) => {
      mechanism = m;
      authenticated = true;
    },
  );

  // XEP-0199: answer pings so the server does not consider us dead.
  iqCallee.get(NS_PING, 'ping', () => ({}));
  // XEP-0030: say what Vireo understands, so peers know to ask for receipts and send markers.
  // XEP-0115 §6.2: a query for node#ver is answered with the same list, echoing the node.
  iqCallee.get(NS_DISCO_INFO, 'query', (ctx: unknown) => {
    const node = (ctx as { stanza: Element }).stanza.getChild('query', NS_DISCO_INFO)?.attrs.node as string | undefined;
    if (node && node !== `${CAPS_NODE}#${CAPS_VER}`) return buildStanzaError('cancel', 'item-not-found');
    return xml(
      'query',
      { xmlns: NS_DISCO_INFO, ...(node ? { node } : {}) },
      xml('identity', IDENTITY),
      ...CLIENT_FEATURES.map((v) => xml('feature', { var: v })),
    );
  });

  Object.assign(entity, { iqCaller, iqCallee, middleware, sm });
  Object.defineProperty(entity, 'mechanism', { get: () => mechanism });
  return entity as XmppClient;
}

/**
 * Close a client whatever state it is in: a polite stream close when online (bounded, since a dead
 * peer never answers), otherwise just drop the socket.
 */
export async function closeClient(client: XmppClient, timeoutMs = 2000): Promise<void> {
  const entity = client as unknown as { status: string; socket?: unknown };
  if (entity.status === 'online') {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([client.stop().catch(() => {}), new Promise((r) => (timer = setTimeout(r, timeoutMs)))]);
    clearTimeout(timer);
  }
  (entity.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
}

/**
 * Open the session: like @xmpp's `start()`, which leaves its "online" promise unobserved when the
 * stream fails to open (a write on a reset socket) — an unhandled rejection that ends a Node
 * process. Here every waiter is observed, and the first of online / error / close decides.
 */
export async function startClient(client: XmppClient): Promise<void> {
  let cleanup = () => {};
  const online = new Promise<void>((resolve, reject) => {
    const onOnline = () => resolve();
    const onError = (err: unknown) => reject(err);
    const onDisconnect = () => reject(Object.assign(new Error('the server closed the connection'), { code: 'ECONNRESET' }));
    client.on('online', onOnline);
    client.on('error', onError);
    client.on('disconnect', onDisconnect);
    cleanup = () => {
      client.off('online', onOnline);
      client.off('error', onError);
      client.off('disconnect', onDisconnect);
    };
  });
  online.catch(() => {});
  try {
    await client.connect(client.options.service);
    await client.open({ domain: client.options.domain, ...(client.options.lang ? { lang: client.options.lang } : {}) });
    await online;
  } finally {
    cleanup();
  }
}
