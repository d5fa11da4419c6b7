// The lifecycle list: every hook runs in the list's order, offline means offline (not 'connecting',
// which may end in a resumed session), and the core's list keeps the order its features depend on.
import { afterAll, describe, expect, it } from 'vitest';
import type { AccountId } from '../../../shared/ids.js';
import type { XmppClient } from '../../xmpp/client.js';
import { createEventBus } from './events.js';
import { wireLifecycle, type Lifecycle, type LifecycleSource } from './lifecycle.js';
import { startTestCore, type TestCore } from '../../../e2e/fixtures/core-harness.js';

type Hook = (id: AccountId, client: XmppClient) => unknown;
const A = 'account-1' as AccountId;
const client = {} as XmppClient;

function fakeConnections() {
  const hooks = { client: [] as Hook[], online: [] as Hook[], resumed: [] as Hook[] };
  const source: LifecycleSource = {
    onClient: (h) => void hooks.client.push(h),
    onOnline: (h) => void hooks.online.push(h),
    onResumed: (h) => void hooks.resumed.push(h),
  };
  const run = async (list: Hook[]) => {
    for (const h of list) await h(A, client);
  };
  return { source, hooks, run };
}

function part(name: string, log: string[], hooks: (keyof Omit<Lifecycle, 'name'>)[]): Lifecycle {
  const p: Lifecycle = { name };
  for (const h of hooks) (p as unknown as Record<string, () => void>)[h] = () => void log.push(`${name}.${h}`);
  return p;
}

describe('wireLifecycle', () => {
  it('runs every hook in the order of the list', async () => {
    const log: string[] = [];
    const events = createEventBus();
    const c = fakeConnections();
    const parts = [
      part('a', log, ['onOnline', 'stop']),
      part('b', log, ['installOn', 'onOnline', 'onResumed', 'onOffline', 'start', 'stop']),
      part('c', log, ['installOn', 'onResumed', 'onOffline', 'onSynced', 'start']),
    ];
    const wired = wireLifecycle(parts, c.source, events);
    await c.run(c.hooks.client);
    await c.run(c.hooks.online);
    await c.run(c.hooks.resumed);
    events.emit('connection:state', { accountId: A, status: 'offline' });
    events.emit('sync:state', { accountId: A, phase: 'synced' } as never);
    await wired.start();
    await wired.stop();
    expect(log).toEqual([
      'b.installOn',
      'c.installOn',
      'a.onOnline',
      'b.onOnline',
      'b.onResumed',
      'c.onResumed',
      'b.onOffline',
      'c.onOffline',
      'c.onSynced',
      'b.start',
      'c.start',
      'a.stop',
      'b.stop',
    ]);
    expect(wired.order('onOffline')).toEqual(['b', 'c']);
  });

  it('counts a failure or a wait to retry as offline, but not connecting (it may resume) or a catch-up under way', () => {
    const log: string[] = [];
    const events = createEventBus();
    wireLifecycle([part('x', log, ['onOffline', 'onSynced'])], fakeConnections().source, events);
    events.emit('connection:state', { accountId: A, status: 'connecting' });
    events.emit('connection:state', { accountId: A, status: 'online' });
    events.emit('sync:state', { accountId: A, phase: 'catching-up' } as never);
    expect(log).toEqual([]);
    events.emit('connection:state', { accountId: A, status: 'error', error: { code: 'auth-failed' } });
    events.emit('connection:state', { accountId: A, status: 'waiting-to-retry' });
    expect(log).toEqual(['x.onOffline', 'x.onOffline']);
  });
});

describe('the core', () => {
  let core: TestCore | undefined;
  afterAll(async () => core?.stop());

  it('wires its features in the order they depend on', async () => {
    core = await startTestCore({ start: false });
    const order = core.core.lifecycleOrder;
    // Self-ping first: it must see every stanza from a room before a handler takes it. Chats before
    // sync: archive results (XEP-0313) are unwrapped and routed by the chats' middleware.
    expect(order('installOn')).toEqual([
      'self-ping',
      'roster',
      'chats',
      'sync',
      'rooms',
      'room-discovery',
      'omemo',
      'room-invites',
      'bookmarks',
    ]);
    // The sign-in's mechanism is remembered first (issue #11 §5); OMEMO keys are published in the
    // background; the archive's first step comes before the roster and availability, the outbox is flushed,
    // then the catch-up; read state, rooms (after the bookmarks) and client state last.
    expect(order('onOnline')).toEqual([
      'accounts',
      'omemo-keys',
      'sync:before-presence',
      'roster',
      'chats',
      'sync',
      'read-sync',
      'bookmarks',
      'presence-activity',
    ]);
    expect(order('onResumed')).toEqual(['accounts', 'chats']);
    expect(order('onOffline')).toEqual(['sync:before-presence', 'roster', 'rooms', 'omemo']);
    expect(order('onSynced')).toEqual(['omemo']);
    expect(order('start')).toEqual(['wake-watch', 'self-ping', 'connections']);
    // Connections close before OMEMO finishes the keys it is making, and the database closes last.
    expect(order('stop')).toEqual(['wake-watch', 'self-ping', 'connections', 'omemo', 'database']);
  });
});
