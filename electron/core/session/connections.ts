// One live XMPP session per enabled account: discovery, sign-in, state for the UI, and reconnection
// with exponential backoff and jitter. Other services plug in through `onClient` (install IQ
// handlers / middleware on a new client) and `onOnline` (work to do once signed in).
import { AsyncLocalStorage } from 'node:async_hooks';
import type { AccountId } from '../../../shared/ids.js';
import type { ConnectionStateView, EndpointView } from '../../../shared/views.js';
import type { VireoError } from '../../../shared/errors.js';
import type { EventBus } from '../kernel/index.js';
import type { Logger } from '../../lib/log.js';
import { closeClient, createXmppClient, startClient, type XmppClient } from '../../xmpp/client.js';
import { createDiscoveryDeps, discoverCandidates, type DiscoveryDeps, type ManualEndpoint } from '../../xmpp/discovery.js';
import { proxyLabel, type ProxyServer } from '../../xmpp/proxy.js';
import { classifyConnectError } from '../../xmpp/errors.js';
import type { SaltedPasswordCache } from '../../xmpp/sasl/scram.js';
import { errorMessage } from '../../lib/error-message.js';

export interface LoginTarget {
  jid: string;
  password: string;
  resource: string;
  manual?: ManualEndpoint;
  pinned?: string;
  remembered?: EndpointView;
  /** The strongest password mechanism this account's server offered before (see rfc/6120-sasl.ts). */
  saslFloor?: () => string | undefined;
}

/** Failures that retrying cannot fix: the user must act (password, certificate, server setup). */
const FATAL = new Set([
  'auth-failed',
  'password-unusable',
  'certificate-invalid',
  'tls-required',
  'no-sasl-mechanism',
  'sasl-downgrade',
  'password-required',
  'keychain-unavailable',
]);

export interface ConnectionsDeps {
  events: EventBus;
  log: Logger;
  discovery?: DiscoveryDeps;
  /** Resolves what is needed to sign in, or a failure to show (e.g. password not saved). */
  loginTarget(accountId: AccountId): Promise<{ ok: true; value: LoginTarget } | { ok: false; error: VireoError }>;
  rememberEndpoint(accountId: AccountId, endpoint: EndpointView): void;
  timeoutMs?: number;
  /** See XmppClientOptions.answerTimeoutMs. */
  answerTimeoutMs?: number;
  /** Backoff bounds, ms. */
  backoff?: { first: number; max: number };
  /**
   * The proxy to use for an https:// or wss:// URL, if any (HTTPS_PROXY, the system's settings).
   * Every transport goes through it: WebSocket, Direct TLS, and STARTTLS (the plain stream in the tunnel).
   */
  proxyFor?(url: string): Promise<ProxyServer | undefined>;
}

type ClientHook = (accountId: AccountId, client: XmppClient) => void;
type OnlineHook = (accountId: AccountId, client: XmppClient) => Promise<void> | void;

interface Session {
  state: ConnectionStateView;
  /** The client of the current (or last, resumable) session. */
  client?: XmppClient;
  endpoint?: { service: string; view: EndpointView };
  /** The stream is up and the session usable. */
  online: boolean;
  attempt: number;
  retryTimer?: NodeJS.Timeout;
  /** Bumped on every connect/disconnect so stale async work can tell it is stale. */
  generation: number;
  wanted: boolean;
  /** When a reconnect last started at once after a stream error Vireo raised (see `atOnce`). */
  quickRetryAt?: number;
}

/** At most one immediate reconnect per account in this time: a server that keeps sending bad XML gets the backoff. */
const QUICK_RETRY_WINDOW_MS = 10_000;

