// The only renderer module that touches the bridge to Vireo's core (ARCHITECTURE.md "Process model").
// Under Electron the preload exposes `window.vireo`; under the browser host we speak a small JSON
// protocol over a WebSocket to `/ipc`:
//   client → server  { "id": number, "command": name, "input": input }
//   server → client  { "id": number, "result": Result }          (the answer to that id)
//   server → client  { "event": name, "payload": payload }       (pushed events)
// Every call resolves to a Result; expected failures (including a lost bridge) never throw.
import type { CommandInput, CommandName, CommandOutput, EventName, Events } from '$shared/contract.js';
import type { Result, VireoError } from '$shared/errors.js';

/** What a transport must provide: the shape of `window.vireo` exposed by the preload. */
export interface Bridge {
  invoke(name: string, input: unknown): Promise<unknown>;
  /** Returns an unsubscribe function (a bridge that returns nothing cannot unsubscribe). */
  on(name: string, cb: (payload: unknown) => void): (() => void) | void;
}

/** The browser-host bridge always returns an unsubscribe function. */
export interface SocketBridge extends Bridge {
  on(name: string, cb: (payload: unknown) => void): () => void;
}

declare global {
  interface Window {
    vireo?: Bridge;
  }
}

const TOKEN_KEY = 'vireo.token';
const lostListeners = new Set<() => void>();
let bridge: Bridge | undefined;
let lost = false;

const failure = (code: VireoError['code'], detail?: string): { ok: false; error: VireoError } => ({
  ok: false,
  error: detail === undefined ? { code } : { code, detail },
});

function isResult(value: unknown): value is Result<unknown> {
  if (typeof value !== 'object' || value === null || !('ok' in value)) return false;
  const v = value as { ok: unknown; error?: unknown };
  return v.ok === true || (v.ok === false && typeof v.error === 'object' && v.error !== null);
}

function markLost(): void {
  if (lost) return;
  lost = true;
  for (const cb of lostListeners) cb();
}

/**
 * The browser-host token arrives in the address as `#token=…`. It is removed from the address bar at
 * once (so it is not copied or bookmarked with the link) and kept in this tab's sessionStorage, so
 * that "reload the page" still works after the core restarts.
 */
function takeToken(): string | undefined {
  const params = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromHash = params.get('token') ?? undefined;
  if (fromHash !== undefined) {
    params.delete('token');
    const rest = params.toString();
    history.replaceState(history.state, '', `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`);
    try {
      sessionStorage.setItem(TOKEN_KEY, fromHash);
    } catch {
      // Storage can be disabled; the token is then only good for this page load.
    }
    return fromHash;
  }
  try {
    return sessionStorage.getItem(TOKEN_KEY) ?? undefined;
  } catch {
    return undefined;
  }
}

/** A Bridge over the browser host's WebSocket. Exported for tests; `api` creates it on first use. */
export function createWebSocketBridge(url: string, token: string | undefined): SocketBridge {
  const pending = new Map<number, (r: Result<unknown>) => void>();
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const queue: string[] = [];
  let nextId = 1;
  let closed = false;
  let socket: WebSocket | undefined;

  const close = (detail: string) => {
    if (closed) return;
    closed = true;
    queue.length = 0;
    for (const resolve of pending.values()) resolve(failure('connection-lost', detail));
    pending.clear();
    markLost();
  };

  if (token === undefined || !/^[A-Za-z0-9._~-]+$/.test(token)) {
    // Without a valid token the host refuses us; say so instead of opening a doomed socket.
    queueMicrotask(() => close('no access token in the address; open the link the browser host printed'));
  } else {
    socket = new WebSocket(url, `vireo.${token}`);
    socket.addEventListener('open', () => {
      for (const frame of queue.splice(0)) socket?.send(frame);
    });
    socket.addEventListener('message', (ev: MessageEvent) => {
      let msg: unknown;
      try {
        msg = JSON.parse(String(ev.data));
      } catch {
        return; // not ours to interpret
      }
      if (typeof msg !== 'object' || msg === null) return;
      const m = msg as { id?: unknown; result?: unknown; event?: unknown; payload?: unknown };
      if (typeof m.id === 'number') {
        const resolve = pending.get(m.id);
        if (!resolve) return;
        pending.delete(m.id);
        resolve(isResult(m.result) ? m.result : failure('internal', 'malformed answer from the core'));
      } else if (typeof m.event === 'string') {
        for (const cb of listeners.get(m.event) ?? []) cb(m.payload);
      }
    });
    socket.addEventListener('close', (ev: CloseEvent) => close(`socket closed (${ev.code})`));
    socket.addEventListener('error', () => close('socket error'));
  }

  return {
    invoke(name, input) {
      if (closed) return Promise.resolve(failure('connection-lost'));
      const id = nextId++;
      const frame = JSON.stringify({ id, command: name, input });
      return new Promise((resolve) => {
        pending.set(id, resolve);
        if (socket?.readyState === WebSocket.OPEN) socket.send(frame);
        else queue.push(frame);
      });
    },
    on(name, cb) {
      let set = listeners.get(name);
      if (!set) listeners.set(name, (set = new Set()));
      set.add(cb);
      return () => set.delete(cb);
    },
  };
}

function getBridge(): Bridge {
  if (bridge) return bridge;
  if (typeof window !== 'undefined' && window.vireo) {
    bridge = window.vireo;
  } else {
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    bridge = createWebSocketBridge(`${scheme}://${location.host}/ipc`, takeToken());
  }
  return bridge;
}

/** Replace the bridge (tests), and forget a previous loss. */
export function setBridgeForTests(fake: Bridge | undefined): void {
  bridge = fake;
  lost = false;
}

/** Called once when the bridge to the core is gone for good (the page must be reloaded). */
export function onConnectionLost(cb: () => void): () => void {
  lostListeners.add(cb);
  if (lost) queueMicrotask(cb);
  return () => lostListeners.delete(cb);
}

export const api = {
  async call<K extends CommandName>(name: K, input: CommandInput<K>): Promise<Result<CommandOutput<K>>> {
    try {
      const result = await getBridge().invoke(name, input);
      if (isResult(result)) return result as Result<CommandOutput<K>>;
      return failure('internal', `malformed answer to ${name}`);
    } catch (err) {
      // Electron carries only `error.message` across; a rejection here is a bug or a dead bridge.
      return failure('internal', err instanceof Error ? err.message : String(err));
    }
  },
  on<E extends EventName>(name: E, cb: (p: Events[E]) => void): () => void {
    const off = getBridge().on(name, cb as (payload: unknown) => void);
    return typeof off === 'function' ? off : () => {};
  },
};

export type Api = typeof api;
