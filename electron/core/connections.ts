// One live XMPP session per enabled account: discovery, sign-in, state for the UI, and reconnection
// with exponential backoff and jitter. Other services plug in through `onClient` (install IQ
// handlers / middleware on a new client) and `onOnline` (work to do once signed in).
import type { AccountId } from '../../shared/ids.js';
import type { ConnectionStateView, EndpointView } from '../../shared/views.js';
import type { VireoError } from '../../shared/errors.js';
import type { EventBus } from './events.js';
import type { Logger } from './log.js';
import { closeClient, createXmppClient, type XmppClient } from '../xmpp/client.js';
import { discoverCandidates, type DiscoveryDeps, type ManualEndpoint } from '../xmpp/discovery.js';
import { classifyConnectError } from '../xmpp/errors.js';

export interface LoginTarget {
  jid: string;
  password: string;
  resource: string;
  manual?: ManualEndpoint;
  pinned?: string;
  remembered?: EndpointView;
}

/** Failures that retrying cannot fix: the user must act (password, certificate, server setup). */
const FATAL = new Set(['auth-failed', 'certificate-invalid', 'tls-required', 'no-sasl-mechanism', 'password-required', 'keychain-unavailable']);

export interface ConnectionsDeps {
  events: EventBus;
  log: Logger;
  discovery?: DiscoveryDeps;
  /** Resolves what is needed to sign in, or a failure to show (e.g. password not saved). */
  loginTarget(accountId: AccountId): Promise<{ ok: true; value: LoginTarget } | { ok: false; error: VireoError }>;
  rememberEndpoint(accountId: AccountId, endpoint: EndpointView): void;
  timeoutMs?: number;
  /** Backoff bounds, ms. */
  backoff?: { first: number; max: number };
}

type ClientHook = (accountId: AccountId, client: XmppClient) => void;
type OnlineHook = (accountId: AccountId, client: XmppClient) => Promise<void> | void;

interface Session {
  state: ConnectionStateView;
  client?: XmppClient;
  attempt: number;
  retryTimer?: NodeJS.Timeout;
  /** Bumped on every connect/disconnect so stale async work can tell it is stale. */
  generation: number;
  wanted: boolean;
}

export function createConnectionService(deps: ConnectionsDeps) {
  const sessions = new Map<AccountId, Session>();
  const clientHooks: ClientHook[] = [];
  const onlineHooks: OnlineHook[] = [];
  const backoff = deps.backoff ?? { first: 1000, max: 5 * 60_000 };

  const session = (id: AccountId): Session => {
    let s = sessions.get(id);
    if (!s) {
      s = { state: { accountId: id, status: 'offline' }, attempt: 0, generation: 0, wanted: false };
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
      ...(deps.discovery ? { deps: deps.discovery } : {}),
    });
    let last: ReturnType<typeof classifyConnectError> | undefined;
    for (const c of candidates) {
      const client = createXmppClient({
        jid: target.jid, password: target.password, resource: target.resource, service: c.service,
        ...(target.pinned ? { pinned: target.pinned } : {}), timeoutMs: deps.timeoutMs ?? 15_000,
      });
      client.on('error', (err: unknown) => deps.log.debug(`client error: ${(err as Error)?.message}`));
      onClient?.(client);
      try {
        await client.start();
        return { ok: true as const, client, endpoint: c.view };
      } catch (err) {
        await closeClient(client);
        last = classifyConnectError(err);
        deps.log.info(`sign-in via ${c.view.transport} ${c.view.address} failed: ${last.code} ${last.detail}`);
        if (FATAL.has(last.code)) break;
      }
    }
    const e = last ?? { code: 'server-unreachable' as const, detail: 'no way to reach the server was found' };
    return { ok: false as const, error: { code: e.code, detail: e.detail, ...(e.certificate ? { certificate: e.certificate } : {}) } as VireoError };
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

  async function connect(id: AccountId): Promise<void> {
    const s = session(id);
    clearTimeout(s.retryTimer);
    if (s.client && s.client.status === 'online') return;
    s.wanted = true;
    const gen = ++s.generation;
    setState(id, { status: 'connecting' });
    const target = await deps.loginTarget(id);
    if (gen !== s.generation) return;
    if (!target.ok) return setState(id, { status: 'error', error: target.error });
    const res = await signIn(target.value, (client) => clientHooks.forEach((h) => h(id, client)));
    if (gen !== s.generation) {
      if (res.ok) await closeClient(res.client);
      return;
    }
    if (!res.ok) {
      if (FATAL.has(res.error.code)) return setState(id, { status: 'error', error: res.error });
      return scheduleRetry(id, res.error);
    }
    s.client = res.client;
    s.attempt = 0;
    deps.rememberEndpoint(id, res.endpoint);
    res.client.on('disconnect', () => {
      if (gen !== s.generation || s.client !== res.client) return;
      s.client = undefined;
      if (s.wanted) scheduleRetry(id, { code: 'connection-lost' });
    });
    for (const hook of onlineHooks) {
      try {
        await hook(id, res.client);
      } catch (err) {
        deps.log.warn(`online hook failed: ${(err as Error).message}`);
      }
    }
    if (gen === s.generation && s.client === res.client) setState(id, { status: 'online', endpoint: res.endpoint });
  }

  async function disconnect(id: AccountId): Promise<void> {
    const s = session(id);
    s.wanted = false;
    s.generation++;
    clearTimeout(s.retryTimer);
    const client = s.client;
    s.client = undefined;
    if (client) await closeClient(client);
    setState(id, { status: 'offline' });
  }

  return {
    signIn,
    connect,
    disconnect,
    state: (id: AccountId): ConnectionStateView => session(id).state,
    /** The signed-in client, if the account is online. */
    client: (id: AccountId): XmppClient | undefined => {
      const c = session(id).client;
      return c && c.status === 'online' ? c : undefined;
    },
    onClient: (h: ClientHook) => void clientHooks.push(h),
    onOnline: (h: OnlineHook) => void onlineHooks.push(h),
    forget(id: AccountId) {
      void disconnect(id);
      sessions.delete(id);
    },
    async stopAll() {
      await Promise.all([...sessions.keys()].map((id) => disconnect(id)));
    },
  };
}
export type ConnectionService = ReturnType<typeof createConnectionService>;
