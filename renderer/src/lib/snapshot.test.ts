// Snapshot, then events: nothing pushed while the snapshot is on its way is lost, undone by the older
// snapshot, or applied twice.
import { describe, expect, it } from 'vitest';
import { followSnapshot, type Deliver } from './snapshot.js';

/** A list kept the way the stores keep theirs: the snapshot replaces it, each event appends. */
function setup() {
  let shown: string[] = [];
  const listeners = new Set<(item: string) => void>();
  const push = (item: string) => listeners.forEach((cb) => cb(item));
  let answer!: (snapshot: string[]) => void;
  const subscribe = (deliver: Deliver) => {
    const cb = (item: string) => deliver(() => (shown = [...shown, item]));
    listeners.add(cb);
    return [() => listeners.delete(cb)];
  };
  const following = followSnapshot(
    subscribe,
    () => new Promise<string[]>((resolve) => (answer = resolve)),
    (snapshot) => (shown = snapshot),
  );
  return { following, push, answer: (s: string[]) => answer(s), shown: () => shown, listeners };
}

describe('followSnapshot', () => {
  it('applies an event that came during the snapshot after it, once, and later events as they come', async () => {
    const t = setup();
    t.push('b');
    expect(t.shown()).toEqual([]);
    t.answer(['a']);
    await t.following.loaded;
    expect(t.shown()).toEqual(['a', 'b']);
    t.push('c');
    expect(t.shown()).toEqual(['a', 'b', 'c']);
  });

  it('keeps the order of several held events, including one that comes with the answer', async () => {
    const t = setup();
    t.push('b');
    t.push('c');
    t.answer(['a']);
    t.push('d'); // the snapshot is answered but not applied yet
    await expect(t.following.loaded).resolves.toEqual(['a']);
    expect(t.shown()).toEqual(['a', 'b', 'c', 'd']);
  });

  it('stops following when asked', async () => {
    const t = setup();
    t.answer([]);
    await t.following.loaded;
    t.following.stop();
    expect(t.listeners.size).toBe(0);
    t.push('late');
    expect(t.shown()).toEqual([]);
  });
});
