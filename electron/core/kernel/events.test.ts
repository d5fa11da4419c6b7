// The event bus: a listener of one event hears only that event, typed; every listener can stop listening.
import { describe, expect, it } from 'vitest';
import { createEventBus } from './events.js';
import type { AccountId } from '../../../shared/ids.js';

describe('the event bus', () => {
  it('gives on(name) only the events of that name, and stops after unsubscribing', () => {
    const bus = createEventBus();
    const heard: string[] = [];
    const all: string[] = [];
    const off = bus.on('sync:state', (s) => heard.push(`${s.accountId}:${s.phase}`));
    bus.subscribe((name) => all.push(name));
    const accountId = 'a1' as AccountId;
    bus.emit('connection:state', { accountId, status: 'online' } as never);
    bus.emit('sync:state', { accountId, phase: 'synced' } as never);
    off();
    bus.emit('sync:state', { accountId, phase: 'syncing' } as never);
    expect(heard).toEqual(['a1:synced']);
    expect(all).toEqual(['connection:state', 'sync:state', 'sync:state']);
  });
});
