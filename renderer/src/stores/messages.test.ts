// The messages store merges what arrives (pages, live messages, updates) by id and in the core's order; a
// burst of live messages is appended without re-sorting the thread.
import { describe, expect, it } from 'vitest';
import { api, setBridgeForTests } from '$lib/api.js';
import { ok } from '$shared/errors.js';
import { MAX_LOADED, MessagesStore } from './messages.svelte.js';
import { convId, createFakeBridge, message } from '../test/fake-bridge.js';

const BOB = 'bob@example.org';
const bodies = (s: MessagesStore) => s.thread(convId(BOB)).messages.map((m) => m.body);

function store() {
  setBridgeForTests(createFakeBridge().bridge);
  return new MessagesStore(api);
}

describe('MessagesStore.add', () => {
  it('appends new messages, replaces a known one in place, and sorts one that comes late', () => {
    const s = store();
    const [a, b, c, d] = [1, 2, 3, 4].map((n) => message(BOB, { body: `m${n}`, timestamp: n * 1000 }));
    s.add([a!, b!]);
    s.add([c!]);
    expect(bodies(s)).toEqual(['m1', 'm2', 'm3']);
    // The later copy of a message wins and keeps its place.
    s.add([{ ...b!, body: 'm2 edited' }]);
    expect(bodies(s)).toEqual(['m1', 'm2 edited', 'm3']);
    // Placed before the newest shown by the core: sorted in.
    s.add([{ ...d!, order: 1500 }]);
    expect(bodies(s)).toEqual(['m1', 'm4', 'm2 edited', 'm3']);
    // The same message twice in one batch, and again later: once.
    const e = message(BOB, { body: 'm5', timestamp: 9000 });
    s.add([e, e]);
    s.add([e]);
    expect(bodies(s)).toEqual(['m1', 'm4', 'm2 edited', 'm3', 'm5']);
  });

  it("keeps the core's order, not the stamps: a delayed message stays where the archive put it, and an update moves nothing", () => {
    const s = store();
    // The archive returned them in this order; the middle one carries an older (whole-second) stamp.
    const a = message(BOB, { body: 'first', timestamp: 5000, order: 5000 });
    const late = message(BOB, { body: 'delayed', timestamp: 1000, order: 5000.001 });
    const c = message(BOB, { body: 'third', timestamp: 5000, order: 5000.002 });
    s.add([a, late, c]);
    expect(bodies(s)).toEqual(['first', 'delayed', 'third']);
    // A receipt for the delayed one: it stays where it is.
    const before = s.thread(convId(BOB)).messages;
    s.add([{ ...late, state: 'read' }]);
    const after = s.thread(convId(BOB)).messages;
    expect(after.map((m) => m.body)).toEqual(['first', 'delayed', 'third']);
    expect(after[1]?.state).toBe('read');
    expect(after[0]).toBe(before[0]);
  });

  it('keeps up with a burst: 2,000 live messages one event each, in order, none twice', () => {
    const s = store();
    const burst = Array.from({ length: 2000 }, (_, i) => message(BOB, { body: `b${i}`, timestamp: 1000 + i }));
    for (const m of burst) s.add([m]);
    s.add([burst[1999]!, burst[0]!]);
    const list = s.thread(convId(BOB)).messages;
    expect(list).toHaveLength(2000);
    expect(list[0]?.body).toBe('b0');
    expect(list[1999]?.body).toBe('b1999');
  });
});

describe('MessagesStore windowing (issue #13)', () => {
  // A stored history of 2,000 messages, served as the core does: pages before or after a message.
  const history = Array.from({ length: 2000 }, (_, i) => message(BOB, { body: `h${i}`, timestamp: 1000 + i }));
  const at = (id: string | undefined) => history.findIndex((m) => m.id === id);
  function windowed() {
    const { bridge } = createFakeBridge({
      'chat:history': (input) => {
        const { beforeId, afterId, limit = 50 } = input as { beforeId?: string; afterId?: string; limit?: number };
        if (afterId !== undefined) {
          const from = at(afterId) + 1;
          return ok({ messages: history.slice(from, from + limit), hasMore: from + limit < history.length });
        }
        const to = beforeId === undefined ? history.length : at(beforeId);
        return ok({ messages: history.slice(Math.max(0, to - limit), to), hasMore: to - limit > 0 });
      },
    });
    setBridgeForTests(bridge);
    return new MessagesStore(api);
  }
  const id = convId(BOB);

  it('keeps at most MAX_LOADED messages while paging up, and brings the newest back on the way down', async () => {
    const s = windowed();
    await s.loadLatest(id);
    for (let i = 0; i < 30; i++) {
      await s.loadOlder(id);
      expect(s.thread(id).messages.length).toBeLessThanOrEqual(MAX_LOADED);
    }
    const t = s.thread(id);
    expect(t.hasNewer).toBe(true);
    expect(t.messages.at(0)?.body).toBe(`h${2000 - 31 * 50}`);
    // A live message meanwhile waits for the newest pages instead of sitting after a gap.
    s.add([message(BOB, { body: 'live', timestamp: 999_999 })]);
    expect(bodies(s)).not.toContain('live');
    expect(s.thread(id).arrived).toBe(1);
    while (s.thread(id).hasNewer) {
      await s.loadNewer(id);
      expect(s.thread(id).messages.length).toBeLessThanOrEqual(MAX_LOADED);
    }
    expect(bodies(s).at(-1)).toBe('h1999');
    // In order, none twice.
    const b = bodies(s);
    expect(new Set(b).size).toBe(b.length);
  });

  it('jumps back to the newest page from far up', async () => {
    const s = windowed();
    await s.loadLatest(id);
    for (let i = 0; i < 10; i++) await s.loadOlder(id);
    expect(s.thread(id).hasNewer).toBe(true);
    await s.jumpToNewest(id);
    expect(s.thread(id).hasNewer).toBeFalsy();
    expect(bodies(s).at(-1)).toBe('h1999');
    expect(bodies(s)).toHaveLength(50);
  });
});