export function createConnectionService(deps: ConnectionsDeps) {
  const sessions = new Map<AccountId, Session>();
  /** Set by stopAll: nothing new starts while the core shuts down. */
  const stopping = new Set<'all'>();
  /** Per account, per password: salted passwords from SCRAM, so reconnects cost no PBKDF2. */
  const scramCaches = new Map<string, { password: string; cache: SaltedPasswordCache }>();
  const scramCacheFor = (jid: string, password: string) => {
    let c = scramCaches.get(jid);
    if (!c || c.password !== password) scramCaches.set(jid, (c = { password, cache: new Map() }));
    return c.cache;
  };
  const clientHooks: ClientHook[] = [];
  const onlineHooks: OnlineHook[] = [];
  const resumedHooks: OnlineHook[] = [];
  const backoff = deps.backoff ?? { first: 1000, max: 5 * 60_000 };
  /**
   * The account whose connection the code now running works for: everything started by `connect`
   * (sockets, their data handlers, timers, sign-in hooks) carries it, so the last-resort handler for an
   * uncaught exception (last-resort.ts) can tell which connection it came from.
   */
  const scope = new AsyncLocalStorage<AccountId>();

  const session = (id: AccountId): Session => {
    let s = sessions.get(id);
    if (!s) {
      s = { state: { accountId: id, status: 'offline' }, attempt: 0, generation: 0, wanted: false, online: false };
      sessions.set(id, s);
    }
    return s;
  };

  function setState(id: AccountId, patch: Omit<ConnectionStateView, 'accountId'>) {
    const s = session(id);
    const endpoint = patch.endpoint ?? s.state.endpoint;
    s.state = { accountId: id, ...patch, ...(endpoint ? { endpoint } : {}) };
    deps.events.emit('connection:state', s.state);
  }

  /** Try each candidate in order; stop at the first success or at a failure retrying cannot fix. */
  async function signIn(target: LoginTarget, onClient?: (c: XmppClient) => void) {
    const domain = target.jid.slice(target.jid.lastIndexOf('@') + 1);
    const candidates = await discoverCandidates(domain, {
      ...(target.manual ? { manual: target.manual } : {}),
      ...(target.remembered ? { remembered: target.remembered } : {}),
      deps: deps.discovery ?? createDiscoveryDeps(deps.proxyFor),
    });
    let last: ReturnType<typeof classifyConnectError> | undefined;
    /** A proxy's refusal says more than the direct attempts that failed after it (they cannot pass the firewall). */
    let proxyFailure: ReturnType<typeof classifyConnectError> | undefined;
    /** The last attempt ended with a stream error Vireo raised (see `atOnce`). */
    let raised = false;
    for (const c of candidates) {
      // What the system's proxy settings are asked about: the WebSocket URL, else the host and port as https.
      const url = c.view.transport === 'websocket' ? c.service : `https://${c.view.address}`;
      const proxy = url && deps.proxyFor ? await deps.proxyFor(url).catch(() => undefined) : undefined;
      const view = proxy ? { ...c.view, proxy: proxyLabel(proxy) } : c.view;
      const client = createXmppClient({
        jid: target.jid,
        password: target.password,
        resource: target.resource,
        service: c.service,
        ...(target.pinned ? { pinned: target.pinned } : {}),
        timeoutMs: deps.timeoutMs ?? 15_000,
        ...(deps.answerTimeoutMs ? { answerTimeoutMs: deps.answerTimeoutMs } : {}),
        scramCache: scramCacheFor(target.jid, target.password),
        ...(target.saslFloor ? { saslFloor: target.saslFloor } : {}),
        ...(proxy ? { proxy } : {}),
      });
      client.on('error', (err: unknown) => deps.log.debug(`client error: ${errorMessage(err)}`));
      onClient?.(client);
      let timer: NodeJS.Timeout | undefined;
      try {
        // A whole sign-in is bounded: a server that stops answering half-way is "unreachable".
        await Promise.race([
          startClient(client),
          new Promise(
            (_, reject) =>
              (timer = setTimeout(
                () => reject(Object.assign(new Error('timed out'), { name: 'TimeoutError' })),
                2 * (deps.timeoutMs ?? 15_000),
              )),
          ),
        ]);
        clearTimeout(timer);
        return { ok: true as const, client, endpoint: view, service: c.service };
      } catch (err) {
        clearTimeout(timer);
        await closeClient(client);
        raised = !!client.raisedStreamError;
        last = classifyConnectError(err);
        if (last.code.startsWith('proxy-')) proxyFailure ??= last;
        deps.log.info(
          `sign-in via ${c.view.transport} ${c.view.address}${proxy ? ` through a proxy` : ''} failed: ${last.code} ${last.detail}`,
        );
        if (FATAL.has(last.code)) break;
      }
    }
    const e = (last && FATAL.has(last.code) ? last : (proxyFailure ?? last)) ?? {
      code: 'server-unreachable' as const,
      detail: 'no way to reach the server was found',
    };
    return {
      ok: false as const,
      error: { code: e.code, detail: e.detail, ...(e.certificate ? { certificate: e.certificate } : {}) } as VireoError,
      raisedStreamError: raised,
    };
  }

  /**
   * A stream error that Vireo raised itself (bad XML, a stanza over the limit, a forged XEP-0198 count:
   * electron/xmpp/guarded-connection.ts) says nothing about the network: the first reconnect after it
   * starts at once instead of waiting out a backoff.
   */
  function atOnce(s: Session, raised: boolean): boolean {
    if (!raised) return false;
    if (s.quickRetryAt !== undefined && Date.now() - s.quickRetryAt < QUICK_RETRY_WINDOW_MS) return false;
    s.quickRetryAt = Date.now();
    return true;
  }

  function scheduleRetry(id: AccountId, error: VireoError) {
    const s = session(id);
    const base = Math.min(backoff.max, backoff.first * 2 ** s.attempt);
    // Full jitter (AWS architecture blog): avoids a thundering herd when a server comes back.
    const delay = Math.round(base / 2 + Math.random() * (base / 2));
    s.attempt++;
    setState(id, { status: 'waiting-to-retry', error, retryAt: Date.now() + delay });
    clearTimeout(s.retryTimer);
    s.retryTimer = setTimeout(() => void connect(id), delay);
  }

  /**
   * Reconnect the same client on the endpoint that worked, so XEP-0198 can resume the session: no
   * roster fetch, no presence, nothing lost in between. Resolves `resumed: false` when the server
   * refused to resume and a new session was bound instead.
   */
  function reconnectSame(client: XmppClient, service: string): Promise<{ ok: true; resumed: boolean } | { ok: false; error: VireoError }> {
    return new Promise((resolve) => {
      const timeout = deps.timeoutMs ?? 15_000;
      const done = (r: { ok: true; resumed: boolean } | { ok: false; error: VireoError }) => {
        clearTimeout(timer);
        client.off('online', onOnline);
        client.sm.off('resumed', onResumed);
        client.off('error', onError);
        client.off('disconnect', onDisconnect);
        resolve(r);
      };
      const onOnline = () => done({ ok: true, resumed: false });
      const onResumed = () => done({ ok: true, resumed: true });
      const onError = (err: unknown) => {
        const e = classifyConnectError(err);
        void closeClient(client);
        done({ ok: false, error: { code: e.code, detail: e.detail, ...(e.certificate ? { certificate: e.certificate } : {}) } });
      };
      // The stream ended before it was usable (e.g. Vireo refused the server's resumption): no use waiting.
      const onDisconnect = () =>
        done({ ok: false, error: { code: 'connection-lost', detail: 'the stream ended while it was being set up' } });
      const timer = setTimeout(() => onError(Object.assign(new Error('timed out'), { name: 'TimeoutError' })), timeout);
      client.on('online', onOnline);
      client.sm.on('resumed', onResumed);
      client.on('error', onError);
      client.on('disconnect', onDisconnect);
      client
        .connect(service)
        .then(() => client.open({ domain: client.options.domain, ...(client.options.lang ? { lang: client.options.lang } : {}) }))
        .catch(onError);
    });
  }

  /** Watch a client for the end of its stream; a drop that we did not ask for leads to a reconnect. */
  function watch(id: AccountId, client: XmppClient) {
    client.on('disconnect', () => {
      const s = session(id);
      if (s.client !== client || !s.online) return;
      s.online = false;
      if (!s.wanted) return;
      // A resumable session is retried at once (on the next tick, once the socket has settled), and so
      // is the first drop after a stream error Vireo raised (not the next ones within the window, even
      // when resumable); anything else backs off.
      // A server that answers every resumption with more bad XML must not get a reconnect loop at full speed.
      if (client.raisedStreamError ? atOnce(s, true) : client.sm.resumable) {
        setState(id, { status: 'connecting', error: { code: 'connection-lost' } });
        s.retryTimer = setTimeout(() => void connect(id), 0);
      } else {
        scheduleRetry(id, { code: 'connection-lost' });
      }
    });
  }

  async function runOnlineHooks(id: AccountId, client: XmppClient) {
    const gen = session(id).generation;
    for (const hook of onlineHooks) {
      // Signed out (or shutting down) meanwhile: the rest is for a session that no longer exists.
      if (session(id).generation !== gen || stopping.size > 0) return;
      try {
        await hook(id, client);
      } catch (err) {
        deps.log.warn(`online hook failed: ${errorMessage(err)}`);
      }
    }
  }

  function connect(id: AccountId): Promise<void> {
    return scope.run(id, () => connectInScope(id));
  }

  async function connectInScope(id: AccountId): Promise<void> {
    const s = session(id);
    clearTimeout(s.retryTimer);
    if (s.online && s.client?.status === 'online') return;
    s.wanted = true;
    const gen = ++s.generation;
    setState(id, { status: 'connecting' });

    // 1. Resume on the same client and endpoint if the server allows it.
    if (s.client && s.endpoint && s.client.sm.resumable) {
      const res = await reconnectSame(s.client, s.endpoint.service);
      if (gen !== s.generation) return;
      if (res.ok) {
        s.online = true;
        s.attempt = 0;
        if (!res.resumed) await runOnlineHooks(id, s.client);
        else
          for (const hook of resumedHooks)
            await Promise.resolve(hook(id, s.client)).catch((err: Error) => deps.log.warn(`resumed hook failed: ${err.message}`));
        if (gen === s.generation) setState(id, { status: 'online', endpoint: s.endpoint.view, session: res.resumed ? 'resumed' : 'new' });
        return;
      }
      if (FATAL.has(res.error.code)) return setState(id, { status: 'error', error: res.error });
      if (atOnce(s, !!s.client?.raisedStreamError)) {
        setState(id, { status: 'connecting', error: res.error });
        s.retryTimer = setTimeout(() => void connect(id), 0);
        return;
      }
      // Could not even reach it: fall through to a fresh sign-in with discovery on the next try.
      if (s.attempt < 2) return scheduleRetry(id, res.error);
    }

    // 2. A fresh sign-in (discovery chain, new session).
    const target = await deps.loginTarget(id);
    if (gen !== s.generation) return;
    if (!target.ok) return setState(id, { status: 'error', error: target.error });
    const res = await signIn(target.value, (client) => {
      clientHooks.forEach((h) => h(id, client));
      watch(id, client);
    });
    if (gen !== s.generation) {
      if (res.ok) await closeClient(res.client);
      return;
    }
    if (!res.ok) {
      if (FATAL.has(res.error.code)) return setState(id, { status: 'error', error: res.error });
      if (atOnce(s, res.raisedStreamError)) {
        setState(id, { status: 'connecting', error: res.error });
        s.retryTimer = setTimeout(() => void connect(id), 0);
        return;
      }
      return scheduleRetry(id, res.error);
    }
    const previous = s.client;
    s.client = res.client;
    s.endpoint = { service: res.service, view: res.endpoint };
    s.online = true;
    s.attempt = 0;
    if (previous && previous !== res.client) void closeClient(previous);
    deps.rememberEndpoint(id, res.endpoint);
    await runOnlineHooks(id, res.client);
    if (gen === s.generation && s.client === res.client) setState(id, { status: 'online', endpoint: res.endpoint, session: 'new' });
  }

  async function disconnect(id: AccountId): Promise<void> {
    const s = session(id);
    s.wanted = false;
    s.generation++;
    clearTimeout(s.retryTimer);
    const client = s.client;
    s.client = undefined;
    s.online = false;
    if (client) {
      client.sm.reset();
      await closeClient(client);
    }
    setState(id, { status: 'offline' });
  }

  return {
    signIn,
    connect,
    disconnect,
    state: (id: AccountId): ConnectionStateView => session(id).state,
    /** The signed-in client, if the account is online. */
    client: (id: AccountId): XmppClient | undefined => {
      const s = session(id);
      return s.online && s.client?.status === 'online' ? s.client : undefined;
    },
    /**
     * Something changed (wake from sleep, network change, Electron's powerMonitor): live sessions
     * check their link now, sessions waiting to retry try at once.
     */
    nudge() {
      for (const [id, s] of sessions) {
        if (s.online && s.client) s.client.sm.requestAck();
        else if (s.wanted && s.state.status === 'waiting-to-retry') {
          s.attempt = 0;
          void connect(id);
        }
      }
    },
    /** Every signed-in client. */
    onlineClients: (): XmppClient[] =>
      [...sessions.values()].filter((s) => s.online && s.client?.status === 'online').map((s) => s.client!),
    onClient: (h: ClientHook) => void clientHooks.push(h),
    /** After a new session (not after a resume): fetch the roster, announce presence, catch up… */
    onOnline: (h: OnlineHook) => void onlineHooks.push(h),
    /** After a resumed session: only what the resume itself does not cover. */
    onResumed: (h: OnlineHook) => void resumedHooks.push(h),
    /**
     * Last resort after an uncaught exception: drop the connection of the account the failing code
     * worked for, if known (it reconnects as after any drop; nothing unacknowledged is lost).
     */
    dropCurrent(): AccountId | undefined {
      const id = scope.getStore();
      const client = id === undefined ? undefined : sessions.get(id)?.client;
      (client?.socket as { destroy?: () => void } | null | undefined)?.destroy?.();
      return id;
    },
    forget(id: AccountId) {
      void disconnect(id);
      sessions.delete(id);
    },
    async stopAll() {
      stopping.add('all');
      await Promise.all([...sessions.keys()].map((id) => disconnect(id)));
    },
  };
}
export type ConnectionService = ReturnType<typeof createConnectionService>;
