// What a feature does at each moment of an account's session and of the core's life, as one interface.
// The composition root lists the parts in one ordered array; every hook runs in that order, so the order
// is written once, where it can be read and tested (app-core.ts says why it is what it is).
import type { AccountId } from '../../../shared/ids.js';
import type { XmppClient } from '../../xmpp/client.js';
import type { EventBus } from './events.js';

export interface Lifecycle {
  /** Shown by `order()`, so a test can pin the order that matters. */
  name: string;
  /** A new client, before its stream opens: install IQ handlers and middleware (in list order). */
  installOn?(accountId: AccountId, client: XmppClient): void;
  /** After a new session (not a resumed one); awaited one after the other. */
  onOnline?(accountId: AccountId, client: XmppClient): Promise<void> | void;
  /** After a resumed session: only what the resume itself does not cover. */
  onResumed?(accountId: AccountId, client: XmppClient): Promise<void> | void;
  /** The account went offline, failed, or waits to retry (not 'connecting': that may end in a resume). */
  onOffline?(accountId: AccountId): void;
  /** The account's archive catch-up finished (sync:state 'synced'). */
  onSynced?(accountId: AccountId): void;
  start?(): Promise<void> | void;
  stop?(): Promise<void> | void;
}

export const LIFECYCLE_HOOKS = ['installOn', 'onOnline', 'onResumed', 'onOffline', 'onSynced', 'start', 'stop'] as const;
export type LifecycleHook = (typeof LIFECYCLE_HOOKS)[number];

/** Where the session hooks come from: the connection service (only the part used here). */
export interface LifecycleSource {
  onClient(h: (accountId: AccountId, client: XmppClient) => void): void;
  onOnline(h: (accountId: AccountId, client: XmppClient) => Promise<void> | void): void;
  onResumed(h: (accountId: AccountId, client: XmppClient) => Promise<void> | void): void;
}

export interface WiredLifecycle {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The names of the parts that have this hook, in the order it runs them. */
  order(hook: LifecycleHook): string[];
}

/** Registers every part's session hooks, in list order, and returns the core's start and stop. */
export function wireLifecycle(parts: readonly Lifecycle[], connections: LifecycleSource, events: EventBus): WiredLifecycle {
  for (const p of parts) {
    if (p.installOn) connections.onClient(p.installOn);
    if (p.onOnline) connections.onOnline(p.onOnline);
    if (p.onResumed) connections.onResumed(p.onResumed);
  }
  events.on('sync:state', (state) => {
    if (state.phase === 'synced') for (const p of parts) p.onSynced?.(state.accountId);
  });
  events.on('connection:state', (state) => {
    if (state.status === 'offline' || state.status === 'error' || state.status === 'waiting-to-retry') {
      for (const p of parts) p.onOffline?.(state.accountId);
    }
  });
  return {
    async start() {
      for (const p of parts) await p.start?.();
    },
    async stop() {
      for (const p of parts) await p.stop?.();
    },
    order: (hook) => parts.filter((p) => p[hook] !== undefined).map((p) => p.name),
  };
}
