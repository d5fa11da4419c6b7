// How a conversation's messages are laid out: a day separator before the first message of each day
// (local time), the "New messages" line where unread starts, and runs of messages from one sender
// within a few minutes grouped (name and time on the first, delivery ticks on the last of our own).
import type { MessageView } from '$shared/views.js';

/** Messages from one sender further apart than this start a new group. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface LaidOut {
  message: MessageView;
  /** The day label to show above it: the first message of a day (local time). */
  day?: string;
  /** The first unread message: the "New messages" line goes above it. */
  unreadStart: boolean;
  /** First of a group: shows the sender (rooms) and the time. */
  groupStart: boolean;
  /** Last of a group. */
  groupEnd: boolean;
  /** Our own message whose delivery state is shown: the last of its group, or one in another state. */
  showState: boolean;
}

function startOfDay(ts: number): number {
  const d = new Date(ts);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}

let weekdayFormat: Intl.DateTimeFormat | undefined;
let dateFormat: Intl.DateTimeFormat | undefined;
let yearFormat: Intl.DateTimeFormat | undefined;

/** "Today", "Yesterday", a weekday within the last week, else the date ("3 December", with the year if another). */
export function dayLabel(ts: number, now: number): string {
  const day = startOfDay(ts);
  const today = startOfDay(now);
  if (day === today) return 'Today';
  const yesterday = new Date(today);
  yesterday.setDate(yesterday.getDate() - 1);
  if (day === yesterday.getTime()) return 'Yesterday';
  const weekAgo = new Date(today);
  weekAgo.setDate(weekAgo.getDate() - 6);
  if (day >= weekAgo.getTime() && day < today) {
    return (weekdayFormat ??= new Intl.DateTimeFormat(undefined, { weekday: 'long' })).format(ts);
  }
  if (new Date(ts).getFullYear() === new Date(now).getFullYear()) {
    return (dateFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long' })).format(ts);
  }
  return (yearFormat ??= new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'long', year: 'numeric' })).format(ts);
}

/** Who wrote it, for grouping: ourselves, a room nickname, or the other side of a chat. */
function author(m: MessageView): string {
  if (m.direction === 'out') return '\u0000me';
  return m.senderNick !== undefined ? `nick:${m.senderNick}` : `peer:${m.peer}`;
}

/**
 * The layout of a run of messages in the core's order. `firstUnread` is the id of the first unread
 * message (the "New messages" line); `before` is the message just above the run, when the run is
 * a window of a longer list, so that the first one shown joins its group.
 */
export function layoutMessages(
  messages: readonly MessageView[],
  { now, firstUnread, before }: { now: number; firstUnread?: string; before?: MessageView },
): LaidOut[] {
  const out: LaidOut[] = [];
  let prev = before;
  for (const m of messages) {
    const unreadStart = m.id === firstUnread;
    const newDay = !prev || startOfDay(prev.timestamp) !== startOfDay(m.timestamp);
    const joins =
      !!prev &&
      !newDay &&
      !unreadStart &&
      !m.notice &&
      !prev.notice &&
      author(prev) === author(m) &&
      m.timestamp - prev.timestamp <= GROUP_GAP_MS &&
      m.timestamp >= prev.timestamp;
    if (!joins && out.length > 0) out[out.length - 1]!.groupEnd = true;
    out.push({
      message: m,
      day: newDay ? dayLabel(m.timestamp, now) : undefined,
      unreadStart,
      groupStart: !joins,
      groupEnd: false,
      showState: false,
    });
    prev = m;
  }
  if (out.length > 0) out[out.length - 1]!.groupEnd = true;
  // Ticks: on the last of each group of our own, and where the state changes from the next one's
  // (read, delivered, delivered: ticks on the first and the last).
  for (let i = 0; i < out.length; i++) {
    const e = out[i]!;
    if (e.message.direction === 'out') e.showState = e.groupEnd || e.message.state !== out[i + 1]?.message.state;
  }
  return out;
}

/** The first of the last `unread` incoming messages (room notices are nobody's and never unread). */
export function firstUnreadId(messages: readonly MessageView[], unread: number): string | undefined {
  if (unread <= 0) return undefined;
  let left = unread;
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.direction !== 'in' || m.notice) continue;
    left -= 1;
    if (left === 0) return m.id;
  }
  return undefined;
}
