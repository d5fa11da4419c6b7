// Day separators, the "New messages" line and groups, as a person sees them in a conversation.
import { describe, expect, it } from 'vitest';
import type { MessageView } from '$shared/views.js';
import { message } from '../test/fake-bridge.js';
import { dayLabel, firstUnreadId, layoutMessages } from './message-groups.js';

const BOB = 'bob@example.org';
const ROOM = 'team@conference.example.org';
const at = (y: number, mo: number, d: number, h = 12, mi = 0) => new Date(y, mo - 1, d, h, mi).getTime();
const NOW = at(2026, 12, 10, 15); // a Thursday
/** A room notice: only that it is one matters here. */
const NOTICE = true as unknown as MessageView['notice'];

describe('dayLabel (local time)', () => {
  it('says Today, Yesterday, a weekday within the week, then the date', () => {
    expect(dayLabel(at(2026, 12, 10, 0, 0), NOW)).toBe('Today');
    expect(dayLabel(at(2026, 12, 9, 23, 59), NOW)).toBe('Yesterday');
    expect(dayLabel(at(2026, 12, 7, 9), NOW)).toBe(new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(at(2026, 12, 7)));
    expect(dayLabel(at(2026, 12, 3), NOW)).toBe(
      new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long' }).format(at(2026, 12, 3)),
    );
    expect(dayLabel(at(2025, 12, 3), NOW)).toContain('2025');
  });
});

describe('layoutMessages', () => {
  it('puts a day label before the first message of each local day', () => {
    const list = [
      message(BOB, { timestamp: at(2026, 12, 9, 23, 58) }),
      message(BOB, { timestamp: at(2026, 12, 9, 23, 59) }),
      message(BOB, { timestamp: at(2026, 12, 10, 0, 1) }),
    ];
    const out = layoutMessages(list, { now: NOW });
    expect(out.map((e) => e.day)).toEqual(['Yesterday', undefined, 'Today']);
    // Midnight also ends a group, two minutes apart or not.
    expect(out.map((e) => e.groupStart)).toEqual([true, false, true]);
  });

  it('groups one sender’s messages within five minutes of each other', () => {
    const t = at(2026, 12, 10, 9);
    const list = [
      message(BOB, { timestamp: t }),
      message(BOB, { timestamp: t + 4 * 60_000 }),
      message(BOB, { timestamp: t + 9 * 60_000 }),
      message(BOB, { timestamp: t + 15 * 60_000 }),
    ];
    expect(layoutMessages(list, { now: NOW }).map((e) => e.groupStart)).toEqual([true, false, false, true]);
    expect(layoutMessages(list, { now: NOW }).map((e) => e.groupEnd)).toEqual([false, false, true, true]);
  });

  it('starts a group when the sender changes (direction, or nickname in a room), at a notice and at the unread line', () => {
    const t = at(2026, 12, 10, 9);
    const list = [
      message(ROOM, { senderNick: 'Bob', timestamp: t }),
      message(ROOM, { senderNick: 'Carol', timestamp: t + 1 }),
      message(ROOM, { direction: 'out', state: 'sent', timestamp: t + 2 }),
      message(ROOM, { direction: 'out', state: 'sent', timestamp: t + 3 }),
      message(ROOM, { notice: NOTICE, timestamp: t + 4 }),
      message(ROOM, { senderNick: 'Carol', timestamp: t + 5 }),
      message(ROOM, { senderNick: 'Carol', timestamp: t + 6 }),
    ];
    const out = layoutMessages(list, { now: NOW, firstUnread: list[6]!.id });
    expect(out.map((e) => e.groupStart)).toEqual([true, true, true, false, true, true, true]);
    expect(out.map((e) => e.unreadStart)).toEqual([false, false, false, false, false, false, true]);
  });

  it('shows ticks on the last own message of a group and where the state changes', () => {
    const t = at(2026, 12, 10, 9);
    const list = [
      message(BOB, { direction: 'out', state: 'read', timestamp: t }),
      message(BOB, { direction: 'out', state: 'delivered', timestamp: t + 1 }),
      message(BOB, { direction: 'out', state: 'delivered', timestamp: t + 2 }),
      message(BOB, { direction: 'out', state: 'failed', timestamp: t + 3 }),
      message(BOB, { direction: 'out', state: 'pending', timestamp: t + 4 }),
      message(BOB, { timestamp: t + 5 }),
    ];
    expect(layoutMessages(list, { now: NOW }).map((e) => e.showState)).toEqual([true, false, true, true, true, false]);
  });

  it('joins the first message shown to the group of the one just above the window', () => {
    const t = at(2026, 12, 10, 9);
    const [a, b] = [message(BOB, { timestamp: t }), message(BOB, { timestamp: t + 1000 })];
    const out = layoutMessages([b!], { now: NOW, before: a });
    expect(out[0]).toMatchObject({ groupStart: false, day: undefined });
  });
});

describe('firstUnreadId', () => {
  it('is the first of the last N incoming messages, notices and own messages not counted', () => {
    const list = [message(BOB), message(BOB), message(BOB, { notice: NOTICE }), message(BOB, { direction: 'out' }), message(BOB)];
    expect(firstUnreadId(list, 2)).toBe(list[1]!.id);
    expect(firstUnreadId(list, 0)).toBeUndefined();
    expect(firstUnreadId(list, 9)).toBeUndefined();
  });
});
